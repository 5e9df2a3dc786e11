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

import os
import signal
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from pipeline.bookkeeping import (
    ItemResult,
    Recorder,
    ResultCallback,
    RunSummary,
    config_fingerprint,
    skip_unchanged,
)
from pipeline.config import Config
from pipeline.errors import NoInputError, UsageError
from pipeline.inputs import (
    INDEX_NAME,
    collect_inputs,
    display_path,
    links_leaving_tree,
    output_relpath,
)
from pipeline.models import Document
from pipeline.output import prepare_output_dir, write_index
from pipeline.tasks import INTERNAL_ERROR_STAGE, Task, TaskProcessor, failed_document, process_task
from pipeline.workers import (
    DEFAULT_MAX_PAGES,
    DEFAULT_TIMEOUT_SECONDS,
    NO_LIMITS,
    WORKER_ENV,
    Limits,
    default_max_memory_mb,
    default_workers,
    run_here,
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


Executor = Callable[
    [Iterable[tuple[int, Task]], Config], Generator[tuple[int, Document], None, None]
]
"""Runs ``(position, task)`` pairs elsewhere (a cluster) and yields ``(position, document)``
as each finishes, cancelling the rest when closed; ``run_batch`` still writes, skips and
indexes."""


def plan_run(input_dir: Path, out_dir: Path) -> list[Task]:
    """The run's tasks in input order; NoInputError for a missing or empty folder.

    Symbolic links leading out of the input folder become tasks that fail without being read.
    """
    if not input_dir.is_dir():
        what = "is not a folder" if input_dir.exists() else "does not exist"
        raise NoInputError(f"input folder {input_dir} {what}")
    inputs = collect_inputs(input_dir, exclude=[out_dir])
    links = links_leaving_tree(input_dir, exclude=[out_dir])
    if not inputs and not links:
        raise NoInputError(f"no input files in {input_dir}")
    ordered = sorted([*inputs, *links], key=lambda path: path.relative_to(input_dir).parts)
    outputs = output_relpath(ordered, input_dir)
    refused = set(links)
    tasks = [
        Task(
            path,
            display_path(path.relative_to(input_dir)),
            outputs[path],
            _link_refusal(path) if path in refused else None,
        )
        for path in ordered
    ]
    _refuse_outputs_over_inputs(tasks, out_dir)
    return tasks


def _refuse_outputs_over_inputs(tasks: Sequence[Task], out_dir: Path) -> None:
    """UsageError when a result or the index would land on an input (``--out`` is the input
    folder, or holds it, and an input already has a result's name such as ``report.json``)."""
    inputs = {Path(os.path.realpath(task.path)): task for task in tasks}
    clashes = [
        (task, inputs[real])
        for task in tasks
        if (real := Path(os.path.realpath(out_dir / task.output))) in inputs
    ]
    index_clash = Path(os.path.realpath(out_dir / INDEX_NAME)) in inputs
    if not clashes and not index_clash:
        return
    example = (
        f"{display_path(out_dir / INDEX_NAME)}, the run's index"
        if index_clash
        else f"{clashes[0][1].display_path}, the result of {clashes[0][0].display_path}"
    )
    count = len(clashes) + index_clash
    raise UsageError(
        f"--out {display_path(out_dir)} would write over {count} input file(s) (e.g. "
        f"{example}); choose an output folder outside the input folder"
    )


def _link_refusal(link: Path) -> str:
    target = display_path(Path(os.readlink(link)))
    return f"symbolic link to {target}, outside the input folder: not followed"


def run_batch(
    tasks: Sequence[Task],
    out_dir: Path,
    config: Config,
    *,
    workers: int,
    limits: Limits = NO_LIMITS,
    force: bool = False,
    on_result: ResultCallback | None = None,
    process: TaskProcessor | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """Process every task, write each result and the index; return the counts by status.

    ``workers`` isolated worker processes run the documents (never more than there are
    documents); ``workers`` 1 with no limits runs them in this process instead. Inputs whose
    earlier result is still valid are skipped unless ``force``. ``process`` replaces
    ``process_task`` (it must be a picklable module-level function); ``executor`` replaces
    the local workers altogether (limits are then the executor's business).
    Run-level errors (a missing dependency, a full disk) propagate and stop the run.
    """
    prepare_output_dir(out_dir)
    fingerprint = config_fingerprint(config)
    recorder = Recorder(tasks, out_dir, fingerprint, on_result)
    todo: Iterable[tuple[int, Task]] = enumerate(tasks)
    if not force:
        todo = skip_unchanged(todo, out_dir, fingerprint, recorder)
    work = process or process_task
    results: Generator[tuple[int, Document], None, None]
    if executor is not None:
        results = executor(todo, config)
    elif workers == 1 and not limits.enforced:
        results = run_here(todo, config, work)
    else:
        results = run_isolated(todo, config, min(workers, len(tasks)), limits, work)
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


STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


@contextmanager
def signals_deferred() -> Iterator[None]:
    """A second Ctrl-C or SIGTERM waits until the block is done (the index is being written)."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
