"""Start-up: what `pipeline --version` and `--help` import, and where a run's documents go
(worker processes, or this process for a few small documents)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.batch import Limits, runs_in_process
from pipeline.config import Config
from pipeline.models import Document, SourceInfo, Status
from tests import faults

HEAVY_LIBRARIES = (
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    "PIL",
    "numpy",
    "pytesseract",
    "wordfreq",
    "ftfy",
    "charset_normalizer",
)
"""PDF, image, OCR, word-list, encoding and text-repair libraries. (Typer itself brings
pydantic for its parameters when a command's options are shown or used.)"""

LOADED_AFTER = """
import json, sys
sys.argv = ["pipeline", *json.loads(sys.argv[1])]
from pipeline.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""
"""Runs the command line in a fresh interpreter; prints the top-level modules it loaded."""


def modules_loaded_by(*arguments: str) -> set[str]:
    child = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(child.stderr.strip().splitlines()[-1])
    return set(loaded)


@pytest.mark.parametrize("arguments", [["--version"], ["--help"], ["run", "--help"]])
def test_version_and_help_import_no_pdf_image_ocr_or_word_list_library(
    arguments: list[str],
) -> None:
    loaded = modules_loaded_by(*arguments)
    assert "pipeline" in loaded  # the command line really ran
    assert loaded.isdisjoint(HEAVY_LIBRARIES), loaded & set(HEAVY_LIBRARIES)


def test_cleaning_a_file_does_load_the_stages(tmp_path: Path) -> None:
    """The check above can fail: the same probe sees the libraries a real command loads."""
    statement = faults.good_pdf(tmp_path / "statement.pdf")
    loaded = modules_loaded_by("clean", str(statement))
    assert {"pdfplumber", "wordfreq"} <= loaded
    assert "numpy" not in loaded  # images and OCR stay unloaded for a text layer


def test_the_package_names_load_on_first_use() -> None:
    import pipeline
    from pipeline import config, process

    assert pipeline.__version__ == version(pipeline.DISTRIBUTION)
    assert pipeline.Config is config.Config
    assert pipeline.process_path is process.process_path
    assert set(pipeline.__all__) <= set(dir(pipeline))
    with pytest.raises(AttributeError):
        _ = pipeline.no_such_name  # type: ignore[attr-defined]


# --- where a run's documents go --------------------------------------------------------------

LIMITS = Limits(timeout=600.0, max_memory_mb=4096)
HANG_LIMIT_SECONDS = 1.0


def hang_or_pass(task: batch.Task, config: Config) -> Document:
    """Hangs on the input named after the hang fault; any other comes back at once, ok."""
    if task.path.stem == faults.HANG:
        time.sleep(faults.HANG_SECONDS)
    source = SourceInfo(task.display_path, sha256="", bytes=0, media_type="text/plain", pages=1)
    return Document(source=source, status=Status.OK)


def tasks_of(paths: list[Path]) -> list[batch.Task]:
    return [batch.Task(path, path.name, Path(path.name + ".json")) for path in paths]


def small_files(folder: Path, count: int) -> list[Path]:
    return [faults.good_text(folder / f"{number}.txt") for number in range(count)]


def test_a_few_small_documents_run_in_this_process(tmp_path: Path) -> None:
    assert runs_in_process(tasks_of(small_files(tmp_path, 1)), 2, LIMITS)
    assert runs_in_process(
        tasks_of(small_files(tmp_path, batch.IN_PROCESS_MAX_DOCUMENTS)), 2, LIMITS
    )


def test_more_documents_or_big_ones_go_to_worker_processes(tmp_path: Path) -> None:
    many = small_files(tmp_path / "many", batch.IN_PROCESS_MAX_DOCUMENTS + 1)
    assert not runs_in_process(tasks_of(many), 2, LIMITS)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * batch.IN_PROCESS_MAX_BYTES)
    assert not runs_in_process(tasks_of([big]), 2, LIMITS)


def test_one_worker_without_limits_always_runs_here(tmp_path: Path) -> None:
    many = small_files(tmp_path, batch.IN_PROCESS_MAX_DOCUMENTS + 1)
    assert runs_in_process(tasks_of(many), 1, Limits())
    assert not runs_in_process(tasks_of(many), 1, LIMITS)


def test_a_memory_limit_below_what_this_process_maps_sends_documents_to_workers(
    tmp_path: Path,
) -> None:
    tiny = Limits(max_memory_mb=1)
    assert not runs_in_process(tasks_of(small_files(tmp_path, 1)), 2, tiny)


def test_a_document_run_here_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    root = tmp_path / "in"
    faults.good_text(root / f"{faults.HANG}.txt")
    faults.good_text(root / "good.txt")
    tasks = batch.plan_run(root, tmp_path / "out")
    limits = Limits(timeout=HANG_LIMIT_SECONDS)
    assert runs_in_process(tasks, 2, limits)
    summary = batch.run_batch(
        tasks, tmp_path / "out", Config(), workers=2, limits=limits, process=hang_or_pass
    )
    hung = json.loads((tmp_path / "out" / f"{faults.HANG}.json").read_text("utf-8"))
    assert (hung["status"], hung["error"]["type"]) == ("failed", "TimeLimitError")
    good = json.loads((tmp_path / "out" / "good.json").read_text("utf-8"))
    assert good["status"] == "ok"
    assert (summary.ok, summary.failed) == (1, 1)


def test_the_limits_of_a_document_run_here_are_lifted_after_it() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    with batch._limits_here(Limits(timeout=30.0, max_memory_mb=8192)):
        assert resource.getrlimit(resource.RLIMIT_AS)[0] == 8192 * batch.MIB
    assert resource.getrlimit(resource.RLIMIT_AS) == before
