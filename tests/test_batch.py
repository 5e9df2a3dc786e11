"""Batch runs: every input gets a result, one bad file never stops the others."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

import pipeline.batch as batch
import pipeline.limits as limits_module
import pipeline.tasks as tasks_module
from pipeline.config import Config
from pipeline.errors import ExitCode, MissingDependencyError, NoInputError
from pipeline.models import Document
from pipeline.process import process_path

STATEMENT = (
    "Statement by the Delegation of Norway\n\n"
    "Mr. Chairperson,\n\n"
    "Norway welcomes the report and thanks the Secretariat for its work.\n\n"
    "Thank you.\n"
)


def make_inputs(root: Path) -> dict[str, bytes]:
    """Good and bad files in nested folders; returns what was written."""
    files = {
        "b.txt": STATEMENT.encode(),
        "a/one.txt": STATEMENT.replace("Norway", "Iceland").encode("cp1251"),
        "a/empty.txt": b"",
        "c.pdf": bytes(range(256)) * 4,  # not a PDF, whatever its name says
        "d.txt": STATEMENT.replace("Norway", "Chile").encode("utf-16"),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


def read_index(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "index.jsonl").read_text("utf-8").splitlines()]


def test_plan_run_orders_inputs_and_names_outputs(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    assert [(t.display_path, t.output.as_posix()) for t in tasks] == [
        ("a/empty.txt", "a/empty.json"),
        ("a/one.txt", "a/one.json"),
        ("b.txt", "b.json"),
        ("c.pdf", "c.json"),
        ("d.txt", "d.json"),
    ]


@pytest.mark.parametrize("case", ["missing", "empty", "only hidden files"])
def test_plan_run_without_inputs_raises_no_input(tmp_path: Path, case: str) -> None:
    root = tmp_path / "in"
    if case == "empty":
        root.mkdir()
    elif case == "only hidden files":
        root.mkdir()
        (root / ".notes.txt").write_text(STATEMENT)
    with pytest.raises(NoInputError):
        batch.plan_run(root, tmp_path / "out")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_file_fails_alone_and_every_result_is_written(tmp_path: Path, workers: int) -> None:
    make_inputs(tmp_path / "in")
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    seen: list[int] = []
    summary = batch.run_batch(
        tasks,
        tmp_path / "out",
        Config(),
        workers=workers,
        on_result=lambda result: seen.append(result.position),
    )
    assert sorted(seen) == list(range(len(tasks)))  # one report per document
    index = read_index(tmp_path / "out")
    assert [line["path"] for line in index] == [task.display_path for task in tasks]
    by_path = {line["path"]: line for line in index}
    assert {path for path, line in by_path.items() if line["status"] == "failed"} == {
        "a/empty.txt",
        "c.pdf",
    }
    assert by_path["c.pdf"]["error"]["message"]
    for line in index:
        written = json.loads((tmp_path / "out" / line["output"]).read_text("utf-8"))
        assert written["source"]["path"] == line["path"]
        assert written["status"] == line["status"]
        assert written["error"] == line["error"]
    assert (summary.total, summary.failed) == (5, 2)
    assert summary.ok + summary.partial == 3
    assert summary.exit_code is ExitCode.SOME_FAILED
    assert summary.index_path == tmp_path / "out" / "index.jsonl"


def test_pool_and_in_process_runs_write_the_same_results(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out1")
    batch.run_batch(tasks, tmp_path / "out1", Config(), workers=1)
    batch.run_batch(tasks, tmp_path / "out2", Config(), workers=2)
    names = sorted(p.relative_to(tmp_path / "out1") for p in (tmp_path / "out1").rglob("*"))
    assert names == sorted(p.relative_to(tmp_path / "out2") for p in (tmp_path / "out2").rglob("*"))
    for name in names:
        if (tmp_path / "out1" / name).is_file():
            assert (tmp_path / "out1" / name).read_bytes() == (
                tmp_path / "out2" / name
            ).read_bytes()


def test_all_good_inputs_exit_ok(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STATEMENT, encoding="utf-8")
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    summary = batch.run_batch(tasks, tmp_path / "out", Config(), workers=1)
    assert (summary.total, summary.failed, summary.exit_code) == (1, 0, ExitCode.OK)


def test_a_crash_inside_processing_becomes_a_failed_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_inputs(tmp_path / "in")

    def crash_on_b(path: Path, config: Config, *, display_path: str | None = None) -> Document:
        if path.name == "b.txt":
            raise RuntimeError("a bug in some stage")
        return process_path(path, config, display_path=display_path)

    monkeypatch.setattr(tasks_module, "process_path", crash_on_b)
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    summary = batch.run_batch(tasks, tmp_path / "out", Config(), workers=1)
    failed = json.loads((tmp_path / "out" / "b.json").read_text("utf-8"))
    assert failed["status"] == "failed"
    assert failed["error"]["type"] == "InternalError"
    assert "a bug in pipeline" in failed["error"]["message"]
    assert "RuntimeError" not in failed["error"]["message"]  # no Python names for users
    assert failed["source"]["bytes"] == len(STATEMENT.encode())
    assert summary.failed == 3  # b.txt plus the two bad inputs; the others went on


def test_a_run_level_error_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_inputs(tmp_path / "in")

    def tesseract_missing(path: Path, config: Config, *, display_path: str | None = None) -> Any:
        raise MissingDependencyError("tesseract is not installed")

    monkeypatch.setattr(tasks_module, "process_path", tesseract_missing)
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    with pytest.raises(MissingDependencyError):
        batch.run_batch(tasks, tmp_path / "out", Config(), workers=1)
    assert not (tmp_path / "out" / "index.jsonl").exists()


def test_default_workers_is_at_least_one() -> None:
    assert batch.default_workers() >= 1


def test_a_link_out_of_the_tree_is_a_task_that_fails_unread(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    (tmp_path / "secret.txt").write_text(STATEMENT)
    (tmp_path / "in" / "link.txt").symlink_to(tmp_path / "secret.txt")
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    link = next(task for task in tasks if task.display_path == "link.txt")
    assert link.refusal is not None
    assert "outside the input folder" in link.refusal
    assert all(task.refusal is None for task in tasks if task is not link)
    document = batch.process_task(link, Config())
    assert document.status.value == "failed"
    assert document.error is not None
    assert document.error.type == "UnreadableInputError"
    assert document.source.bytes == 0


@pytest.mark.parametrize("workers", [1, 2, 64])
def test_default_memory_per_worker_stays_within_its_bounds(workers: int) -> None:
    memory = batch.default_max_memory_mb(workers)
    low, high = limits_module.MIN_WORKER_MEMORY_MB, limits_module.MAX_DEFAULT_WORKER_MEMORY_MB
    assert low <= memory <= high
    assert batch.default_max_memory_mb(workers * 2) <= memory


def test_limits_are_enforced_only_when_set() -> None:
    assert not batch.Limits().enforced
    assert batch.Limits(timeout=1.0).enforced
    assert batch.Limits(max_memory_mb=512).enforced


def test_ctrl_c_stops_every_worker_and_indexes_what_finished(tmp_path: Path) -> None:
    for number in range(6):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{number}.txt").write_text(STATEMENT)
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")

    def interrupt(result: batch.ItemResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(
            tasks, tmp_path / "out", Config(), workers=2, limits=batch.Limits(timeout=60.0),
            on_result=interrupt,
        )  # fmt: skip
    assert multiprocessing.active_children() == []
    index = (tmp_path / "out" / "index.jsonl").read_text("utf-8").splitlines()
    assert len(index) == 1  # the one document that finished, no line for the others
    assert json.loads(index[0])["status"] == "ok"
    results = [path for path in (tmp_path / "out").iterdir() if path.suffix == ".json"]
    assert [json.loads(path.read_text("utf-8"))["status"] for path in results] == ["ok"]


def test_an_executor_gets_only_the_work_left_and_the_run_records_its_results(
    tmp_path: Path,
) -> None:
    make_inputs(tmp_path / "in")
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    batch.run_batch(tasks, tmp_path / "out", Config(), workers=1)
    (tmp_path / "in" / "b.txt").write_text(STATEMENT.replace("Norway", "Peru"))
    handed: list[str] = []

    def elsewhere(
        todo: Iterable[tuple[int, batch.Task]], config: Config
    ) -> Generator[tuple[int, Document], None, None]:
        for position, task in todo:
            handed.append(task.display_path)
            yield position, batch.process_task(task, config)

    summary = batch.run_batch(tasks, tmp_path / "out", Config(), workers=1, executor=elsewhere)
    assert handed == ["b.txt"]
    assert summary.skipped == len(tasks) - 1
    assert "Peru" in (tmp_path / "out" / "b.json").read_text("utf-8")


@pytest.mark.parametrize("limits", [batch.Limits(), batch.Limits(timeout=120.0)])
def test_page_progress_reaches_the_parent_from_workers_and_in_process(
    tmp_path: Path, limits: batch.Limits
) -> None:
    from pipeline.pageprogress import PageProgress
    from tests.pdfgen import make_text_pdf

    (tmp_path / "in").mkdir()
    make_text_pdf(tmp_path / "in" / "three.pdf", [("One.",), ("Two.",), ("Three.",)])
    tasks = batch.plan_run(tmp_path / "in", tmp_path / "out")
    seen: list[tuple[str, PageProgress]] = []
    batch.run_batch(
        tasks, tmp_path / "out", Config(), workers=1, limits=limits,
        on_page=lambda task, progress: seen.append((task.display_path, progress)),
    )  # fmt: skip
    assert seen == [("three.pdf", PageProgress(done, 3)) for done in (1, 2, 3)]
    assert str(seen[-1][1]) == "page 3/3"
