"""A run too small for worker processes is read in the run's own process, under the same limits."""

from __future__ import annotations

import json
import os
import resource
import tempfile
from pathlib import Path

from pipeline import batch, inprocess
from pipeline.config import Config
from pipeline.models import Document, SourceInfo, Status
from pipeline.tasks import Task
from pipeline.workers import Limits
from tests import faults, misbehaving

LIMITS = Limits(timeout=600.0, max_memory_mb=4096)


def where_it_ran(task: Task, config: Config) -> Document:
    """A result that names the process that made it (in its hash field); picklable by
    reference, so a worker can run it too."""
    source = SourceInfo(
        task.display_path, sha256=str(os.getpid()), bytes=0, media_type="text/plain", pages=1
    )
    return Document(source=source, status=Status.OK)


def readers(outcome: dict) -> set[int]:
    """The processes that made the results."""
    return {int(result["source"]["sha256"]) for result in outcome["results"].values()}


def leaves_a_temp_file(task: Task, config: Config) -> Document:
    """Writes a temporary file as Tesseract's page images are written, and leaves it."""
    handle, _ = tempfile.mkstemp(prefix="page-")
    os.close(handle)
    return where_it_ran(task, config)


def tasks_of(paths: list[Path]) -> list[Task]:
    return [Task(path, path.name, Path(path.name + ".json")) for path in paths]


def small_files(folder: Path, count: int) -> list[Path]:
    return [faults.good_text(folder / f"{number}.txt") for number in range(count)]


def run(folder: Path, out: Path, limits: Limits, process: object, workers: int = 2) -> dict:
    tasks = batch.plan_run(folder, out)
    summary = batch.run_batch(
        tasks,
        out,
        Config(),
        workers=workers,
        limits=limits,
        process=process,  # type: ignore[arg-type]
    )
    results = {p.name: json.loads(p.read_text("utf-8")) for p in out.glob("*.json")}
    return {"summary": summary, "results": results}


def test_a_few_small_documents_are_read_in_this_process(tmp_path: Path) -> None:
    small_files(tmp_path / "in", inprocess.IN_PROCESS_MAX_DOCUMENTS)
    outcome = run(tmp_path / "in", tmp_path / "out", LIMITS, where_it_ran)
    assert readers(outcome) == {os.getpid()}
    assert outcome["summary"].ok == inprocess.IN_PROCESS_MAX_DOCUMENTS


def test_more_documents_go_to_worker_processes(tmp_path: Path) -> None:
    small_files(tmp_path / "in", inprocess.IN_PROCESS_MAX_DOCUMENTS + 1)
    outcome = run(tmp_path / "in", tmp_path / "out", LIMITS, where_it_ran)
    assert os.getpid() not in readers(outcome)
    assert outcome["summary"].ok == inprocess.IN_PROCESS_MAX_DOCUMENTS + 1


def test_a_big_document_goes_to_a_worker_process(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * inprocess.IN_PROCESS_MAX_BYTES)
    assert not inprocess.runs_in_process(tasks_of([big]), 2, LIMITS)
    assert inprocess.runs_in_process(tasks_of(small_files(tmp_path, 1)), 2, LIMITS)


def test_one_worker_without_limits_always_runs_here(tmp_path: Path) -> None:
    many = small_files(tmp_path, inprocess.IN_PROCESS_MAX_DOCUMENTS + 1)
    assert inprocess.runs_in_process(tasks_of(many), 1, Limits())
    assert not inprocess.runs_in_process(tasks_of(many), 1, LIMITS)


def test_a_document_read_here_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    faults.good_text(tmp_path / "in" / f"{misbehaving.HANG}.txt")
    faults.good_text(tmp_path / "in" / "good.txt")
    outcome = run(tmp_path / "in", tmp_path / "out", Limits(timeout=1.0), misbehaving.process_task)
    hung = outcome["results"][f"{misbehaving.HANG}.json"]
    assert (hung["status"], hung["error"]["type"]) == ("failed", "TimeLimitError")
    assert outcome["results"]["good.json"]["status"] == "ok"


def test_a_document_read_here_is_stopped_at_its_memory_limit(tmp_path: Path) -> None:
    # The hog asks for memory until the cap refuses: no timing involved.
    faults.good_text(tmp_path / "in" / f"{misbehaving.HOG}.txt")
    faults.good_text(tmp_path / "in" / "good.txt")
    before = resource.getrlimit(resource.RLIMIT_AS)
    outcome = run(
        tmp_path / "in", tmp_path / "out", Limits(max_memory_mb=512), misbehaving.process_task
    )
    hog = outcome["results"][f"{misbehaving.HOG}.json"]
    assert (hog["status"], hog["error"]["type"]) == ("failed", "MemoryLimitError")
    assert "--max-memory" in hog["error"]["message"]
    assert outcome["results"]["good.json"]["status"] == "ok"
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # this process is free again


def test_temporary_files_of_a_run_read_here_are_removed(tmp_path: Path, monkeypatch) -> None:
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp_root))
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    small_files(tmp_path / "in", 1)
    outcome = run(tmp_path / "in", tmp_path / "out", LIMITS, leaves_a_temp_file)
    assert readers(outcome) == {os.getpid()}
    assert list(temp_root.iterdir()) == []
    assert tempfile.gettempdir() == str(temp_root)  # the run's folder was this run's only
