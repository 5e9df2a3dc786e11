"""OCR seconds per page: the whole pipeline against the bare ``tesseract`` command.

Both read the same pages at the same resolution in the same run: each scanned PDF's pages are
rendered once (as the pipeline renders them) for the bare command, then the two sides take
turns document by document, the order alternating between rounds. Tesseract runs with
``OMP_THREAD_LIMIT=1`` on both sides, as the pipeline runs it. The pipeline's time includes
everything it does to a page (render, orientation check, deskew, OCR, repairs, paragraphs).

The figure is the median over documents of (pipeline s/page) / (bare s/page); the run exits 1
when it exceeds --max-ratio. With --batch it also runs ``pipeline run --workers 2`` over the
same files and reports how busy both cores were (child CPU time / (wall time × cores)).

    python bench/bench_ocr.py                         # dev corpus scan300 PDFs (first 6)
    python bench/bench_ocr.py --limit 20 --rounds 3 --max-ratio 1.15 --batch
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber

from pipeline import Config, process_path

DEV_CORPUS_INPUT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "input"
DEV_PATTERN = "*-scan300.pdf"
DEFAULT_LIMIT = 6
DEFAULT_ROUNDS = 2
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class Sample:
    pdf: Path
    pages: list[Path]  # the pages rendered as PNG for the bare command


def render_pages(pdf_path: Path, folder: Path, dpi: int) -> list[Path]:
    """The PDF's pages as lossless images, rendered by the same code path the pipeline uses."""
    images = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            target = folder / f"{pdf_path.stem}-{number}.png"
            page.to_image(resolution=dpi).original.save(target)
            images.append(target)
    return images


def bare_tesseract(pages: Sequence[Path], lang: str, dpi: int) -> float:
    """Seconds for the bare command over every page (TSV, as the pipeline asks for)."""
    start = time.perf_counter()
    for page in pages:
        subprocess.run(
            ["tesseract", str(page), "stdout", "-l", lang, "--dpi", str(dpi), "tsv"],
            check=True,
            capture_output=True,
            env=TESSERACT_ENV,
        )
    return time.perf_counter() - start


def whole_pipeline(pdf: Path, config: Config) -> float:
    start = time.perf_counter()
    document = process_path(pdf, config)
    elapsed = time.perf_counter() - start
    if document.status.value == "failed":
        raise SystemExit(f"{pdf.name} failed: {document.error}")
    return elapsed


def measure_one(sample: Sample, config: Config, rounds: int) -> tuple[float, float]:
    """Median seconds per page of the bare command and of the pipeline, turns alternating."""
    bare_runs: list[float] = []
    pipeline_runs: list[float] = []
    for round_number in range(rounds):
        bare_first = round_number % 2 == 0
        if bare_first:
            bare_runs.append(bare_tesseract(sample.pages, config.ocr_lang, config.ocr_dpi))
        pipeline_runs.append(whole_pipeline(sample.pdf, config))
        if not bare_first:
            bare_runs.append(bare_tesseract(sample.pages, config.ocr_lang, config.ocr_dpi))
    pages = len(sample.pages)
    return statistics.median(bare_runs) / pages, statistics.median(pipeline_runs) / pages


def per_page_ratios(
    samples: Sequence[Sample], config: Config, rounds: int
) -> list[tuple[str, float, float]]:
    """(name, bare s/page, pipeline s/page) per document."""
    return [(s.pdf.name, *measure_one(s, config, rounds)) for s in samples]


def cpu_times() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def batch_utilisation(pdfs: Sequence[Path], workers: int) -> tuple[float, float]:
    """Wall seconds and the share of all cores busy during ``pipeline run --workers N``.

    Machine-wide, because the work happens in forkserver workers and their Tesseract
    processes, which this process's resource accounting never sees; run it on a quiet machine.
    """
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "in"
        folder.mkdir()
        for pdf in pdfs:
            shutil.copy(pdf, folder)
        busy_before, total_before = cpu_times()
        start = time.perf_counter()
        command = [sys.executable, "-m", "pipeline", "run", str(folder)]
        command += ["--out", str(Path(scratch) / "out"), "--workers", str(workers), "--quiet"]
        subprocess.run(command, check=False)
        wall = time.perf_counter() - start
        busy_after, total_after = cpu_times()
    return wall, (busy_after - busy_before) / max(total_after - total_before, 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=DEV_CORPUS_INPUT)
    parser.add_argument("--pattern", default=DEV_PATTERN)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--max-ratio", type=float, default=None)
    parser.add_argument("--batch", action="store_true", help="also measure a 2-worker batch")
    args = parser.parse_args(argv)

    pdfs = sorted(args.inputs.glob(args.pattern))[: args.limit]
    if not pdfs:
        print(f"no {args.pattern} under {args.inputs}", file=sys.stderr)
        return 2
    config = replace(Config(), page_workers=1)  # page for page, like the serial bare command
    with tempfile.TemporaryDirectory() as scratch:
        samples = [Sample(pdf, render_pages(pdf, Path(scratch), config.ocr_dpi)) for pdf in pdfs]
        rows = per_page_ratios(samples, config, args.rounds)

    print(f"{'document':28} {'bare s/page':>12} {'pipeline s/page':>16} {'ratio':>6}")
    for name, bare, pipeline in rows:
        print(f"{name:28} {bare:12.2f} {pipeline:16.2f} {pipeline / bare:6.2f}")
    median_ratio = statistics.median(pipeline / bare for _, bare, pipeline in rows)
    print(f"median ratio (pipeline / bare tesseract, per page): {median_ratio:.2f}")
    if args.batch:
        wall, busy = batch_utilisation(pdfs, workers=2)
        print(f"batch of {len(pdfs)} with 2 workers: {wall:.1f} s, cores busy {busy:.0%}")
    if args.max_ratio is not None and median_ratio > args.max_ratio:
        print(f"FAIL: ratio {median_ratio:.2f} > max {args.max_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
