"""Many inputs through ``process_path``, in-process or in a process pool.

Workers only compute: each returns a picklable ``Document``. The parent alone writes files and
reports progress, so output never interleaves and a killed worker cannot leave half a file.
Results are written as they finish; the index is written in input order once all are done.
A document's failure is a result, never an exception: one bad file does not stop a run.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import DocumentError, ExitCode, NoInputError, PipelineError
from pipeline.inputs import BINARY, collect_inputs, display_path, output_relpath
from pipeline.models import Document, ErrorInfo, SourceInfo, Status
from pipeline.output import IndexEntry, prepare_output_dir, to_json, write_atomic, write_index
from pipeline.process import process_path

IN_FLIGHT_PER_WORKER = 2
"""Documents queued per worker: enough to keep it busy, few enough to stop fast on Ctrl-C."""
WORKER_ENV = {"OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other when several Tesseracts run at once."""
INTERNAL_ERROR_STAGE = "internal"


@dataclass(frozen=True, slots=True)
class Task:
    """One input of a run and where its result goes."""

    path: Path
    display_path: str  # relative to the input folder, printable
    output: Path  # relative to the output folder


@dataclass(frozen=True, slots=True)
class ItemResult:
    """A finished document, handed to the progress callback as soon as it is written."""

    position: int  # index of the task in input order
    task: Task
    document: Mapping[str, object]  # Document.to_dict(): the JSON object written

    @property
    def status(self) -> str:
        return str(self.document["status"])

    @property
    def error_message(self) -> str | None:
        error = self.document.get("error")
        return str(error["message"]) if isinstance(error, dict) else None


@dataclass(frozen=True, slots=True)
class RunSummary:
    total: int
    counts: Mapping[str, int]  # status -> documents
    index_path: Path

    @property
    def ok(self) -> int:
        return self.counts.get(Status.OK.value, 0)

    @property
    def partial(self) -> int:
        return self.counts.get(Status.PARTIAL.value, 0)

    @property
    def failed(self) -> int:
        return self.counts.get(Status.FAILED.value, 0)

    @property
    def exit_code(self) -> ExitCode:
        """A partial document does not fail the run; a failed one does."""
        return ExitCode.SOME_FAILED if self.failed else ExitCode.OK


ResultCallback = Callable[[ItemResult], None]


def default_workers() -> int:
    """The cores this process may use (``os.process_cpu_count`` from Python 3.13 on)."""
    process_cpu_count: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)
    if process_cpu_count is not None:
        return process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def plan_run(input_dir: Path, out_dir: Path) -> list[Task]:
    """The run's tasks in input order; NoInputError for a missing or empty folder."""
    if not input_dir.is_dir():
        what = "is not a folder" if input_dir.exists() else "does not exist"
        raise NoInputError(f"input folder {input_dir} {what}")
    inputs = collect_inputs(input_dir, exclude=[out_dir])
    if not inputs:
        raise NoInputError(f"no input files in {input_dir}")
    outputs = output_relpath(inputs, input_dir)
    return [Task(path, display_path(path.relative_to(input_dir)), outputs[path]) for path in inputs]


def run_batch(
    tasks: Sequence[Task],
    out_dir: Path,
    config: Config,
    *,
    workers: int,
    on_result: ResultCallback | None = None,
) -> RunSummary:
    """Process every task, write each result and the index; return the counts by status.

    ``workers`` 1 runs in this process; more use a process pool (never more than tasks).
    Run-level errors (a missing dependency, an unwritable output) propagate and stop the run.
    """
    prepare_output_dir(out_dir)
    entries: dict[int, IndexEntry] = {}

    def record(position: int, document: Document) -> None:
        task = tasks[position]
        as_dict = document.to_dict(__version__)
        write_atomic(out_dir / task.output, to_json(as_dict))
        entries[position] = _index_entry(task, as_dict)
        if on_result is not None:
            on_result(ItemResult(position=position, task=task, document=as_dict))

    pool_size = min(workers, len(tasks))
    results = _run_in_pool(tasks, config, pool_size) if pool_size > 1 else _run_here(tasks, config)
    # closing(): on Ctrl-C or an error the pool is shut down now, not when garbage-collected.
    with closing(results):
        for position, document in results:
            record(position, document)
    index_path = write_index(out_dir, (entries[i] for i in range(len(tasks))))
    counts = Counter(entry.status for entry in entries.values())
    return RunSummary(total=len(tasks), counts=dict(counts), index_path=index_path)


def _index_entry(task: Task, document: Mapping[str, object]) -> IndexEntry:
    error = document.get("error")
    return IndexEntry(
        path=task.display_path,
        status=str(document["status"]),
        output=task.output.as_posix(),
        error={str(k): str(v) for k, v in error.items()} if isinstance(error, dict) else None,
    )


# --- one document ---------------------------------------------------------------------------


def process_task(task: Task, config: Config) -> Document:
    """``process_path`` for one task; an unexpected crash becomes a failed Document.

    ``process_path`` already turns a bad document into a failed result; this guard keeps a bug
    in one stage from stopping the other documents. Run-level errors still propagate.
    """
    try:
        return process_path(task.path, config, display_path=task.display_path)
    except PipelineError as exc:
        if not isinstance(exc, DocumentError):
            raise
        return _failed_document(task, exc, exc.stage)
    except Exception as exc:  # a bug: report it on this document and go on
        return _failed_document(task, exc, INTERNAL_ERROR_STAGE)


def _failed_document(task: Task, exc: Exception, stage: str) -> Document:
    data = _read_or_empty(task.path)
    source = SourceInfo(
        path=task.display_path,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        media_type=BINARY,
        pages=0,
    )
    error = ErrorInfo(type=type(exc).__name__, message=str(exc) or repr(exc), stage=stage)
    return Document(source=source, status=Status.FAILED, error=error)


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _run_here(tasks: Sequence[Task], config: Config) -> Generator[tuple[int, Document], None, None]:
    """The same per-document code, in this process (``--workers 1``)."""
    for position, task in enumerate(tasks):
        yield position, process_task(task, config)


# --- the pool -------------------------------------------------------------------------------


def _init_worker() -> None:
    """Runs once in each worker process."""
    os.environ.update(WORKER_ENV)
    # Ctrl-C reaches the whole process group; only the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool_context() -> BaseContext:
    """A start method that is safe in a parent running threads (rich's progress refresher).

    Forking a threaded process can copy a held lock into the child; the forkserver starts
    workers from a clean single-threaded server that has already imported the stages.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.process"])
        return context
    return multiprocessing.get_context("spawn")


def _run_in_pool(
    tasks: Sequence[Task], config: Config, workers: int
) -> Generator[tuple[int, Document], None, None]:
    """Yield ``(position, document)`` as documents finish, at most a few queued per worker."""
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_pool_context(), initializer=_init_worker
    )
    pending: dict[Future[Document], int] = {}
    queue = iter(enumerate(tasks))
    try:
        _fill(pool, pending, queue, config, workers * IN_FLIGHT_PER_WORKER)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
            _fill(pool, pending, queue, config, workers * IN_FLIGHT_PER_WORKER)
    finally:
        # Normal end, a run-level error or Ctrl-C: drop what has not started, keep nothing.
        pool.shutdown(wait=True, cancel_futures=True)


def _fill(
    pool: ProcessPoolExecutor,
    pending: dict[Future[Document], int],
    queue: Iterator[tuple[int, Task]],
    config: Config,
    limit: int,
) -> None:
    while len(pending) < limit:
        item = next(queue, None)
        if item is None:
            return
        position, task = item
        pending[pool.submit(process_task, task, config)] = position
