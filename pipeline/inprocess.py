"""Documents read in the run's own process: a run too small to pay for worker processes.

A pool costs a forkserver, a worker started from it and a round trip per document before the
first page is read; a run of one or two small files is over sooner in the process that was
started anyway. The run decides (``runs_in_process``), not a flag the user must know, and the
documents keep their limits here: the address space is capped for each document (the soft
limit, restored after) and a timer interrupts a document whose time is up. A crash inside a C
library would take the run with it, which is why only small runs are read here.
"""

from __future__ import annotations

import importlib
import os
import resource
import shutil
import signal
import tempfile
import threading
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import MemoryLimitError, TimeLimitError
from pipeline.limits import MIB, Limits, address_space, near_memory_limit, out_of_memory
from pipeline.models import Document, Status
from pipeline.pageprogress import listening
from pipeline.scratch import make_run_folder
from pipeline.tasks import Task, TaskProcessor, failed_document
from pipeline.workers import PageCallback

IN_PROCESS_MAX_DOCUMENTS = 2
"""A run of at most this many documents may be read in this process: with more, worker
processes on other cores finish sooner than one process can."""
IN_PROCESS_MAX_BYTES = 1 * MIB
"""...when they weigh this much at most together (a text statement of tens of pages, a scanned
page or two): reading them takes less than starting a pool would."""
DEADLINE_REPEAT_SECONDS = 0.5
"""Once a document's time is up, the timer fires again this often until the document is left:
clean-up on the way out can run into the same endless loop (pdfplumber's ``close`` walks a page
tree that never ends)."""


def runs_in_process(tasks: Sequence[Task], workers: int, limits: Limits) -> bool:
    """Whether this process reads the documents itself instead of starting worker processes:
    always for one worker without limits (debugging, the Python API); otherwise for a few small
    documents whose limits can hold here."""
    if workers == 1 and not limits.enforced:
        return True
    if len(tasks) > IN_PROCESS_MAX_DOCUMENTS:
        return False
    if sum(_size_of(task.path) for task in tasks) > IN_PROCESS_MAX_BYTES:
        return False
    return _limits_can_hold_here(limits)


def run_in_process(
    todo: Iterable[tuple[int, Task]],
    config: Config,
    process: TaskProcessor,
    limits: Limits,
    on_page: PageCallback | None = None,
) -> Generator[tuple[int, Document], None, None]:
    """The workers' per-document code, in this process, each document under ``limits`` and
    its temporary files in a folder of this run."""
    if not limits.enforced:
        # Without limits (the debugging and API path) nothing about this process changes.
        for position, task in todo:
            yield position, _process(task, config, process, on_page)
        return
    importlib.import_module("pipeline.process")  # as a worker has before its first document
    with _run_temp_dir():
        for position, task in todo:
            peak_before = address_space("VmPeak")
            cap: int | None = None
            try:
                with _limits_here(limits) as cap:
                    document = _process(task, config, process, on_page)
            except _DeadlineReachedError:
                timeout = TimeLimitError(
                    f"stopped after {limits.timeout:g} s, the limit per document (--timeout)"
                )
                document = failed_document(task, timeout, timeout.stage)
            except MemoryError:  # raised outside the stages' own guards, as in a worker
                limit = MemoryLimitError("ran out of memory reading this document")
                document = failed_document(task, limit, limit.stage)
            if document.status is Status.FAILED and _hit_memory_cap(cap, peak_before):
                # Whatever a library made of the failed allocation, it was the limit.
                document = out_of_memory(document, limits)
            yield position, document


def _process(
    task: Task, config: Config, process: TaskProcessor, on_page: PageCallback | None
) -> Document:
    if on_page is None:
        return process(task, config)
    with listening(partial(on_page, task)):
        return process(task, config)


def _hit_memory_cap(cap: int | None, peak_before: int | None) -> bool:
    """The process's peak address space rose during the document to near its cap (the peak
    only grows, so one that was there before says nothing about this document)."""
    peak = address_space("VmPeak")
    rose = peak is not None and (peak_before is None or peak > peak_before)
    return rose and near_memory_limit(cap)


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the document will fail on reading, whoever reads it


class _DeadlineReachedError(BaseException):
    """Raised inside a document when its time is up. Not an Exception, so that no ``except
    Exception`` on the way (pdfminer, a stage's guard) takes it for a problem of one page."""


def _deadline_reached(signum: int, frame: object) -> None:
    raise _DeadlineReachedError


def _limits_can_hold_here(limits: Limits) -> bool:
    """A timer needs the main thread (signals reach only it); a memory cap needs to know the
    address space this process maps already."""
    if limits.timeout is not None and threading.current_thread() is not threading.main_thread():
        return False
    return limits.max_memory_mb is None or address_space("VmSize") is not None


@contextmanager
def _run_temp_dir() -> Iterator[Path]:
    """One folder for the run's temporary files (Tesseract's page images, through TMPDIR and
    ``tempfile``), removed after, and this process's temporary folder restored."""
    temp_dir = make_run_folder()
    with ExitStack() as undo:
        undo.callback(shutil.rmtree, temp_dir, ignore_errors=True)
        undo.callback(setattr, tempfile, "tempdir", tempfile.tempdir)
        undo.callback(_restore_env, "TMPDIR", os.environ.get("TMPDIR"))
        tempfile.tempdir = os.environ["TMPDIR"] = str(temp_dir)
        yield temp_dir


@contextmanager
def _limits_here(limits: Limits) -> Iterator[int | None]:
    """This process under one document's limits: its address space capped at its size now
    plus the document's allowance (as a worker's; the cap is yielded), and a timer."""
    with ExitStack() as undo:
        cap: int | None = None
        if limits.max_memory_mb is not None:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = (address_space("VmSize") or 0) + limits.max_memory_mb * MIB
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            undo.callback(resource.setrlimit, resource.RLIMIT_AS, (soft, hard))
        if limits.timeout is not None:
            previous = signal.signal(signal.SIGALRM, _deadline_reached)
            undo.callback(signal.signal, signal.SIGALRM, previous)
            signal.setitimer(signal.ITIMER_REAL, limits.timeout, DEADLINE_REPEAT_SECONDS)
            undo.callback(signal.setitimer, signal.ITIMER_REAL, 0)
        yield cap


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
