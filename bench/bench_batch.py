"""Batch scaling and memory: documents per second with 1 and 2 workers; peak memory per worker.

(a) Scaling: ``plan_run`` + ``run_batch`` over the same scanned PDFs with ``workers=1`` and
``workers=2`` and the command line's default limits, so both run in isolated worker processes
as ``pipeline run --workers N`` does; rounds alternate which goes first; each side's median
round counts. Each document reads its pages
one at a time (``--page-workers 1``), so the ratio measures what a second document worker adds
and not page parallelism inside one document. Issue 4's target: 2 workers >= 1.8x one worker.

(b) Memory: a 500-page text PDF (header, body text and a page number on every page) is drawn
with reportlab in a temporary folder, then ``process_path`` reads it in a child process; the
child's peak resident set (``ru_maxrss`` from ``os.wait4``) is the memory one worker needs for
that document. Issue 4's target: under 500 MB.

    python bench/bench_batch.py                          # dev corpus *-scan200.pdf, first 10
    python bench/bench_batch.py --limit 20 --rounds 1 --min-ratio 1.8 --max-mb 500
    python bench/bench_batch.py --part memory --pages 500
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_ocr import cpu_times  # the same /proc/stat reading as the OCR benchmark
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline import Config
from pipeline.batch import (
    DEFAULT_TIMEOUT_SECONDS,
    Limits,
    default_max_memory_mb,
    plan_run,
    run_batch,
)

DEV_CORPUS_INPUT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "input"
DEV_PATTERN = "*-scan200.pdf"
DEFAULT_LIMIT = 10
DEFAULT_ROUNDS = 2
WORKER_COUNTS = (1, 2)
TARGET_RATIO = 1.8
"""Issue 4: 2 workers reach at least 1.8x the documents per second of 1 worker."""
TARGET_PEAK_MB = 500.0
"""Issue 4: peak memory per worker on the 500-page text PDF stays under 500 MB."""
DEFAULT_PAGES = 500
KIB_PER_MB = 1024
"""``ru_maxrss`` is in KiB on Linux; figures are printed in MiB ("MB")."""

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
FONT_NAME = "DejaVuSerif"
BODY_SIZE = 11.0
SMALL_SIZE = 9.0
MARGIN = 72.0
LEADING = 15.0
BODY_TOP = A4[1] - 100.0
BODY_BOTTOM = 90.0
WRAP_CHARS = 82
"""Characters per body line: about the width of the text block at 11 points."""
SENTENCES = (
    "The Delegation welcomes the report of the Secretary General and thanks the Secretariat "
    "for its thorough and balanced work over the past year.",
    "Делегация Российской Федерации внимательно ознакомилась с докладом и считает важным "
    "продолжить диалог по всем вопросам повестки дня.",
    "We remain convinced that the principles of the Helsinki Final Act must guide the work of "
    "this Organization in every dimension of security.",
    "Мы призываем все государства-участники проявить политическую волю и конструктивный "
    "подход к обсуждению предложенных мер доверия.",
)
CHILD_PROGRAM = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from pipeline import Config, process_path
    after_imports_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    document = process_path(Path(sys.argv[1]), Config())
    print(json.dumps({
        "status": document.status.value,
        "pages": document.source.pages,
        "seconds": time.perf_counter() - start,
        "after_imports_kib": after_imports_kib,
    }))
    """
)


# --- (a) documents per second with 1 and 2 workers -------------------------------------------


@dataclass(frozen=True)
class Side:
    workers: int
    seconds: list[float]
    statuses: Counter[str]

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)


def stage_inputs(pdfs: Sequence[Path], folder: Path) -> Path:
    """The chosen files alone in one folder (hard links where possible: no copy of the data)."""
    folder.mkdir(parents=True)
    for pdf in pdfs:
        try:
            os.link(pdf, folder / pdf.name)
        except OSError:  # another filesystem, or links not allowed
            shutil.copy2(pdf, folder / pdf.name)
    return folder


def timed_run(
    input_dir: Path, out_dir: Path, config: Config, workers: int
) -> tuple[float, dict[str, int]]:
    """Wall seconds of one whole batch run (pool start included) and its statuses."""
    tasks = plan_run(input_dir, out_dir)
    limits = Limits(timeout=DEFAULT_TIMEOUT_SECONDS, max_memory_mb=default_max_memory_mb(workers))
    busy_before, total_before = cpu_times()
    start = time.perf_counter()
    summary = run_batch(tasks, out_dir, config, workers=workers, limits=limits)
    elapsed = time.perf_counter() - start
    busy_after, total_after = cpu_times()
    shutil.rmtree(out_dir)  # a fresh folder every time: nothing is skipped as already done
    busy = (busy_after - busy_before) / max(total_after - total_before, 1)
    # A 1-worker run keeps about one core busy; much more means something else was running.
    print(f"  {workers} worker(s): {elapsed:.1f} s, machine's cores busy {busy:.0%}")
    return elapsed, dict(summary.counts)


def measure_scaling(pdfs: Sequence[Path], config: Config, rounds: int) -> list[Side]:
    """Every worker count once per round, the order reversed every other round."""
    sides = {workers: Side(workers, [], Counter()) for workers in WORKER_COUNTS}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        input_dir = stage_inputs(pdfs, Path(scratch) / "in")
        for round_number in range(rounds):
            order = WORKER_COUNTS if round_number % 2 == 0 else WORKER_COUNTS[::-1]
            for workers in order:
                out_dir = Path(scratch) / f"out-{round_number}-{workers}"
                seconds, counts = timed_run(input_dir, out_dir, config, workers)
                sides[workers].seconds.append(seconds)
                sides[workers].statuses.update(counts)
    return [sides[workers] for workers in WORKER_COUNTS]


def report_scaling(pdfs: Sequence[Path], sides: Sequence[Side]) -> float:
    """Print documents per second of each side; return the 2-worker / 1-worker ratio."""
    rates = {}
    for side in sides:
        rates[side.workers] = len(pdfs) / side.median_seconds
        print(
            f"{side.workers} worker(s): {rates[side.workers]:.3f} documents/s "
            f"({side.median_seconds:.1f} s per run; statuses {dict(side.statuses)})"
        )
        if side.statuses.get("failed"):
            print("  warning: failed documents do less work, so this rate flatters")
    ratio = rates[2] / rates[1]
    print(
        f"ratio (2 workers / 1 worker, documents per second): {ratio:.2f} (target {TARGET_RATIO})"
    )
    return ratio


# --- (b) peak memory on a long text PDF ------------------------------------------------------


def draw_long_pdf(path: Path, pages: int) -> Path:
    """``pages`` A4 pages: a running header, wrapped RU/EN body text and "– N –" at the foot."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
    canvas = Canvas(str(path), pagesize=A4)
    lines = body_lines()
    per_page = int((BODY_TOP - BODY_BOTTOM) // LEADING)
    for number in range(1, pages + 1):
        canvas.setFont(FONT_NAME, SMALL_SIZE)
        canvas.drawString(
            MARGIN, A4[1] - 50.0, "OSCE Permanent Council — Statement — PC.DEL/1234/25"
        )
        canvas.drawCentredString(A4[0] / 2, 50.0, f"– {number} –")
        canvas.setFont(FONT_NAME, BODY_SIZE)
        start = (number - 1) * per_page
        for row in range(per_page):
            text = lines[(start + row) % len(lines)]
            canvas.drawString(MARGIN, BODY_TOP - row * LEADING, text)
        canvas.showPage()
    canvas.save()
    return path


def body_lines() -> list[str]:
    """Paragraphs of the sample sentences, wrapped, with a blank line between paragraphs."""
    lines: list[str] = []
    for first in range(len(SENTENCES)):
        paragraph = " ".join(SENTENCES[(first + k) % len(SENTENCES)] for k in range(3))
        lines.extend(textwrap.wrap(paragraph, WRAP_CHARS))
        lines.append("")
    return lines


def measure_peak_memory(pdf: Path) -> tuple[float, dict[str, object]]:
    """Peak resident MB of a child process that runs ``process_path`` on ``pdf``, and its report."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_PROGRAM, str(pdf)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if child.returncode != 0:
        raise SystemExit(f"the measuring child failed with exit code {child.returncode}")
    return usage.ru_maxrss / KIB_PER_MB, json.loads(output)


def report_memory(pages: int) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        start = time.perf_counter()
        pdf = draw_long_pdf(Path(scratch) / f"long-{pages}.pdf", pages)
        drawn = time.perf_counter() - start
        size_mb = pdf.stat().st_size / KIB_PER_MB / KIB_PER_MB
        print(f"generated {pages}-page text PDF: {size_mb:.1f} MB in {drawn:.1f} s")
        peak_mb, child = measure_peak_memory(pdf)
    after_imports = float(str(child["after_imports_kib"])) / KIB_PER_MB
    print(
        f"process_path: status {child['status']}, {child['pages']} pages "
        f"in {float(str(child['seconds'])):.1f} s"
    )
    print(
        f"peak memory of the worker: {peak_mb:.0f} MB (target < {TARGET_PEAK_MB:.0f} MB; "
        f"{after_imports:.0f} MB of it after imports, before the document)"
    )
    return peak_mb


# --- command line ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["scaling", "memory", "both"], default="both")
    parser.add_argument("--inputs", type=Path, default=DEV_CORPUS_INPUT)
    parser.add_argument("--pattern", default=DEV_PATTERN)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="first N files (0: all)")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--page-workers", type=int, default=1)
    parser.add_argument("--min-ratio", type=float, default=None, help=f"e.g. {TARGET_RATIO}")
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--max-mb", type=float, default=None, help=f"e.g. {TARGET_PEAK_MB:.0f}")
    args = parser.parse_args(argv)

    failures: list[str] = []
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.2f} (measure on an otherwise idle machine)")
    if args.part in ("scaling", "both"):
        pdfs = sorted(args.inputs.glob(args.pattern))
        pdfs = pdfs[: args.limit] if args.limit else pdfs
        if not pdfs:
            print(f"no {args.pattern} under {args.inputs}", file=sys.stderr)
            return 2
        print(
            f"(a) scaling: {len(pdfs)} documents ({args.inputs / args.pattern}), "
            f"{args.rounds} round(s), page workers {args.page_workers}"
        )
        config = Config(page_workers=args.page_workers)
        ratio = report_scaling(pdfs, measure_scaling(pdfs, config, args.rounds))
        if args.min_ratio is not None and ratio < args.min_ratio:
            failures.append(f"ratio {ratio:.2f} < min {args.min_ratio}")
    if args.part in ("memory", "both"):
        print(f"(b) memory: one worker on a generated {args.pages}-page text PDF")
        peak_mb = report_memory(args.pages)
        if args.max_mb is not None and peak_mb > args.max_mb:
            failures.append(f"peak memory {peak_mb:.0f} MB > max {args.max_mb:.0f} MB")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
