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
import resource
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
from pipeline.failures import DECOMPRESSION_BOMB
from pipeline.models import Document, ErrorInfo, Status
from pipeline.pageprogress import PageProgress, listening
from pipeline.tasks import Task, TaskProcessor, failed_document

WORKER_ENV = {"OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other when several Tesseracts run at once."""

# --- limits ----------------------------------------------------------------------------------

WORKER_MEMORY_SHARE = 0.75
"""Share of the machine's memory the workers may take together; the rest is for the parent,
the Tesseract processes and the page cache."""
MIN_WORKER_MEMORY_MB = 1024
"""A worker's address space at rest is about 350 MB (Python, pdfium, numpy mapped in); a
300-dpi page image and its OCR copies fit easily in the rest."""
MAX_DEFAULT_WORKER_MEMORY_MB = 4096
"""Default cap per worker even on a large machine: a document needing more is a bomb, and a
lower cap makes a Flate bomb fail in seconds instead of filling memory first."""
NEAR_LIMIT_MARGIN_MB = 256
"""A worker whose address space came within this of its limit during a document has hit the
limit. A failed allocation leaves the peak short of the limit by up to the size it asked for
(zlib, inflating a stream, asks for up to 256 MiB at a time), and surfaces inside the libraries
as anything (pdfplumber turns it into a parse error, zlib says "Unable to allocate output
buffer"): so a document that failed there is reported as out of memory, and the worker is
replaced either way, as its peak only ever grows."""
NEAR_LIMIT_MAX_SHARE = 0.25
"""...but the margin is at most this share of a small limit."""
START_LIMIT_SECONDS = 120.0
"""How long a new worker may take to start a document it was given (the forkserver's first
start imports every stage) before it counts as crashed; the document's own limits start after."""
RUN_TEMP_PREFIX = "pipeline-run-"
"""Name of a run's temporary folder under TMPDIR: the prefix, the run's process id, a dash."""
STOP_GRACE_SECONDS = 2.0
"""How long an idle worker gets to exit after being told to, before it is killed."""
MIB = 1 << 20
KIB = 1 << 10

PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: a signal the kernel sends this process when its parent exits."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may use; None means no limit."""

    timeout: float | None = None  # seconds of wall-clock time per document
    max_memory_mb: int | None = None  # address space of each worker process

    @property
    def enforced(self) -> bool:
        return self.timeout is not None or self.max_memory_mb is not None


NO_LIMITS = Limits()


def default_workers() -> int:
    """The cores this process may use (``os.process_cpu_count`` from Python 3.13 on)."""
    process_cpu_count: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)
    if process_cpu_count is not None:
        return process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def default_max_memory_mb(workers: int) -> int:
    """Memory per worker: its share of ``WORKER_MEMORY_SHARE`` of the machine, within
    ``MIN_WORKER_MEMORY_MB`` .. ``MAX_DEFAULT_WORKER_MEMORY_MB`` (24 GiB, 2 workers: 4096)."""
    try:
        total_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // MIB
    except (OSError, ValueError):
        return MAX_DEFAULT_WORKER_MEMORY_MB
    share = int(total_mb * WORKER_MEMORY_SHARE / max(1, workers))
    return max(MIN_WORKER_MEMORY_MB, min(MAX_DEFAULT_WORKER_MEMORY_MB, share))


# --- isolated workers -----------------------------------------------------------------------

Job = tuple[int, Task]
Reply = tuple[int, Document | PipelineError | PageProgress | None, bool]
"""(position, the Document or a run-level error, whether the worker retires after it); a
Document of None says the worker has started the document, which starts its limits; a
``PageProgress`` tells how far it has read."""
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
    temp_dir = make_run_temp_dir()
    try:
        while True:
            while len(busy) < workers and (job := next(pending, None)) is not None:
                worker = (
                    idle.pop()
                    if idle
                    else _start_worker(context, config, limits, process, temp_dir)
                )
                _assign(worker, job, limits)
                busy.append(worker)
            if not busy:
                return
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
    context: BaseContext, config: Config, limits: Limits, process: TaskProcessor, temp_dir: Path
) -> _Worker:
    parent_end, child_end = context.Pipe()
    child = context.Process(  # type: ignore[attr-defined]
        target=_worker_main,
        args=(child_end, config, limits, process, temp_dir, os.getpid()),
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


def make_run_temp_dir() -> Path:
    """A new temporary folder for this run under TMPDIR, after removing those of runs that
    were killed (their process is gone)."""
    root = Path(tempfile.gettempdir())
    for stale in root.glob(f"{RUN_TEMP_PREFIX}*"):
        pid = stale.name.removeprefix(RUN_TEMP_PREFIX).split("-")[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{RUN_TEMP_PREFIX}{os.getpid()}-"))


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


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


def start_pool_early() -> None:
    """Start the forkserver now, so that its import of the stages (a third of a second) runs
    on another core while this process is still reading options and planning the run. A run
    that ends up reading its documents itself leaves it idle; it exits with this process."""
    if _pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


# --- inside a worker ------------------------------------------------------------------------


def _worker_main(
    conn: Connection,
    config: Config,
    limits: Limits,
    process: TaskProcessor,
    temp_dir: Path,
    run_pid: int,
) -> None:
    """A worker's life: documents in, results out, until told to stop or the parent is gone."""
    _isolate_this_worker(temp_dir)
    _die_with_run(run_pid)
    while True:
        try:
            job: Job | None = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        position, task = job
        memory_cap = _limit_memory_from_here(limits)
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


def _limit_memory_from_here(limits: Limits) -> int | None:
    """Cap this worker's address space at its size now plus the document's allowance; the
    cap in bytes. Start-up (Python, pdfium, numpy mapped in) never counts against a document."""
    if limits.max_memory_mb is None:
        return None
    now = address_space("VmSize") or 0
    cap = now + limits.max_memory_mb * MIB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return cap


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


def near_memory_limit(cap: int | None) -> bool:
    """True when this process's address space has come close to its cap."""
    if cap is None:
        return False
    peak = address_space("VmPeak")
    margin = min(NEAR_LIMIT_MARGIN_MB * MIB, cap * NEAR_LIMIT_MAX_SHARE)
    return peak is not None and peak >= cap - margin


def address_space(field: str) -> int | None:
    """Bytes of this process's address space now (``VmSize``) or at its largest (``VmPeak``),
    Linux only."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * KIB
    except (OSError, ValueError, IndexError):
        return None
    return None


def out_of_memory(document: Document, limits: Limits) -> Document:
    """The failed document re-labelled: whatever the library said, it hit the memory limit."""
    what = (
        DECOMPRESSION_BOMB
        if document.error is not None and DECOMPRESSION_BOMB in document.error.message
        else "the document"
    )
    message = (
        f"{what}: needed more than {limits.max_memory_mb} MB, the memory limit per document "
        "(--max-memory)"
    )
    error = ErrorInfo(MemoryLimitError.__name__, message, MemoryLimitError.stage)
    return Document(source=document.source, status=Status.FAILED, error=error)
