"""Many inputs through ``process_path``: each in an isolated worker process, with limits.

Workers only compute: each returns a picklable ``Document``. The parent alone writes files and
reports progress, so output never interleaves and a killed worker cannot leave half a file.
Results are written as they finish; the index is written in input order once all are done.
A document's failure is a result, never an exception: one bad file does not stop a run.

Isolation: every document runs in a worker process of its own process group, with a
wall-clock limit (the parent kills the whole group, Tesseract included, when it is over) and
an address-space limit (``RLIMIT_AS``, set inside the worker). A worker that breaks a limit or
dies (a crash in a C library, a signal) fails only its document and is replaced. Only
``workers=1`` without any limit runs in this process (for debugging and the Python API).

Resuming: an input whose earlier result records the same content hash, pipeline version and
settings fingerprint is not processed again (``force`` redoes it); its result is reused.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from pipeline.bookkeeping import (
    ItemResult,
    Recorder,
    ResultCallback,
    RunSummary,
    config_fingerprint,
    skip_unchanged,
)
from pipeline.config import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_SECONDS, Config
from pipeline.inprocess import run_in_process, runs_in_process
from pipeline.inputs import display_path
from pipeline.models import Document
from pipeline.output import prepare_output_dir, write_index
from pipeline.planning import plan_run
from pipeline.stopping import signals_deferred
from pipeline.tasks import INTERNAL_ERROR_STAGE, Task, TaskProcessor, failed_document, process_task
from pipeline.workers import (
    NO_LIMITS,
    WORKER_ENV,
    Limits,
    PageCallback,
    default_max_memory_mb,
    default_workers,
    run_isolated,
)

__all__ = [
    "DEFAULT_MAX_PAGES",
    "DEFAULT_TIMEOUT_SECONDS",
    "INTERNAL_ERROR_STAGE",
    "WORKER_ENV",
    "Executor",
    "ItemResult",
    "Limits",
    "ResultCallback",
    "RunSummary",
    "StartCallback",
    "Task",
    "TaskProcessor",
    "config_fingerprint",
    "default_max_memory_mb",
    "default_workers",
    "failed_document",
    "plan_run",
    "process_task",
    "run_batch",
]


StartCallback = Callable[[Task], None]
"""Told each task as a worker takes it up (the progress bar names the current document)."""
Executor = Callable[
    [Iterable[tuple[int, Task]], Config], Generator[tuple[int, Document], None, None]
]
"""Runs ``(position, task)`` pairs elsewhere (a cluster) and yields ``(position, document)``
as each finishes, cancelling the rest when closed; ``run_batch`` still writes, skips and
indexes."""


def run_batch(
    tasks: Sequence[Task],
    out_dir: Path,
    config: Config,
    *,
    workers: int,
    limits: Limits = NO_LIMITS,
    force: bool = False,
    on_result: ResultCallback | None = None,
    on_start: StartCallback | None = None,
    on_page: PageCallback | None = None,
    process: TaskProcessor | None = None,
    executor: Executor | None = None,
    formats: Sequence[str] = (),
) -> RunSummary:
    """Process every task, write each result and the index; return the counts by status.

    ``workers`` isolated worker processes run the documents (never more than there are
    documents); ``workers`` 1 with no limits runs them in this process instead. Inputs whose
    earlier result is still valid are skipped unless ``force``. ``process`` replaces
    ``process_task`` (it must be a picklable module-level function); ``executor`` replaces
    the local workers altogether (limits are then the executor's business). ``formats`` names
    renderings written beside each JSON result (``md``, ``txt``: ``render.FORMATS``).
    Run-level errors (a missing dependency, a full disk) propagate and stop the run.
    """
    prepare_output_dir(out_dir)
    fingerprint = config_fingerprint(config)
    extra = tuple(fmt for fmt in formats if fmt != "json")
    recorder = Recorder(tasks, out_dir, fingerprint, on_result, extra)
    todo: Iterable[tuple[int, Task]] = enumerate(tasks)
    if not force:
        todo = skip_unchanged(todo, out_dir, fingerprint, recorder, extra)
    if on_start is not None:
        todo = _announced(todo, on_start)
    work = process or process_task
    results: Generator[tuple[int, Document], None, None]
    if executor is not None:  # a Dask worker's cores are the cluster's to share out
        results = executor(todo, config)
    elif runs_in_process(tasks, workers, limits):
        alone = pages_take_spare_cores(config, 1)  # one document at a time here
        results = run_in_process(todo, alone, work, limits, on_page)
    else:
        used = min(workers, len(tasks))
        pages_config = pages_take_spare_cores(config, used)
        results = run_isolated(todo, pages_config, used, limits, work, on_page)
    # closing(): on Ctrl-C or an error the workers are stopped now, not when garbage-collected.
    try:
        with closing(results):
            for position, document in results:
                recorder.record(position, document)
    except KeyboardInterrupt:
        # Ctrl-C, SIGTERM or SIGHUP: the index of what finished, so the user sees where the
        # run stopped; a rerun resumes from the results themselves.
        with signals_deferred():
            write_index(out_dir, recorder.index(finished_only=True))
        raise
    index_path = write_index(out_dir, recorder.index())
    return recorder.summary(index_path)


def pages_take_spare_cores(config: Config, used: int) -> Config:
    """``config`` for a run that reads ``used`` documents at a time: the cores no document
    worker uses go to the pages of each (a single scan in a batch is read two pages at a time
    on two cores, not one)."""
    return replace(config, page_workers=max(config.page_workers, default_workers() // max(1, used)))


def iter_documents(
    paths: Iterable[Path],
    config: Config | None = None,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
) -> Iterator[Document]:
    """Process many files with a run's isolation (each document in a worker process under the
    run's default time and memory limits), yielding each ``Document`` as it finishes, in
    finishing order; ``Document.source.path`` says which input it is. Nothing is written.

    Stopping early (``break``, closing the iterator) stops the workers.
    """
    tasks = [
        Task(Path(path), display_path(Path(path)), Path(f"{n}.json"))
        for n, path in enumerate(paths)
    ]
    if not tasks:
        return
    config = config or Config()
    workers = min(workers or default_workers(), len(tasks))
    if limits is None:
        limits = Limits(DEFAULT_TIMEOUT_SECONDS, default_max_memory_mb(workers))
    results = (
        run_in_process(enumerate(tasks), config, process_task, limits)
        if workers == 1 and not limits.enforced
        else run_isolated(enumerate(tasks), config, workers, limits, process_task)
    )
    with closing(results):
        for _position, document in results:
            yield document


def _announced(
    todo: Iterable[tuple[int, Task]], on_start: StartCallback
) -> Iterator[tuple[int, Task]]:
    """The same tasks, each announced as it is taken up (a worker is free for it)."""
    for position, task in todo:
        on_start(task)
        yield position, task
