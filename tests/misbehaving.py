"""Test-only task processors that make a worker misbehave: crash, hang, or eat memory
(picklable by reference, so the worker processes can run them)."""

from __future__ import annotations

import ctypes
import os
import signal
import time

from pipeline import batch
from pipeline.batch import Task
from pipeline.config import Config
from pipeline.models import Document
from tests.pdfbytes import MIB

CRASH_SEGFAULT = "segfault"
CRASH_EXIT = "exit"
CRASH_KILL = "kill"
HANG = "hang"
HOG = "hog"
HOG_THEN_ABORT = "hog-then-abort"
HANG_SECONDS = 3600
HOG_STEP = 64 * MIB


def process_task(task: Task, config: Config) -> Document:
    """``process_task``, except for inputs named after a misbehaviour: those crash the worker,
    hang, or allocate until the memory limit stops them."""
    stem = task.path.stem
    if stem == CRASH_SEGFAULT:
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    elif stem == CRASH_EXIT:
        os._exit(3)
    elif stem == CRASH_KILL:
        os.kill(os.getpid(), signal.SIGKILL)
    elif stem == HANG:
        time.sleep(HANG_SECONDS)
    elif stem == HOG:
        hoard = []
        while True:
            hoard.append(bytearray(HOG_STEP))
    elif stem == HOG_THEN_ABORT:  # as a C library does when an allocation fails
        filled = []
        try:
            while True:
                filled.append(b"\x01" * HOG_STEP)  # written, so resident
        except MemoryError:
            os.abort()
    return batch.process_task(task, config)
