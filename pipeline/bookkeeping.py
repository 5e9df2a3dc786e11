"""A run's bookkeeping: the settings fingerprint, results written as they come, the index,
and which inputs an earlier run already did (resuming).

Resuming: an input whose earlier result records the same content hash, pipeline version and
settings fingerprint is not processed again (``force`` redoes it); its result is reused.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import (
    EncryptedDocumentError,
    ExitCode,
    OutputNotWritableError,
    WorkerStoppedError,
)
from pipeline.inputs import display_path
from pipeline.models import SCHEMA_VERSION, Document, ErrorInfo, Status
from pipeline.output import (
    IndexEntry,
    check_replaceable,
    fails_every_write,
    leaves_folder,
    read_result,
    to_json,
    write_atomic,
)
from pipeline.ownership import is_own_result
from pipeline.render import render
from pipeline.stopping import signals_deferred
from pipeline.tasks import Task

OUTPUT_STAGE = "output"

# --- the settings fingerprint ----------------------------------------------------------------

PERFORMANCE_FIELDS = frozenset({"page_workers"})
"""Config fields that change how fast a result comes, never what it is."""
SECRET_FIELDS = frozenset({"password"})
"""Config fields never written, not even hashed: only whether one was given counts."""
FINGERPRINT_CHARS = 12


def config_fingerprint(config: Config) -> str:
    """A short, stable hash of every setting that can change a result.

    Every Config field counts (a new field included) except ``PERFORMANCE_FIELDS``; for
    ``SECRET_FIELDS`` only whether a value was given.
    """
    settings: dict[str, object] = {}
    for setting in fields(config):
        value = getattr(config, setting.name)
        if setting.name in SECRET_FIELDS:
            settings[setting.name] = value is not None
        elif setting.name not in PERFORMANCE_FIELDS:
            settings[setting.name] = value
    canonical = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


@dataclass(frozen=True, slots=True)
class ItemResult:
    """A finished document, handed to the progress callback as soon as it is written."""

    position: int  # index of the task in input order
    task: Task
    document: Mapping[str, object]  # Document.to_dict(): the JSON object written
    skipped: bool = False  # unchanged since an earlier run: its earlier result

    @property
    def status(self) -> str:
        return str(self.document["status"])

    @property
    def error_message(self) -> str | None:
        error = self.document.get("error")
        return str(error["message"]) if isinstance(error, dict) else None


@dataclass(frozen=True, slots=True)
class RunSummary:
    total: int
    counts: Mapping[str, int]  # status -> documents, skipped ones by their earlier status
    index_path: Path
    skipped: int = 0
    failure_types: Mapping[str, int] = field(default_factory=dict)  # error.type -> failed

    @property
    def ok(self) -> int:
        return self.counts.get(Status.OK.value, 0)

    @property
    def partial(self) -> int:
        return self.counts.get(Status.PARTIAL.value, 0)

    @property
    def failed(self) -> int:
        return self.counts.get(Status.FAILED.value, 0)

    @property
    def exit_code(self) -> ExitCode:
        """A partial document does not fail the run; a failed one does. When every failure
        is an encrypted PDF without its password, the exit code says so (as OCRmyPDF's)."""
        if not self.failed:
            return ExitCode.OK
        if set(self.failure_types) == {EncryptedDocumentError.__name__}:
            return ExitCode.ENCRYPTED
        return ExitCode.SOME_FAILED


ResultCallback = Callable[[ItemResult], None]


class Recorder:
    """Writes each result as it comes and keeps its index line; the parent's only writer."""

    def __init__(
        self,
        tasks: Sequence[Task],
        out_dir: Path,
        fingerprint: str,
        on_result: ResultCallback | None,
        formats: Sequence[str] = (),
    ) -> None:
        self._formats = formats  # renderings written beside the JSON
        self._tasks = tasks
        self._out_dir = out_dir
        self._fingerprint = fingerprint
        self._on_result = on_result
        self._entries: dict[int, IndexEntry] = {}

    def record(self, position: int, document: Document) -> None:
        """Write a fresh result; an output that cannot be written fails this document only,
        unless no output could be (a full disk), which stops the run."""
        task = self._tasks[position]
        as_dict = document.to_dict(__version__, self._fingerprint)
        with signals_deferred():  # a result on disk is a result in the index
            # A rendering may replace a file only where our own result stood before it.
            renderings_ours = is_own_result(self._out_dir / task.output)
            problem = self._write(task.output, to_json(as_dict))
            for fmt in self._formats if problem is None else ():
                path = task.output.with_suffix(f".{fmt}")
                problem = self._write(path, render(document, fmt), replaceable=renderings_ours)
            if problem is not None:
                error = ErrorInfo(type(problem).__name__, str(problem), OUTPUT_STAGE)
                unwritten = Document(source=document.source, status=Status.FAILED, error=error)
                as_dict = unwritten.to_dict(__version__, self._fingerprint)
            self._add(position, as_dict, skipped=False)

    def _write(
        self, relpath: Path, text: str, *, replaceable: bool = False
    ) -> OutputNotWritableError | None:
        """Write one output inside the output folder; the problem if this output alone
        cannot be written. A file already there is replaced only if it is a result of ours
        (or ``replaceable``: a rendering beside our own earlier result)."""
        if leaves_folder(self._out_dir, relpath):
            return OutputNotWritableError(
                f"cannot write {display_path(relpath)}: the path leads out of the output "
                "folder through a symbolic link"
            )
        try:
            if not replaceable:
                check_replaceable(self._out_dir / relpath)
            write_atomic(self._out_dir / relpath, text)
        except OutputNotWritableError as exc:
            if fails_every_write(exc):
                raise
            return exc
        return None

    def reuse(self, position: int, earlier: Mapping[str, object]) -> None:
        """Count an unchanged input by its earlier result, which stays as it is."""
        self._add(position, earlier, skipped=True)

    def _add(self, position: int, as_dict: Mapping[str, object], *, skipped: bool) -> None:
        task = self._tasks[position]
        self._entries[position] = _index_entry(task, as_dict, skipped=skipped)
        if self._on_result is not None:
            self._on_result(ItemResult(position, task, as_dict, skipped=skipped))

    def index(self, *, finished_only: bool = False) -> list[IndexEntry]:
        """Index lines in input order: every task's, or (a stopped run) those that finished."""
        positions = range(len(self._tasks))
        if finished_only:
            return [self._entries[p] for p in positions if p in self._entries]
        return [self._entries[p] for p in positions]

    def summary(self, index_path: Path) -> RunSummary:
        entries = self._entries.values()
        return RunSummary(
            total=len(self._tasks),
            counts=dict(Counter(entry.status for entry in entries)),
            index_path=index_path,
            skipped=sum(entry.skipped for entry in entries),
            failure_types=dict(
                Counter(entry.error["type"] for entry in entries if entry.error is not None)
            ),
        )


def _index_entry(
    task: Task, document: Mapping[str, object], *, skipped: bool = False
) -> IndexEntry:
    error = document.get("error")
    return IndexEntry(
        path=task.display_path,
        status=str(document["status"]),
        output=display_path(task.output),
        error={str(k): str(v) for k, v in error.items()} if isinstance(error, dict) else None,
        skipped=skipped,
    )


# --- resuming ------------------------------------------------------------------------------


def skip_unchanged(
    todo: Iterable[tuple[int, Task]],
    out_dir: Path,
    fingerprint: str,
    recorder: Recorder,
    formats: Sequence[str] = (),
) -> Iterator[tuple[int, Task]]:
    """The tasks to run; the others are recorded from their earlier result as they are met
    (a rendering asked for now but missing from the earlier run makes an input run again)."""
    for position, task in todo:
        earlier = _still_valid_result(task, out_dir, fingerprint)
        rendered = all((out_dir / task.output.with_suffix(f".{f}")).is_file() for f in formats)
        if earlier is None or not rendered:
            yield position, task
        else:
            recorder.reuse(position, earlier)


def _still_valid_result(task: Task, out_dir: Path, fingerprint: str) -> dict[str, object] | None:
    """The earlier result of ``task`` when it would come out the same again, else None.

    Same input bytes, same pipeline version and settings; a document stopped by a limit or a
    worker crash is tried again, since that may not recur (a higher limit, a calmer machine).
    """
    if task.refusal is not None or leaves_folder(out_dir, task.output):
        return None
    earlier = read_result(out_dir / task.output)
    if earlier is None:
        return None
    source, pipeline, error = (earlier.get(key) for key in ("source", "pipeline", "error"))
    if not isinstance(source, dict) or not isinstance(pipeline, dict):
        return None
    if source.get("path") != task.display_path:
        return None
    if pipeline.get("version") != __version__ or pipeline.get("config") != fingerprint:
        return None
    if earlier.get("schema_version") != SCHEMA_VERSION:
        return None  # written in an older format by a build that kept the version number
    if isinstance(error, dict) and error.get("stage") == WorkerStoppedError.stage:
        return None
    if source.get("sha256") != _sha256_of(task.path):
        return None
    return earlier


def _sha256_of(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None
