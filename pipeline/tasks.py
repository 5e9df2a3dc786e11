"""One input of a run as a task, and the per-document code every executor runs.

A document's failure is a result, never an exception: ``process_task`` turns a bad document
(and a bug in a stage) into a failed ``Document`` so that one bad file does not stop a run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import (
    DocumentError,
    MemoryLimitError,
    PipelineError,
    UnreadableInputError,
)
from pipeline.inputs import BINARY
from pipeline.models import Document, ErrorInfo, SourceInfo, Status

INTERNAL_ERROR_STAGE = "internal"


@dataclass(frozen=True, slots=True)
class Task:
    """One input of a run and where its result goes."""

    path: Path
    display_path: str  # relative to the input folder, printable
    output: Path  # relative to the output folder
    refusal: str | None = None  # why the input is not read at all (a link out of the tree)


TaskProcessor = Callable[[Task, Config], Document]
"""Turns one task into its Document (``process_task``); must be picklable for the workers."""


def process_path(path: Path, config: Config, *, display_path: str | None = None) -> Document:
    """``pipeline.process.process_path``; the stages load on the first document, not on import
    (``pipeline --help`` imports the batch modules)."""
    from pipeline.process import process_path as process_one

    return process_one(path, config, display_path=display_path)


def internal_error(stage: str) -> ErrorInfo:
    """``pipeline.process.internal_error``, imported when a bug is met."""
    from pipeline.process import internal_error as error_of

    return error_of(stage)


def process_task(task: Task, config: Config) -> Document:
    """``process_path`` for one task; an unexpected crash becomes a failed Document.

    ``process_path`` already turns a bad document into a failed result; this guard keeps a bug
    in one stage from stopping the other documents. Run-level errors still propagate.
    """
    if task.refusal is not None:
        return _refused_document(task)
    try:
        return process_path(task.path, config, display_path=task.display_path)
    except PipelineError as exc:
        if not isinstance(exc, DocumentError):
            raise
        return failed_document(task, exc, exc.stage)
    except MemoryError:
        limit = MemoryLimitError("ran out of memory reading this document (--max-memory)")
        return failed_document(task, limit, limit.stage)
    except Exception as exc:  # a bug: report it on this document and go on
        return failed_document(task, exc, INTERNAL_ERROR_STAGE)


def _refused_document(task: Task) -> Document:
    """A failed result for an input that must not be read (nothing is read through it)."""
    error = UnreadableInputError(task.refusal)
    source = SourceInfo(path=task.display_path, sha256="", bytes=0, media_type=BINARY, pages=0)
    return Document(
        source=source,
        status=Status.FAILED,
        error=ErrorInfo(type(error).__name__, str(error), error.stage),
    )


def failed_document(task: Task, exc: BaseException, stage: str) -> Document:
    data = _read_or_empty(task.path)
    source = SourceInfo(
        path=task.display_path,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        media_type=BINARY,
        pages=0,
    )
    error = (
        ErrorInfo(type=type(exc).__name__, message=str(exc), stage=stage)
        if isinstance(exc, PipelineError)
        else internal_error(stage)  # a bug: no Python exception name or text for the user
    )
    return Document(source=source, status=Status.FAILED, error=error)


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (OSError, MemoryError):
        return b""
