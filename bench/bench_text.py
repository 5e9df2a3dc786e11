"""Pages per second of the whole pipeline against bare pdfplumber text extraction.

Both run in the same process over the same text-layer PDFs, interleaved round by round (the
order alternates so neither side always gets the warm cache), and each side's median round
counts. The ratio is pipeline time / bare time; the run exits 1 when it exceeds --max-ratio.

    python bench/bench_text.py                       # dev corpus text PDFs, else generated ones
    python bench/bench_text.py --inputs DIR --rounds 7 --max-ratio 1.5
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pdfplumber

from pipeline import Config, process_path

DEV_CORPUS_INPUT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "input"
DEV_PATTERN = "*-text.pdf"
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEFAULT_ROUNDS = 5
GENERATED_DOCUMENTS = 6
GENERATED_PAGES = 3
LINES_PER_PAGE = 42
"""Lines of 12 pt text at a 16 pt pitch between the header and the page number on A4."""
TEXT_WIDTH = 450.0
"""Points: A4 width less 72 pt margins, a little narrower."""


def bare_extraction(paths: Sequence[Path]) -> int:
    """pdfplumber's own ``extract_text`` over every page; returns the pages read."""
    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return pages


def whole_pipeline(paths: Sequence[Path]) -> Counter[str]:
    """``process_path`` over every file; returns the documents by status."""
    config = Config()
    return Counter(process_path(path, config).status.value for path in paths)


def timed(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def measure(paths: Sequence[Path], rounds: int) -> tuple[float, float]:
    """Median seconds per round of (bare, pipeline), interleaved, after one warm-up of each."""
    bare_extraction(paths)
    whole_pipeline(paths)  # loads the word lists and warms the caches, as a long run would
    bare_times: list[float] = []
    pipeline_times: list[float] = []
    for round_number in range(rounds):
        steps = [
            (bare_times, lambda: bare_extraction(paths)),
            (pipeline_times, lambda: whole_pipeline(paths)),
        ]
        if round_number % 2:
            steps.reverse()
        for times, step in steps:
            times.append(timed(step))
    return statistics.median(bare_times), statistics.median(pipeline_times)


def generate_pdfs(folder: Path) -> list[Path]:
    """Multi-page Russian and English statements, for machines without the dev corpus."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_PATH)))
    sentences = {
        "ru": "Российская Федерация последовательно выступает за укрепление сотрудничества "
        "и взаимодействия государств-участников в интересах общей безопасности.",
        "en": "The delegation reaffirms its commitment to co-operation among the participating "
        "States and to the principles that this Organization stands for.",
    }
    paths = []
    for number in range(GENERATED_DOCUMENTS):
        language = "ru" if number % 2 else "en"
        words = ((sentences[language] + " ") * 60).split()
        lines = wrap(words, lambda text: pdfmetrics.stringWidth(text, "DejaVu", 12))
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        for page in range(GENERATED_PAGES):
            pdf.setFont("DejaVu", 12)
            pdf.drawString(72, 800, "PC.DEL/1234/24")  # a running header
            chunk = lines[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE]
            for row, line in enumerate(chunk):
                pdf.drawString(72, 760 - 16 * row, line)
            pdf.drawCentredString(297, 40, str(page + 1))
            pdf.showPage()
        pdf.save()
        path = folder / f"{language}{number:02d}-text.pdf"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def wrap(words: Sequence[str], width_of: Callable[[str], float]) -> list[str]:
    """Greedy line filling to the text width, as a word processor would."""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and width_of(candidate) > TEXT_WIDTH:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def find_inputs(inputs: Path | None, scratch: Path) -> tuple[list[Path], str]:
    if inputs is not None:
        return sorted(inputs.glob("*.pdf")), str(inputs)
    if DEV_CORPUS_INPUT.is_dir():
        found = sorted(DEV_CORPUS_INPUT.glob(DEV_PATTERN))
        if found:
            return found, f"{DEV_CORPUS_INPUT}/{DEV_PATTERN}"
    return generate_pdfs(scratch), "generated PDFs"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--inputs", type=Path, help="folder of text-layer PDFs")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="timed rounds")
    parser.add_argument(
        "--max-ratio", type=float, help="exit 1 when pipeline time / bare time exceeds this"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        paths, origin = find_inputs(args.inputs, Path(scratch))
        if not paths:
            print(f"no PDFs in {origin}", file=sys.stderr)
            return 2
        pages = bare_extraction(paths)
        statuses = whole_pipeline(paths)
        bare, pipeline = measure(paths, args.rounds)

    ratio = pipeline / bare
    print(f"inputs: {len(paths)} PDFs, {pages} pages ({origin})")
    print(f"pipeline results: {dict(sorted(statuses.items()))}")
    print(f"rounds: {args.rounds}, median of each side, interleaved")
    for label, seconds in (("bare pdfplumber extract_text", bare), ("whole pipeline", pipeline)):
        print(f"{label:<29} {pages / seconds:8.1f} pages/s ({seconds:.3f} s per round)")
    print(f"ratio (pipeline time / bare time): {ratio:.2f}")
    if statuses.get("failed"):
        print("warning: some documents failed, so the pipeline did less work", file=sys.stderr)
    if args.max_ratio is not None and ratio > args.max_ratio:
        print(f"FAIL: ratio {ratio:.2f} > max {args.max_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
