"""What one document may use, and how a worker that broke its memory limit is recognised.

A worker caps its own address space (``RLIMIT_AS``) at its size when a document starts plus
the document's allowance. Python code over the cap gets a ``MemoryError``, C libraries a
failed allocation, which they report in their own words (the near-limit check then relabels
the failure) or answer by crashing the process (``abort``, a segfault on a null pointer). A
crash leaves nothing to ask, so with a memory limit a worker keeps a *keeper*: the worker
process forks, the child does the work, and the parent (the keeper) waits for it with
``wait4``, which gives the child's peak resident memory (rusage). A child killed by a signal
whose resident memory grew by the document's allowance (within the near-limit margin) since
the document started died of its memory limit; any other death is a crash. The keeper sends
that verdict to the run and exits. No clock is involved.
"""

from __future__ import annotations

import mmap
import os
import resource
import signal
import struct
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection

from pipeline.errors import MemoryLimitError, WorkerCrashError, WorkerStoppedError
from pipeline.failures import DECOMPRESSION_BOMB
from pipeline.models import Document, ErrorInfo, Status

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

MIB = 1 << 20
KIB = 1 << 10


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


def limit_memory_from_here(limits: Limits) -> int | None:
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


# --- the keeper --------------------------------------------------------------------------------

RECORD = struct.Struct("qq")
"""What the working child tells its keeper when a document starts: its resident bytes then,
and the document's allowance in bytes (0 between documents)."""


@dataclass(frozen=True, slots=True)
class WorkerDeath:
    """The keeper's report: the working child died by ``signum``; whether by its memory."""

    signum: int
    out_of_memory: bool

    def error(self, limits: Limits) -> WorkerStoppedError:
        if self.out_of_memory:
            return MemoryLimitError(
                f"the document needed more than {limits.max_memory_mb} MB, the memory limit "
                "per document (--max-memory); a library crashed on it"
            )
        try:
            how = f"killed by {signal.Signals(self.signum).name}"
        except ValueError:
            how = f"killed by signal {self.signum}"
        return WorkerCrashError(f"the worker process died while reading this document ({how})")


class DocumentRecord:
    """A page of memory shared by the keeper and its child (made before the fork)."""

    def __init__(self) -> None:
        self._page = mmap.mmap(-1, RECORD.size)

    def start(self, allowance: int) -> None:
        self._page.seek(0)
        self._page.write(RECORD.pack(_resident_bytes(), allowance))

    def end(self) -> None:
        self._page.seek(0)
        self._page.write(RECORD.pack(0, 0))

    def read(self) -> tuple[int, int]:
        self._page.seek(0)
        resident, allowance = RECORD.unpack(self._page.read(RECORD.size))
        return resident, allowance


def keep(conn: Connection, after_fork: Callable[[], None]) -> DocumentRecord:
    """Fork: the child returns (with the record it must keep up to date) and works; this
    process becomes its keeper, reports a death by a signal on ``conn``, and exits."""
    record = DocumentRecord()
    child = os.fork()
    if child == 0:
        after_fork()
        return record
    try:
        _, status, usage = os.wait4(child, 0)
    except (ChildProcessError, InterruptedError):
        os._exit(1)
    if os.WIFSIGNALED(status):
        peak = usage.ru_maxrss * KIB  # kilobytes on Linux
        death = WorkerDeath(os.WTERMSIG(status), died_of_memory(peak, *record.read()))
        with suppress(OSError):
            conn.send((-1, death, True))
        os._exit(0)
    os._exit(os.waitstatus_to_exitcode(status))


def died_of_memory(peak_resident: int, resident_at_start: int, allowance: int) -> bool:
    """True when resident memory grew by the document's allowance, within the near-limit
    margin, since the document started (``allowance`` 0: no document was running)."""
    if allowance <= 0:
        return False
    margin = min(NEAR_LIMIT_MARGIN_MB * MIB, allowance * NEAR_LIMIT_MAX_SHARE)
    return peak_resident - resident_at_start >= allowance - margin


def _resident_bytes() -> int:
    return address_space("VmRSS") or 0
