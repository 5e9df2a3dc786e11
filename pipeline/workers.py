"""Isolated worker processes: one document at a time each, with limits, killed as a group.

Workers only compute: each returns a picklable ``Document``; the parent alone writes files.
Every document runs in a worker process of its own process group, with a wall-clock limit (the
parent kills the whole group, Tesseract included, when it is over) and an address-space limit
(``RLIMIT_AS``, set inside the worker). A worker that breaks a limit or dies (a crash in a C
library, a signal) fails only its document and is replaced.

A small supervisor rather than a pool library: it must know which process runs which
document, to kill that process's whole group at the deadline, to set the memory limit inside
it, and to tell a crash (and its signal) from a result.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Container, Generator, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import (
    MemoryLimitError,
    PipelineError,
    TimeLimitError,
    WorkerCrashError,
    WorkerStoppedError,
)
from pipeline.limits import (
    MIB,
    WorkerDeath,
    keep,
    limit_memory_from_here,
    near_memory_limit,
    out_of_memory,
)
from pipeline.limits import NO_LIMITS as NO_LIMITS  # the limits' names, as they were here
from pipeline.limits import Limits as Limits
from pipeline.limits import default_max_memory_mb as default_max_memory_mb
from pipeline.limits import default_workers as default_workers
from pipeline.models import Document, Status
from pipeline.pageprogress import PageProgress, listening
from pipeline.parallel import lend_idle_cores
from pipeline.scratch import make_run_folder, process_folder
from pipeline.tasks import Task, TaskProcessor, failed_document

WORKER_ENV = {"OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other when several Tesseracts run at once."""

# --- limits (their values and the memory checks: pipeline.limits) ---------------------------

START_LIMIT_SECONDS = 120.0
"""How long a new worker may take to start a document it was given (the forkserver's first
start imports every stage) before it counts as crashed; the document's own limits start after."""
STOP_GRACE_SECONDS = 2.0
"""How long an idle worker gets to exit after being told to, before it is killed."""
PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: a signal the kernel sends this process when its parent exits."""


# --- isolated workers -----------------------------------------------------------------------

Job = tuple[int, Task]
Reply = tuple[int, Document | PipelineError | PageProgress | WorkerDeath | None, bool]
"""(position, the Document or a run-level error, whether the worker retires after it); a
Document of None says the worker has started the document, which starts its limits; a
``PageProgress`` tells how far it has read; a ``WorkerDeath`` is its keeper's report."""
PageCallback = Callable[[Task, PageProgress], None]


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection  # the parent's end of the worker's pipe
    job: Job | None = None
    deadline: float | None = None  # time.monotonic() by which the job must be done
    started: bool = False  # the worker said it began the job: the document's limits run


def run_isolated(
    todo: Iterable[tuple[int, Task]],
    config: Config,
    workers: int,
    limits: Limits,
    process: TaskProcessor,
    on_page: PageCallback | None = None,
) -> Generator[tuple[int, Document], None, None]:
    """Yield ``(position, document)`` as documents finish, one document per worker at a time.

    The workers' temporary files (Tesseract's page images among them) go to one folder of this
    run, removed when the run ends in any way, also after a worker was killed mid-page.
    """
    context = _pool_context()
    pending = iter(todo)
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    temp_dir = make_run_folder()
    lent = context.RawValue("i", 0)  # cores each busy worker may borrow (``parallel``)
    last_jobs = False  # every document has been handed out
    try:
        while True:
            while len(busy) < workers and not last_jobs:
                job = next(pending, None)
                if job is None:
                    last_jobs = True
                    break
                worker = (
                    idle.pop()
                    if idle
                    else _start_worker(context, config, limits, process, temp_dir, lent, workers)
                )
                _assign(worker, job, limits)
                busy.append(worker)
            if not busy:
                return
            # At the end of a batch the idle workers' cores go to the pages of the busy ones.
            spare = (workers - len(busy)) * config.page_workers
            lent.value = spare // len(busy) if last_jobs else 0
            ready = set(wait(_waitables(busy), timeout=_seconds_to_deadline(busy)))
            for worker in list(busy):
                outcome = _outcome(worker, ready, limits, on_page)
                if outcome is None:
                    continue
                busy.remove(worker)
                position, document, reusable = outcome
                if reusable:
                    idle.append(worker)
                else:
                    _stop(worker)
                yield position, document
    finally:
        # Normal end, a run-level error or Ctrl-C: no worker outlives the run. Idle workers
        # hold nothing, busy ones are dropped mid-document; only the parent writes files.
        for worker in idle + busy:
            _stop(worker)
        shutil.rmtree(temp_dir, ignore_errors=True)


def _start_worker(
    context: BaseContext,
    config: Config,
    limits: Limits,
    process: TaskProcessor,
    temp_dir: Path,
    lent: ctypes.c_int,
    workers: int,
) -> _Worker:
    parent_end, child_end = context.Pipe()
    child = context.Process(  # type: ignore[attr-defined]
        target=_worker_main,
        args=(child_end, config, limits, process, temp_dir, os.getpid(), lent, workers),
        name="pipeline-worker",
        daemon=True,
    )
    child.start()
    child_end.close()  # the parent keeps its end only, so a dead worker reads as EOF
    return _Worker(process=child, conn=parent_end)


def _assign(worker: _Worker, job: Job, limits: Limits) -> None:
    """Hand over a job; until the worker says it started it, only a start-up limit runs."""
    worker.conn.send(job)
    worker.job = job
    worker.started = False
    worker.deadline = None if limits.timeout is None else time.monotonic() + START_LIMIT_SECONDS


def _start_document_limits(worker: _Worker, limits: Limits) -> None:
    worker.started = True
    worker.deadline = None if limits.timeout is None else time.monotonic() + limits.timeout


def _waitables(busy: Sequence[_Worker]) -> list[Connection | int]:
    return [item for w in busy for item in (w.conn, w.process.sentinel)]


def _seconds_to_deadline(busy: Sequence[_Worker]) -> float | None:
    deadlines = [w.deadline for w in busy if w.deadline is not None]
    return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None


def _outcome(
    worker: _Worker, ready: Container[object], limits: Limits, on_page: PageCallback | None
) -> tuple[int, Document, bool] | None:
    """(position, document, worker still usable) once the worker's job is over, else None."""
    assert worker.job is not None
    position, task = worker.job
    if worker.conn in ready or worker.process.sentinel in ready:
        reply = _receive(worker.conn)
        if reply is None:
            worker.process.join(STOP_GRACE_SECONDS)
            crash = WorkerCrashError(_death_message(worker.process.exitcode))
            return position, failed_document(task, crash, crash.stage), False
        _, document, retiring = reply
        if document is None:
            _start_document_limits(worker, limits)
            return None
        if isinstance(document, PageProgress):
            if on_page is not None:
                on_page(task, document)
            return None
        if isinstance(document, PipelineError):
            raise document  # a run-level error inside the worker stops the run
        if isinstance(document, WorkerDeath):
            died = document.error(limits)
            return position, failed_document(task, died, died.stage), False
        worker.job = None
        return position, document, not retiring
    if worker.deadline is not None and time.monotonic() >= worker.deadline:
        _stop(worker)
        stopped: WorkerStoppedError = (
            TimeLimitError(
                f"stopped after {limits.timeout:g} s, the limit per document (--timeout)"
            )
            if worker.started
            else WorkerCrashError(
                f"the worker process did not start within {START_LIMIT_SECONDS:g} s"
            )
        )
        return position, failed_document(task, stopped, stopped.stage), False
    return None


def _receive(conn: Connection) -> Reply | None:
    """The worker's reply, or None when it died without one (its pipe closed)."""
    try:
        reply: Reply = conn.recv()
    except (EOFError, OSError):
        return None
    return reply


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    return f"the worker process died while reading this document ({how})"


def _stop(worker: _Worker) -> None:
    """Kill the worker and everything it started (its own process group), and reap it."""
    pid = worker.process.pid
    if pid is not None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            worker.process.kill()  # not yet its own group leader: kill the process alone
    worker.process.join()
    worker.conn.close()


def _pool_context() -> BaseContext:
    """A start method that is safe in a parent running threads (rich's progress refresher).

    Forking a threaded process can copy a held lock into the child; the forkserver starts
    workers from a clean single-threaded server that has already imported the stages.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        # The server is started as ``python -c``, which puts the working directory first on its
        # path (Python 3.11's server ignores the path it is given): a ``pipeline`` package there,
        # such as another version's checkout or a user's own project of that name, would be
        # imported by the workers instead of this one. PYTHONSAFEPATH keeps it off the path.
        os.environ.setdefault("PYTHONSAFEPATH", "1")
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.process"])
        return context
    return multiprocessing.get_context("spawn")


def start_pool_early() -> None:
    """Start the forkserver now, so that its import of the stages (a third of a second) runs
    on another core while this process is still reading options and planning the run. A run
    that ends up reading its documents itself leaves it idle; it exits with this process."""
    if _pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        process_folder()  # first, so that the forkserver's socket is made inside it
        forkserver.ensure_running()


# --- inside a worker ------------------------------------------------------------------------


def _worker_main(
    conn: Connection,
    config: Config,
    limits: Limits,
    process: TaskProcessor,
    temp_dir: Path,
    run_pid: int,
    lent: ctypes.c_int,
    workers: int,
) -> None:
    """A worker's life: documents in, results out, until told to stop or the parent is gone."""
    _isolate_this_worker(temp_dir)
    lend_idle_cores(lambda: lent.value, (workers - 1) * config.page_workers)
    # With a memory limit, a keeper process tells a death by that limit from a crash.
    record = keep(conn, _die_with_parent) if limits.max_memory_mb is not None else None
    _die_with_run(run_pid)
    while True:
        try:
            job: Job | None = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        position, task = job
        memory_cap = limit_memory_from_here(limits)
        if record is not None and limits.max_memory_mb is not None:
            record.start(limits.max_memory_mb * MIB)
        try:
            conn.send((position, None, False))  # started: the document's limits run from now
        except OSError:
            return

        def tell(progress: PageProgress, position: int = position) -> None:
            with suppress(OSError):
                conn.send((position, progress, False))

        result: Document | PipelineError
        try:
            with listening(tell):
                result = process(task, config)
        except PipelineError as exc:  # run-level: the parent stops the run
            result = exc
        except MemoryError:  # raised outside the stages' own guards
            limit = MemoryLimitError("ran out of memory reading this document")
            result = failed_document(task, limit, limit.stage)
        if record is not None:
            record.end()
        retiring = near_memory_limit(memory_cap)
        if retiring and isinstance(result, Document) and result.status is Status.FAILED:
            result = out_of_memory(result, limits)
        try:
            conn.send((position, result, retiring))
        except OSError:
            return
        if retiring:
            return


def _isolate_this_worker(temp_dir: Path) -> None:
    os.environ.update(WORKER_ENV)
    # Temporary files (pytesseract's page images, Tesseract's own) go to the run's folder,
    # which the parent removes even when it had to kill this worker mid-page.
    os.environ["TMPDIR"] = str(temp_dir)
    tempfile.tempdir = str(temp_dir)
    # Its own process group: a deadline kills the worker with every Tesseract it started, and
    # Ctrl-C at the terminal reaches only the parent, which decides what to do. A SIGTERM or
    # SIGHUP meant for the run is the parent's to handle too.
    os.setpgrp()
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_run(run_pid: int) -> None:
    """Kill this worker's process group (it and its Tesseracts) as soon as the run's process
    is gone, even in the middle of a document: killed with ``kill -9``, the run cannot stop
    its workers, and a worker's parent is the forkserver, which outlives the run as long as a
    worker holds its end of the run's lifeline. Linux only (``pidfd_open``); elsewhere a
    worker ends when it next reads from its closed pipe."""
    try:
        pidfd = os.pidfd_open(run_pid)
    except (AttributeError, OSError):
        return

    def watch() -> None:
        select.select([pidfd], [], [])  # readable once the process has exited
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="pipeline-run-watch", daemon=True).start()


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent process exits (kill -9 of
    the run: the forkserver, the worker's parent, exits with it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # best effort: an orphan still exits when it next reads from the closed pipe
