"""Whole commands as a user runs them, against bare baselines timed in the same script.

Every figure is the wall time of a whole process started from here (Python start-up, imports,
worker pool and all), as a shell user feels it. Within a part the commands take turns: each
round runs every command once, the order reversed every other round, so that a busy moment of
the machine falls on both sides alike. Each command's median round counts; min-max shows the
spread. Ratios are pipeline median / baseline median.

Parts (``--parts``, comma-separated; default all but ocr):

- ``run-v1``: ``pipeline run IN --out OUT --force`` on the 20 v1 dev text PDFs (ru01-ru10,
  en01-en10) against ``python bench/bare_pdfplumber.py`` over the same files (one process);
- ``run-all``: the same on the 60 v1 + v2 text PDFs (ru01-ru30, en01-en30);
- ``clean``: ``pipeline clean FILE`` on one 2-page text PDF against the bare script on it;
- ``startup``: ``pipeline --version`` and ``pipeline --help`` (absolute seconds; ``python -c
  pass`` shown as the floor);
- ``memory``: ``pipeline clean`` on a generated 500-page text PDF: its peak resident set
  (``ru_maxrss`` of the process and the children it waited for);
- ``ocr``: ``pipeline run`` with default options on dev scan300 PDFs against bare ``tesseract``
  on the same pages (rendered once at 300 dpi, as the pipeline renders them) two at a time,
  one thread each (``xargs -P 2``, ``OMP_THREAD_LIMIT=1``).

    python bench/bench_commands.py                        # all parts but ocr, 5 rounds
    python bench/bench_commands.py --parts clean,startup --rounds 9
    python bench/bench_commands.py --parts ocr --ocr-limit 4 --rounds 3
    python bench/bench_commands.py --check                # exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DEV_CORPUS = Path("shared") / "corpus" / "dev" / "input"
DEV_CORPUS_INPUT = next(
    (folder / DEV_CORPUS for folder in BENCH.parents if (folder / DEV_CORPUS).is_dir()),
    BENCH.parents[1] / DEV_CORPUS,
)
"""The dev corpus beside the clone (or beside a folder holding the clone)."""
V1_IDS = [f"{lang}{n:02d}" for lang in ("ru", "en") for n in range(1, 11)]
V1_V2_IDS = [f"{lang}{n:02d}" for lang in ("ru", "en") for n in range(1, 31)]
CLEAN_FILE = "en01-text.pdf"
"""A 2-page English statement of the dev corpus."""
OCR_PATTERN = "*-scan300.pdf"
OCR_DPI = 300
OCR_LANG = "rus+eng"
OCR_PARALLEL = 2
DEFAULT_ROUNDS = 5
DEFAULT_OCR_LIMIT = 8
MEMORY_PAGES = 500
KIB_PER_MB = 1024
DEFAULT_PARTS = ("run-v1", "run-all", "clean", "startup", "memory")
ALL_PARTS = (*DEFAULT_PARTS, "ocr")

TARGETS = {
    "run-v1": 1.0,
    "run-all": 0.8,
    "clean": 2.5,
    "pipeline --version": 0.15,
    "pipeline --help": 0.3,
    "memory": 500.0,
    "ocr": 1.05,
}
"""Issue 11's targets: ratios for run and clean and ocr, seconds for start-up, MB for memory."""


@dataclass
class Command:
    """One command line of a part, and what its rounds measured."""

    name: str
    argv: list[str]
    stdin: bytes | None = None
    env: dict[str, str] | None = None
    seconds: list[float] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.seconds)

    def spread(self) -> str:
        return f"{min(self.seconds):.2f}-{max(self.seconds):.2f}"


def pipeline_command() -> list[str]:
    """The ``pipeline`` script beside this Python (what a user types), else ``-m pipeline``."""
    script = Path(sys.executable).parent / "pipeline"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]


def run_once(command: Command) -> None:
    """Run the command to its end and record its wall seconds; stop the bench if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command.argv,
        stdin=subprocess.PIPE if command.stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=command.env,
    )
    _, errors = child.communicate(command.stdin)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        message = errors.decode("utf-8", "replace").strip()[-500:]
        raise SystemExit(f"{command.name} failed ({child.returncode}): {message}")
    command.seconds.append(seconds)


def peak_memory_mb(argv: Sequence[str]) -> float:
    """Peak resident MB of one run of ``argv`` and the children it waited for (``os.wait4``)."""
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {child.returncode}")
    return usage.ru_maxrss / KIB_PER_MB


def interleave(commands: Sequence[Command], rounds: int) -> None:
    """Each round runs every command once; the order flips every other round."""
    for command in commands:  # one untimed run each: the disk cache is warm for both sides
        run_once(command)
        command.seconds.clear()
    for round_number in range(rounds):
        order = commands if round_number % 2 == 0 else list(reversed(commands))
        for command in order:
            run_once(command)


# --- the parts -------------------------------------------------------------------------------


def stage(files: Sequence[Path], folder: Path) -> Path:
    """A folder holding copies of just these inputs (the pipeline refuses links leading out)."""
    folder.mkdir(parents=True)
    for path in files:
        shutil.copy2(path, folder / path.name)
    return folder


def run_part(files: Sequence[Path], scratch: Path, rounds: int) -> tuple[Command, Command]:
    """``pipeline run`` over ``files`` against the bare script over the same files."""
    folder = stage(files, scratch / "in")
    bare = bare_script(files)
    run = Command(
        "pipeline run", [*pipeline_command(), "run", str(folder), "--out", str(scratch / "out")]
    )
    run.argv.append("--force")
    interleave([bare, run], rounds)
    return bare, run


def bare_script(files: Sequence[Path]) -> Command:
    """The baseline: ``bench/bare_pdfplumber.py`` over ``files`` in one Python process."""
    script = [sys.executable, str(BENCH / "bare_pdfplumber.py")]
    return Command("bare pdfplumber", [*script, *(str(path) for path in files)])


def clean_part(file: Path, rounds: int) -> tuple[Command, Command]:
    bare = bare_script([file])
    clean = Command("pipeline clean", [*pipeline_command(), "clean", str(file)])
    interleave([bare, clean], rounds)
    return bare, clean


def startup_part(rounds: int) -> list[Command]:
    commands = [
        Command("python -c pass", [sys.executable, "-c", "pass"]),
        Command("pipeline --version", [*pipeline_command(), "--version"]),
        Command("pipeline --help", [*pipeline_command(), "--help"]),
    ]
    interleave(commands, rounds)
    return commands


def memory_part(scratch: Path, pages: int) -> float:
    sys.path.insert(0, str(BENCH))
    from bench_batch import draw_long_pdf  # the same generated document as bench_batch

    pdf = draw_long_pdf(scratch / f"long-{pages}.pdf", pages)
    return peak_memory_mb([*pipeline_command(), "clean", str(pdf)])


def ocr_sample(inputs: Path, limit: int) -> list[Path]:
    """The first ``limit`` scan300 PDFs taken in turn from each family (en01, ru01, un01, en02…),
    so that a small batch holds Russian and English pages alike."""
    families: dict[str, list[Path]] = {}
    for pdf in sorted(inputs.glob(OCR_PATTERN)):
        family = re.match(r"[a-z]*", pdf.name)
        families.setdefault(family.group() if family else "", []).append(pdf)
    in_turn = [pdf for group in itertools.zip_longest(*families.values()) for pdf in group if pdf]
    return in_turn[:limit]


def ocr_part(pdfs: Sequence[Path], scratch: Path, rounds: int) -> tuple[Command, Command]:
    """``pipeline run`` (default options) on scans against bare tesseract two at a time."""
    sys.path.insert(0, str(BENCH))
    from bench_ocr import render_pages  # the pipeline's own renderer, at its resolution

    pages_dir = scratch / "pages"
    pages_dir.mkdir()
    pages = [page for pdf in pdfs for page in render_pages(pdf, pages_dir, OCR_DPI)]
    tesseract = ["tesseract", "{}", "stdout", "-l", OCR_LANG, "--dpi", str(OCR_DPI), "tsv"]
    bare = Command(
        f"bare tesseract x{OCR_PARALLEL}",
        ["xargs", "-0", "-P", str(OCR_PARALLEL), "-I{}", *tesseract],
        stdin=b"\0".join(str(page).encode() for page in pages),
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    folder = stage(pdfs, scratch / "in")
    run = Command(
        "pipeline run",
        [*pipeline_command(), "run", str(folder), "--out", str(scratch / "out"), "--force"],
    )
    interleave([bare, run], rounds)
    print(f"  ({len(pdfs)} PDFs, {len(pages)} pages)")
    return bare, run


# --- report ----------------------------------------------------------------------------------


def row(command: Command, baseline: Command | None) -> str:
    ratio = f"{command.median() / baseline.median():.2f}" if baseline is not None else ""
    return f"| `{command.name}` | {command.median():.2f} s | {command.spread()} s | {ratio} |"


def verdict(name: str, value: float, failures: list[str]) -> str:
    target = TARGETS[name]
    if value > target:
        failures.append(f"{name}: {value:.2f} > {target}")
        return f"above the target {target}"
    return f"target <= {target}: met"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=DEV_CORPUS_INPUT)
    parser.add_argument("--parts", default=",".join(DEFAULT_PARTS), help=", ".join(ALL_PARTS))
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--ocr-limit", type=int, default=DEFAULT_OCR_LIMIT)
    parser.add_argument("--pages", type=int, default=MEMORY_PAGES)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = set(parts) - set(ALL_PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    def texts(ids: Sequence[str]) -> list[Path]:
        files = [args.inputs / f"{doc_id}-text.pdf" for doc_id in ids]
        missing = [path.name for path in files if not path.exists()]
        if missing:
            raise SystemExit(f"missing under {args.inputs}: {', '.join(missing)}")
        return files

    if "ocr" in parts and shutil.which("tesseract") is None:
        raise SystemExit("the ocr part needs the tesseract command")
    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"rounds: {args.rounds}, interleaved, median (min-max); pipeline: {pipeline_command()}")
    print("| command | median | min-max | ratio |\n|---|---|---|---|")
    failures: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as scratch_name:
        scratch = Path(scratch_name)

        def part_scratch(name: str) -> Path:
            folder = scratch / name
            folder.mkdir()
            return folder

        pairs: list[tuple[str, Callable[[], tuple[Command, Command]]]] = [
            ("run-v1", lambda: run_part(texts(V1_IDS), part_scratch("v1"), args.rounds)),
            ("run-all", lambda: run_part(texts(V1_V2_IDS), part_scratch("all"), args.rounds)),
            ("clean", lambda: clean_part(args.inputs / CLEAN_FILE, args.rounds)),
        ]
        for name, measure in pairs:
            if name in parts:
                print(f"| **{name}** | | | |")
                bare, pipeline = measure()
                print(row(bare, None))
                print(row(pipeline, bare), flush=True)
                ratio = pipeline.median() / bare.median()
                notes.append(f"{name}: ratio {ratio:.2f}, {verdict(name, ratio, failures)}")
        if "startup" in parts:
            print("| **startup** | | | |")
            for command in startup_part(args.rounds):
                print(row(command, None), flush=True)
                if command.name in TARGETS:
                    seconds = command.median()
                    result = verdict(command.name, seconds, failures)
                    notes.append(f"{command.name}: {seconds:.2f} s, {result}")
        if "memory" in parts:
            peak = memory_part(part_scratch("memory"), args.pages)
            print(f"| `pipeline clean` {args.pages}-page PDF: peak memory | {peak:.0f} MB | | |")
            notes.append(f"memory: {peak:.0f} MB, {verdict('memory', peak, failures)}")
        if "ocr" in parts:
            pdfs = ocr_sample(args.inputs, args.ocr_limit)
            print("| **ocr** | | | |")
            bare, pipeline = ocr_part(pdfs, part_scratch("ocr"), args.rounds)
            print(row(bare, None))
            print(row(pipeline, bare), flush=True)
            ratio = pipeline.median() / bare.median()
            notes.append(f"ocr: ratio {ratio:.2f}, {verdict('ocr', ratio, failures)}")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} (on a busy machine ratios grow)")
    for note in notes:
        print(note)
    if args.check and failures:
        for failure in failures:
            print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
