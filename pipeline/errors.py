"""Exit codes and the exception tree; each exception carries its exit code and stage.

One handler in the CLI maps exceptions to exit codes by type (never by message text).
Document-level errors (``DocumentError`` and subclasses) never escape a batch: they become a
``failed`` result with ``error.type``/``error.stage`` and the run goes on.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 1
    USAGE = 2
    MISSING_DEPENDENCY = 3
    NO_INPUT = 4
    OUTPUT_NOT_WRITABLE = 5
    ENCRYPTED = 8  # every failure an encrypted PDF without its password (OCRmyPDF's code too)
    HANGUP = 129  # 128 + SIGHUP: the terminal went away
    INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C
    TERMINATED = 143  # 128 + SIGTERM: kill, systemd, Docker, a batch scheduler


class StopRequested(KeyboardInterrupt):
    """SIGTERM or SIGHUP: handled like Ctrl-C (a ``KeyboardInterrupt``), with its own exit code."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process the signal ended."""
        return SIGNAL_EXIT_BASE + self.signum


SIGNAL_EXIT_BASE = 128


class PipelineError(Exception):
    """Base of everything the pipeline raises on purpose."""

    exit_code: ExitCode = ExitCode.SOME_FAILED
    stage: str = "pipeline"


# --- run-level errors: they stop the command -------------------------------------------------


class UsageError(PipelineError):
    exit_code = ExitCode.USAGE
    stage = "cli"


class MissingDependencyError(PipelineError):
    """A system tool or language pack is absent; the message names the package to install."""

    exit_code = ExitCode.MISSING_DEPENDENCY
    stage = "setup"


class NoInputError(PipelineError):
    exit_code = ExitCode.NO_INPUT
    stage = "input"


class OutputNotWritableError(PipelineError):
    exit_code = ExitCode.OUTPUT_NOT_WRITABLE
    stage = "output"


# --- document-level errors: one document fails, the run goes on -----------------------------


class DocumentError(PipelineError):
    """A problem with one input; becomes that document's ``error``."""

    exit_code = ExitCode.SOME_FAILED
    stage = "input"


class EmptyInputError(DocumentError):
    stage = "input"


class UnsupportedInputError(DocumentError):
    """The content is not a type we read (whatever its name says)."""

    stage = "input"


class UnreadableInputError(DocumentError):
    stage = "input"


class DamagedDocumentError(DocumentError):
    """The file claims a type we read but its structure is broken beyond repair."""

    stage = "extract"


class EncryptedDocumentError(DocumentError):
    """The PDF needs a password we were not given (or were given a wrong one)."""

    stage = "extract"


class NeedsOcrError(DocumentError):
    """No page has a usable text layer and OCR is not available or turned off."""

    stage = "extract"


class NoTextFoundError(DocumentError):
    """No page gave any text, by its text layer or by OCR (a blank scan, a drawing)."""

    stage = "extract"


class DecodingError(DocumentError):
    stage = "decode"


class WorkerStoppedError(DocumentError):
    """The worker running one document was stopped by a limit or died; the run replaces it.

    Unlike other document errors these may not recur (a busier machine, a higher limit), so a
    resumed run tries such a document again.
    """

    stage = "batch"


class TimeLimitError(WorkerStoppedError):
    """The document took longer than the run's wall-clock limit per document."""


class MemoryLimitError(WorkerStoppedError):
    """The document needed more memory than a worker may use."""


class WorkerCrashError(WorkerStoppedError):
    """The worker process died (a crash in a library, a signal) while reading the document."""
