"""OCR text quality: the pipeline's reading of each page against the bare ``tesseract`` command.

Real scans have no transcription, so they are compared by measures that need none: the share
of words the lexicon knows (and their number), words mixing Latin and Cyrillic letters (a
misread: "поп-permanent"), and characters per page. Every reading of a page is judged with the
same lexicon (the page's language as most readings are detected in), and the same word rule.
Generated two-column scans (tests/test_layout.py's pages, rendered to images) are compared by
CER against the drawn text.

Bare Tesseract reads each page image as rendered for the pipeline, with its default language
and with ``-l eng``, ``-l rus`` and ``-l rus+eng``. The pipeline's side is its extraction
(script-aware languages, orientation, deskew, reading order) and its repairs, page by page.

    python bench/bench_ocr_quality.py --cache /tmp/ocrq --pages-table bench/ocr_quality_pages.md
    python bench/bench_ocr_quality.py --max-pages 1 --columns 2

It prints one row per document (the worst page's margin of the pipeline against the best bare
setting of that page) and one row per page (into ``--pages-table`` when given).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pdfplumber
from PIL import Image

from pipeline.config import Config, OcrMode
from pipeline.images import image_dpi
from pipeline.inputs import sniff_media_type
from pipeline.lexicon import LANGUAGES_BY_SCRIPT, WORD, detect_language, script_of, zipf
from pipeline.process import extract
from pipeline.repair import repair_pages
from tests.pdfgen import ENGLISH_PARAGRAPHS
from tests.test_layout import TITLE, cer, column_page, drawn_text

REAL_SCANS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "scanned"
BARE_SETTINGS: dict[str, list[str]] = {
    "default": [],
    "eng": ["-l", "eng"],
    "rus": ["-l", "rus"],
    "rus+eng": ["-l", "rus+eng"],
}
DPI = 300
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def page_images(path: Path, folder: Path, max_pages: int | None) -> list[Path]:
    """The document's pages as images: rendered PDF pages, or the image itself."""
    return [
        page_image(path, number, folder) for number in range(1, page_count(path, max_pages) + 1)
    ]


def page_count(path: Path, max_pages: int | None) -> int:
    if path.suffix.lower() != ".pdf":
        return 1
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages[:max_pages])


def page_image(path: Path, number: int, folder: Path) -> Path:
    """Page ``number`` as an image file: rendered at DPI from a PDF, or the image itself."""
    if path.suffix.lower() != ".pdf":
        return path
    target = folder / f"{path.stem}-{number}.png"
    if not target.exists():
        with pdfplumber.open(path) as pdf:
            pdf.pages[number - 1].to_image(resolution=DPI).original.save(target)
    return target


def bare(image: Path, options: list[str]) -> str:
    """The ``tesseract`` command's text of a page image, told the resolution the pipeline
    uses for it: the one an image file declares, else DPI (rendered PDF pages are at DPI)."""
    with Image.open(image) as opened:
        dpi = image_dpi(opened) or DPI
    result = subprocess.run(
        ["tesseract", str(image), "-", "--dpi", str(round(dpi)), *options],
        capture_output=True,
        text=True,
        env=TESSERACT_ENV,
        check=False,
    )
    return result.stdout


def pipeline_pages(path: Path, max_pages: int | None) -> list[str]:
    data = path.read_bytes()
    config = Config(ocr=OcrMode.ALWAYS, max_pages=None)
    extraction = extract(data, sniff_media_type(data, path.name), config)
    pages, _ = repair_pages(extraction.pages[:max_pages], config)
    return ["\n".join(line.text for line in page.lines) for page in pages]


def page_language(readings: Mapping[str, str]) -> str | None:
    """The one lexicon every reading of a page is judged with: of the languages the readings
    are detected in, the one in which some reading knows the most words. Judging each reading
    in its own detected language would let a garbled reading pick a friendlier lexicon; a
    majority vote would let the readers with the wrong model outvote the right one."""
    languages = {code for text in readings.values() if (code := detect_language(text))}
    if not languages:
        return None
    return max(
        sorted(languages), key=lambda code: max(known_in(t, code) for t in readings.values())
    )


@dataclass(frozen=True, slots=True)
class Reading:
    """The measures of one reading of a page."""

    known: float  # share of words (3+ letters) the page's lexicon knows
    known_words: int  # how many that is: a reading cannot gain share by dropping words
    mixed: int  # words mixing Latin and Cyrillic letters
    chars: int  # non-space characters


def measures(text: str, language: str | None) -> Reading:
    words = WORD.findall(text)
    share = known_in(text, language)
    return Reading(
        known=share,
        known_words=round(share * sum(len(word) >= 3 for word in words)),
        mixed=sum(script_of(word) == "mixed" for word in words),
        chars=len("".join(text.split())),
    )


def known_in(text: str, language: str | None) -> float:
    """Share of the words (3+ letters) that ``language``'s lexicon knows, written in its script.

    Stricter than ``lexicon.known_share``, which looks a word up in the language of its own
    script: on an English page the Russian model's misread "нате" for "ENGLISH" is a Russian
    word, but no English word read."""
    words = [word for word in WORD.findall(text) if len(word) >= 3]
    if not words or language is None:
        return 0.0
    script = next(name for name, codes in LANGUAGES_BY_SCRIPT.items() if language in codes)
    return sum(script_of(w) == script and zipf(w, language) >= 1.0 for w in words) / len(words)


def bare_reading(image: Callable[[], Path], setting: str, cache: Path | None, key: str) -> str:
    """Bare Tesseract's text of a page image with one setting, from ``cache`` when there."""
    cached = cache / f"{key}-{setting}.txt" if cache is not None else None
    if cached is not None and cached.exists():
        return cached.read_text()
    text = bare(image(), BARE_SETTINGS[setting])
    if cached is not None:
        cached.write_text(text)
    return text


def real_pages(
    folder_of_scans: Path, max_pages: int | None, cache: Path | None, rescore: bool = False
) -> Iterator[tuple[str, int, dict[str, Reading]]]:
    """(document, page, measures by reader) for every page of every real scan; with
    ``rescore`` every text comes from ``cache`` (nothing is read again)."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted(folder_of_scans.iterdir()):
            count = page_count(path, max_pages)
            keys = [f"{path.stem}-p{number}" for number in range(1, count + 1)]
            if rescore and cache is not None:
                ours = [(cache / f"{key}-pipeline.txt").read_text() for key in keys]
            else:
                ours = pipeline_pages(path, max_pages)
            for number, key in enumerate(keys, start=1):
                readings = {"pipeline": ours[number - 1] if number <= len(ours) else ""}
                for name in BARE_SETTINGS:
                    image = partial(page_image, path, number, Path(folder))
                    readings[name] = bare_reading(image, name, cache, key)
                if cache is not None and not rescore:
                    (cache / f"{key}-pipeline.txt").write_text(readings["pipeline"])
                language = page_language(readings)
                yield path.name, number, {r: measures(t, language) for r, t in readings.items()}


def best_bare(measured: Mapping[str, Reading]) -> str:
    """The bare setting that reads the page best (highest known share, then most known words)."""
    return max(BARE_SETTINGS, key=lambda name: (measured[name].known, measured[name].known_words))


def page_table(pages: Sequence[tuple[str, int, dict[str, Reading]]]) -> list[str]:
    """Every page: each reader's known share (known words, mixed-script words, characters)."""
    readers = ["pipeline", *BARE_SETTINGS]
    rows = [
        "| page | " + " | ".join(readers) + " | best bare | margin |",
        "|---|" + "---:|" * len(readers) + "---|---:|",
    ]
    for name, number, measured in pages:
        cells = [
            f"{measured[r].known:.3f} ({measured[r].known_words}/{measured[r].mixed}/"
            f"{measured[r].chars})"
            for r in readers
        ]
        best = best_bare(measured)
        margin = measured["pipeline"].known - measured[best].known
        rows.append(f"| `{name}` p{number} | " + " | ".join(cells) + f" | {best} | {margin:+.3f} |")
    return rows


def document_table(pages: Sequence[tuple[str, int, dict[str, Reading]]]) -> list[str]:
    """Per document: its pages' worst margin of the pipeline against the best bare setting."""
    rows = [
        "| document | pages | pipeline known (mean) | best bare known (mean) | worst page margin "
        "| mixed-script words (pipeline) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    by_document: dict[str, list[dict[str, Reading]]] = {}
    for name, _number, measured in pages:
        by_document.setdefault(name, []).append(measured)
    for name, measured_pages in by_document.items():
        ours = statistics.fmean(m["pipeline"].known for m in measured_pages)
        bare_best = statistics.fmean(m[best_bare(m)].known for m in measured_pages)
        margins = [m["pipeline"].known - m[best_bare(m)].known for m in measured_pages]
        worst = min(range(len(margins)), key=lambda i: margins[i])
        rows.append(
            f"| `{name}` | {len(measured_pages)} | {ours:.3f} | {bare_best:.3f} | "
            f"{margins[worst]:+.3f} (p{worst + 1}) | "
            f"{sum(m['pipeline'].mixed for m in measured_pages)} |"
        )
    return rows


def columns_table(columns: int) -> list[str]:
    rows = ["| generated scan | reader | CER |", "|---|---|---:|"]
    with tempfile.TemporaryDirectory() as folder:
        pdf = column_page(Path(folder) / "cols.pdf", ENGLISH_PARAGRAPHS[:2], columns, TITLE)
        truth = drawn_text(ENGLISH_PARAGRAPHS[:2], TITLE)
        (image,) = page_images(pdf, Path(folder), None)
        readings = {"pipeline": " ".join(pipeline_pages(pdf, None))}
        readings |= {name: bare(image, opts) for name, opts in BARE_SETTINGS.items()}
        for reader, text in readings.items():
            rows.append(f"| {columns} columns + title | {reader} | {cer(text, truth):.3f} |")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-pages", type=int, default=None, help="pages per document")
    parser.add_argument("--columns", type=int, default=2, help="columns of the generated scan")
    parser.add_argument("--skip-real", action="store_true", help="generated scans only")
    parser.add_argument("--real", type=Path, default=REAL_SCANS, help="folder of real scans")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="folder keeping every page's texts; bare readings found there are reused "
        "(they depend on Tesseract alone, not on the pipeline)",
    )
    parser.add_argument("--pages-table", type=Path, default=None, help="per-page table file")
    parser.add_argument(
        "--rescore", action="store_true", help="measure the texts in --cache, reading nothing"
    )
    args = parser.parse_args(argv)
    Image.MAX_IMAGE_PIXELS = None
    if not args.rescore:
        print("\n".join(columns_table(args.columns)))
    if args.skip_real:
        return 0
    pages = []
    for name, number, measured in real_pages(args.real, args.max_pages, args.cache, args.rescore):
        pages.append((name, number, measured))
        print(page_table(pages)[-1], file=sys.stderr)
    print()
    print("\n".join(document_table(pages)))
    table = "\n".join(page_table(pages)) + "\n"
    if args.pages_table is not None:
        args.pages_table.write_text(table)
    else:
        print()
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
