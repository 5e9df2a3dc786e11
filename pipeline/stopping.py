"""SIGTERM and SIGHUP stop a command the way Ctrl-C does.

Ctrl-C raises ``KeyboardInterrupt`` in the main thread; ``kill``, systemd, Docker and batch
schedulers send SIGTERM, a closed terminal SIGHUP, whose default is to end the process at once,
leaving workers, Tesseracts and the index behind. While a command runs, both raise
``StopRequested`` (a ``KeyboardInterrupt``), so every cleanup written for Ctrl-C runs for them.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import StopRequested

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl-C, and what kill, systemd, Docker, batch schedulers and a closed terminal send."""


@dataclass(slots=True)
class _Deferral:
    """Blocks of code a stop must not cut in two (a result written and counted; the index)."""

    depth: int = 0
    pending: int | None = None  # the first signal that came during a block


_deferral = _Deferral()


def _interruption(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else StopRequested(signum)


def _stop(signum: int, frame: object) -> None:
    if _deferral.depth:
        _deferral.pending = _deferral.pending or signum
        return
    _stop_own_tesseracts()
    raise _interruption(signum)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise ``StopRequested`` as Ctrl-C raises
    ``KeyboardInterrupt`` (outside ``signals_deferred`` blocks): workers are stopped, the index
    of what finished is written."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = {signum: signal.signal(signum, _stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """A stop that comes during the block takes effect when it ends: a result written is also
    counted, the index is written whole. (Python runs signal handlers in the main thread, at
    its next instruction, whichever thread the signal reached: the handler itself defers.)"""
    _deferral.depth += 1
    try:
        yield
    finally:
        _deferral.depth -= 1
    if not _deferral.depth and _deferral.pending is not None:
        signum, _deferral.pending = _deferral.pending, None
        raise _interruption(signum)


TESSERACT_COMMAND = "tesseract"


def _stop_own_tesseracts() -> None:
    """Kill the Tesseract processes this process started (``clean``, or ``run`` in-process):
    the page threads waiting for them then end at once instead of finishing their pages.
    Ctrl-C at a terminal reaches them itself; SIGTERM and SIGHUP reach only us. Linux only."""
    for pid in tesseract_children(os.getpid()):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def tesseract_children(parent_pid: int) -> list[int]:
    """The Tesseract processes whose parent is ``parent_pid`` (read from /proc; Linux only)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "comm").read_text().strip()
        except (OSError, ValueError, IndexError):
            continue
        if parent == parent_pid and command == TESSERACT_COMMAND:
            found.append(int(entry.name))
    return found
