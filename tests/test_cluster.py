"""Cluster mode: the same documents on a Dask LocalCluster as in a local run, written the same."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

import pipeline.cluster as cluster_mode
from pipeline.batch import ItemResult, Task, plan_run, run_batch
from pipeline.cli import app
from pipeline.config import Config
from pipeline.errors import ExitCode, MissingDependencyError, UsageError
from pipeline.models import Document
from pipeline.process import process_path

pytestmark = pytest.mark.slow  # starts worker processes: about 10 s for the module

EN_STATEMENT = (
    "Statement by the Delegation of Norway\n\n"
    "Mr. Chairperson,\n\n"
    "Norway welcomes the report and thanks the Secretariat for its work.\n\n"
    "Thank you.\n"
)
RU_STATEMENT = (
    "Заявление делегации Российской Федерации\n\n"
    "Уважаемый господин Председатель,\n\n"
    "Благодарим Секретариат за подготовку доклада и поддерживаем его выводы.\n\n"
    "Благодарю за внимание.\n"
)
RANDOM_SEED = 7
RANDOM_SIZE = 2048
UNREACHABLE = "tcp://127.0.0.1:9"
"""The discard port: nothing listens there."""
FAILING_NAME = "boom.txt"
"""The input the test's own worker functions refuse."""
CRASH_EXIT_CODE = 70


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[LocalCluster]:
    # A document that kills its worker fails at once instead of killing three more first.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    yield cluster
    cluster.close()


def make_inputs(root: Path) -> None:
    """RU and EN statements (one cp1251, one nested), an empty file and random bytes."""
    files = {
        "en.txt": EN_STATEMENT.encode(),
        "ru.txt": RU_STATEMENT.encode(),
        "nested/ru-cp1251.txt": RU_STATEMENT.encode("cp1251"),
        "nested/en-chile.txt": EN_STATEMENT.replace("Norway", "Chile").encode(),
        "empty.txt": b"",
        "random.pdf": random.Random(RANDOM_SEED).randbytes(RANDOM_SIZE),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (hidden ones too) and its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def read_index(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "index.jsonl").read_text("utf-8").splitlines()]


def test_a_cluster_run_writes_what_a_local_run_writes(
    tmp_path: Path, local_cluster: LocalCluster
) -> None:
    make_inputs(tmp_path / "in")
    tasks = plan_run(tmp_path / "in", tmp_path / "out-dask")
    before = tree(tmp_path)
    reported: list[ItemResult] = []

    summary = cluster_mode.run_on_dask(
        tasks,
        tmp_path / "out-dask",
        Config(),
        scheduler=local_cluster.scheduler_address,
        on_result=reported.append,
    )

    after = tree(tmp_path)
    added = {name for name in after if name not in before}
    assert all(name.startswith("out-dask/") for name in added)  # nothing outside --out
    assert {name: after[name] for name in before} == before  # the inputs are untouched
    outputs = tree(tmp_path / "out-dask")
    assert sorted(outputs) == sorted([t.output.as_posix() for t in tasks] + ["index.jsonl"])
    assert sorted(r.position for r in reported) == list(range(len(tasks)))

    run_batch(tasks, tmp_path / "out-local", Config(), workers=1)
    for task in tasks:
        on_dask = json.loads((tmp_path / "out-dask" / task.output).read_text("utf-8"))
        local = json.loads((tmp_path / "out-local" / task.output).read_text("utf-8"))
        assert on_dask == local, task.display_path

    index = read_index(tmp_path / "out-dask")
    assert index == read_index(tmp_path / "out-local")
    assert [line["path"] for line in index] == [task.display_path for task in tasks]
    failed = {line["path"]: line["error"]["type"] for line in index if line["status"] == "failed"}
    assert failed == {"empty.txt": "EmptyInputError", "random.pdf": "UnsupportedInputError"}
    assert (summary.total, summary.failed, summary.ok + summary.partial) == (6, 2, 4)
    assert summary.exit_code is ExitCode.SOME_FAILED

    again = cluster_mode.run_on_dask(
        tasks, tmp_path / "out-dask", Config(), scheduler=local_cluster.scheduler_address
    )
    assert (again.skipped, again.counts) == (6, summary.counts)  # nothing is redone
    rewritten = tree(tmp_path / "out-dask")
    assert {name: rewritten[name] for name in outputs if name != "index.jsonl"} == {
        name: data for name, data in outputs.items() if name != "index.jsonl"
    }


def test_workers_run_tesseract_single_threaded(tmp_path: Path, local_cluster: LocalCluster) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "en.txt").write_text(EN_STATEMENT, encoding="utf-8")
    tasks = plan_run(tmp_path / "in", tmp_path / "out")
    cluster_mode.run_on_dask(
        tasks, tmp_path / "out", Config(), scheduler=local_cluster.scheduler_address
    )
    with Client(local_cluster, set_as_default=False) as client:
        seen = client.run(omp_thread_limit)
    assert list(seen.values()) == ["1", "1"]  # both workers


def omp_thread_limit() -> str | None:
    """What a worker process would hand to a Tesseract it starts."""
    return os.environ.get("OMP_THREAD_LIMIT")


# --- what a worker does with a task, replaced ----------------------------------------------


def refuse_one(task: Task, config: Config) -> Document:
    """A stage with a bug that only one input triggers."""
    if task.path.name == FAILING_NAME:
        raise RuntimeError("stage blew up")
    return process_path(task.path, config, display_path=task.display_path)


def lack_tesseract(task: Task, config: Config) -> Document:
    """A worker where Tesseract is not installed."""
    raise MissingDependencyError("tesseract is not installed on this worker")


def crash_on_one(task: Task, config: Config) -> Document:
    """A crash in a C library: the worker process dies without a word."""
    if task.path.name == FAILING_NAME:
        os._exit(CRASH_EXIT_CODE)
    return process_path(task.path, config, display_path=task.display_path)


def one_statement_and_a_bad_one(root: Path) -> list[Task]:
    root.mkdir()
    (root / "en.txt").write_text(EN_STATEMENT, encoding="utf-8")
    (root / FAILING_NAME).write_text(EN_STATEMENT, encoding="utf-8")
    return plan_run(root, root.parent / "out")


@pytest.mark.parametrize(
    ("process", "error_type", "message"),
    [
        (refuse_one, "InternalError", "a bug in pipeline"),
        (crash_on_one, "WorkerCrashError", "died"),
    ],
)
def test_a_document_that_breaks_its_worker_fails_alone(
    tmp_path: Path,
    local_cluster: LocalCluster,
    process: Callable[[Task, Config], Document],
    error_type: str,
    message: str,
) -> None:
    tasks = one_statement_and_a_bad_one(tmp_path / "in")
    summary = cluster_mode.run_on_dask(
        tasks,
        tmp_path / "out",
        Config(),
        scheduler=local_cluster.scheduler_address,
        process=process,
    )
    assert (summary.ok, summary.failed) == (1, 1)
    failed = json.loads((tmp_path / "out" / "boom.json").read_text("utf-8"))
    assert failed["status"] == "failed"
    assert failed["source"]["path"] == FAILING_NAME
    assert failed["error"]["type"] == error_type
    assert message in failed["error"]["message"]
    assert json.loads((tmp_path / "out" / "en.json").read_text("utf-8"))["status"] == "ok"


def test_a_missing_dependency_on_a_worker_stops_the_run(
    tmp_path: Path, local_cluster: LocalCluster
) -> None:
    tasks = one_statement_and_a_bad_one(tmp_path / "in")
    with pytest.raises(MissingDependencyError, match="tesseract"):
        cluster_mode.run_on_dask(
            tasks,
            tmp_path / "out",
            Config(),
            scheduler=local_cluster.scheduler_address,
            process=lack_tesseract,
        )
    assert not (tmp_path / "out" / "index.jsonl").exists()


# --- connecting ----------------------------------------------------------------------------


def test_without_a_scheduler_a_local_cluster_runs_the_documents(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ru.txt").write_text(RU_STATEMENT, encoding="utf-8")
    tasks = plan_run(tmp_path / "in", tmp_path / "out")
    summary = cluster_mode.run_on_dask(tasks, tmp_path / "out", Config(), scheduler=None, workers=1)
    assert (summary.total, summary.ok) == (1, 1)
    written = json.loads((tmp_path / "out" / "ru.json").read_text("utf-8"))
    assert written["language"] == "ru"


def test_an_unreachable_scheduler_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_mode, "CONNECT_TIMEOUT", "1s")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "en.txt").write_text(EN_STATEMENT, encoding="utf-8")
    tasks = plan_run(tmp_path / "in", tmp_path / "out")
    with pytest.raises(UsageError, match=re.escape(UNREACHABLE)):
        cluster_mode.run_on_dask(tasks, tmp_path / "out", Config(), scheduler=UNREACHABLE)
    assert not (tmp_path / "out" / "en.json").exists()


# --- the command line -----------------------------------------------------------------------


def test_cli_runs_on_a_dask_scheduler(tmp_path: Path, local_cluster: LocalCluster) -> None:
    make_inputs(tmp_path / "in")
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(tmp_path / "in"),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
            "--executor",
            "dask",
            "--scheduler",
            local_cluster.scheduler_address,
        ],
    )
    assert result.exit_code == ExitCode.SOME_FAILED  # the empty and the random file
    statuses = {entry["path"]: entry["status"] for entry in read_index(tmp_path / "out")}
    assert statuses["en.txt"] == statuses["nested/ru-cp1251.txt"] == "ok"
    assert statuses["empty.txt"] == statuses["random.pdf"] == "failed"


def test_cli_scheduler_without_dask_executor_is_a_usage_error(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    result = CliRunner().invoke(
        app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--scheduler", "x"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert not (tmp_path / "out").exists()
