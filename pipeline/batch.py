"""Many inputs through ``process_path``: each in an isolated worker process, with limits.

Workers only compute: each returns a picklable ``Document``. The parent alone writes files and
reports progress, so output never interleaves and a killed worker cannot leave half a file.
Results are written as they finish; the index is written in input order once all are done.
A document's failure is a result, never an exception: one bad file does not stop a run.

Isolation: every document runs in a worker process of its own process group, with a
wall-clock limit (the parent kills the whole group, Tesseract included, when it is over) and
an address-space limit (``RLIMIT_AS``, set inside the worker). A worker that breaks a limit or
dies (a crash in a C library, a signal) fails only its document and is replaced.
``workers=1`` without any limit runs in this process (for debugging and the Python API), and
so does a run of a few small documents (``runs_in_process``), which would be over before a
pool had started; the limits then hold in this process.

Resuming: an input whose earlier result records the same content hash, pipeline version and
settings fingerprint is not processed again (``force`` redoes it); its result is reused.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib
import json
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import (
    Callable,
    Container,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, fields
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from pipeline import __version__
from pipeline.config import DEFAULT_TIMEOUT_SECONDS, Config
from pipeline.errors import (
    DocumentError,
    ExitCode,
    MemoryLimitError,
    NoInputError,
    OutputNotWritableError,
    PipelineError,
    TimeLimitError,
    UnreadableInputError,
    WorkerCrashError,
    WorkerStoppedError,
)
from pipeline.inputs import (
    BINARY,
    collect_inputs,
    display_path,
    links_leaving_tree,
    output_relpath,
)
from pipeline.models import SCHEMA_VERSION, Document, ErrorInfo, SourceInfo, Status
from pipeline.output import (
    IndexEntry,
    fails_every_write,
    leaves_folder,
    prepare_output_dir,
    read_result,
    to_json,
    write_atomic,
    write_index,
)
from pipeline.render import render

WORKER_ENV = {"OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other when several Tesseracts run at once."""
INTERNAL_ERROR_STAGE = "internal"
OUTPUT_STAGE = "output"

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


# --- tasks and results -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Task:
    """One input of a run and where its result goes."""

    path: Path
    display_path: str  # relative to the input folder, printable
    output: Path  # relative to the output folder
    refusal: str | None = None  # why the input is not read at all (a link out of the tree)


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
        """A partial document does not fail the run; a failed one does."""
        return ExitCode.SOME_FAILED if self.failed else ExitCode.OK


ResultCallback = Callable[[ItemResult], None]
TaskProcessor = Callable[[Task, Config], Document]
"""Turns one task into its Document (``process_task``); must be picklable for the workers."""
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
    return [
        Task(
            path,
            display_path(path.relative_to(input_dir)),
            outputs[path],
            _link_refusal(path) if path in refused else None,
        )
        for path in ordered
    ]


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
    formats: Sequence[str] = (),
) -> RunSummary:
    """Process every task, write each result and the index; return the counts by status.

    ``workers`` isolated worker processes run the documents (never more than there are
    documents), or this process does (``runs_in_process``). Inputs whose
    earlier result is still valid are skipped unless ``force``. ``process`` replaces
    ``process_task`` (it must be a picklable module-level function); ``executor`` replaces
    the local workers altogether (limits are then the executor's business). ``formats`` names
    renderings written beside each JSON result (``md``, ``txt``: ``render.FORMATS``).
    Run-level errors (a missing dependency, a full disk) propagate and stop the run.
    """
    prepare_output_dir(out_dir)
    fingerprint = config_fingerprint(config)
    extra = tuple(fmt for fmt in formats if fmt != "json")
    recorder = _Recorder(tasks, out_dir, fingerprint, on_result, extra)
    todo: Iterable[tuple[int, Task]] = enumerate(tasks)
    if not force:
        todo = _skip_unchanged(todo, out_dir, fingerprint, recorder, extra)
    work = process or process_task
    results: Generator[tuple[int, Document], None, None]
    if executor is not None:
        results = executor(todo, config)
    elif runs_in_process(tasks, workers, limits):
        results = _run_here(todo, config, work, limits)
    else:
        results = _run_isolated(todo, config, min(workers, len(tasks)), limits, work)
    # closing(): on Ctrl-C or an error the workers are stopped now, not when garbage-collected.
    with closing(results):
        for position, document in results:
            recorder.record(position, document)
    index_path = write_index(out_dir, recorder.index())
    return recorder.summary(index_path)


def iter_documents(
    paths: Iterable[Path],
    config: Config | None = None,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
) -> Iterator[Document]:
    """Process many files with a run's isolation (each document in a worker process under the
    run's default time and memory limits), yielding each ``Document`` as it finishes, in
    finishing order; ``Document.source.path`` says which input it is. Nothing is written.

    Stopping early (``break``, closing the iterator) stops the workers.
    """
    tasks = [
        Task(Path(path), display_path(Path(path)), Path(f"{n}.json"))
        for n, path in enumerate(paths)
    ]
    if not tasks:
        return
    config = config or Config()
    workers = min(workers or default_workers(), len(tasks))
    if limits is None:
        limits = Limits(DEFAULT_TIMEOUT_SECONDS, default_max_memory_mb(workers))
    results = (
        _run_here(enumerate(tasks), config, process_task)
        if workers == 1 and not limits.enforced
        else _run_isolated(enumerate(tasks), config, workers, limits, process_task)
    )
    with closing(results):
        for _position, document in results:
            yield document


class _Recorder:
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
        problem = self._write(task.output, to_json(as_dict))
        for fmt in self._formats if problem is None else ():
            problem = self._write(task.output.with_suffix(f".{fmt}"), render(document, fmt))
        if problem is not None:
            error = ErrorInfo(type(problem).__name__, str(problem), OUTPUT_STAGE)
            unwritten = Document(source=document.source, status=Status.FAILED, error=error)
            as_dict = unwritten.to_dict(__version__, self._fingerprint)
        self._add(position, as_dict, skipped=False)

    def _write(self, relpath: Path, text: str) -> OutputNotWritableError | None:
        """Write one result inside the output folder; the problem if this output alone
        cannot be written."""
        if leaves_folder(self._out_dir, relpath):
            return OutputNotWritableError(
                f"cannot write {display_path(relpath)}: the path leads out of the output "
                "folder through a symbolic link"
            )
        try:
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

    def index(self) -> list[IndexEntry]:
        return [self._entries[position] for position in range(len(self._tasks))]

    def summary(self, index_path: Path) -> RunSummary:
        entries = self._entries.values()
        return RunSummary(
            total=len(self._tasks),
            counts=dict(Counter(entry.status for entry in entries)),
            index_path=index_path,
            skipped=sum(entry.skipped for entry in entries),
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


def _skip_unchanged(
    todo: Iterable[tuple[int, Task]],
    out_dir: Path,
    fingerprint: str,
    recorder: _Recorder,
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


# --- one document ---------------------------------------------------------------------------


def process_path(path: Path, config: Config, *, display_path: str | None = None) -> Document:
    """``pipeline.process.process_path``; the stages load on the first document, not on import
    (``pipeline --help`` imports this module)."""
    from pipeline.process import process_path as process_one

    return process_one(path, config, display_path=display_path)


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
        limit = MemoryLimitError("ran out of memory reading this document")
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
    error = ErrorInfo(type=type(exc).__name__, message=str(exc) or repr(exc), stage=stage)
    return Document(source=source, status=Status.FAILED, error=error)


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (OSError, MemoryError):
        return b""


def _run_here(
    todo: Iterable[tuple[int, Task]],
    config: Config,
    process: TaskProcessor,
    limits: Limits = NO_LIMITS,
) -> Generator[tuple[int, Document], None, None]:
    """The same per-document code, in this process, each document under ``limits``."""
    importlib.import_module("pipeline.process")  # as a worker does before its first document
    for position, task in todo:
        try:
            with _limits_here(limits):
                document = process(task, config)
        except _DeadlineReachedError:
            timeout = TimeLimitError(
                f"stopped after {limits.timeout:g} s, the limit per document (--timeout)"
            )
            document = failed_document(task, timeout, timeout.stage)
        except MemoryError:  # raised outside the stages' own guards, as in a worker
            limit = MemoryLimitError("ran out of memory reading this document")
            document = failed_document(task, limit, limit.stage)
        yield position, document


# --- where the documents run -----------------------------------------------------------------

IN_PROCESS_MAX_DOCUMENTS = 2
"""A run of at most this many documents may run in this process: with more, worker processes
on other cores finish sooner than one process can."""
IN_PROCESS_MAX_BYTES = 1 * MIB
"""...when they weigh this much at most together: a text statement of tens of pages, or a
scanned page or two. A pool would cost a worker's start-up and a second loading of the word
lists, more than such a run takes in this process."""


def runs_in_process(tasks: Sequence[Task], workers: int, limits: Limits) -> bool:
    """Whether this process reads the documents itself instead of starting worker processes.

    Always for one worker without limits; otherwise for a few small documents, when their
    limits can hold here (see ``_limits_here``).
    """
    if workers == 1 and not limits.enforced:
        return True
    if len(tasks) > IN_PROCESS_MAX_DOCUMENTS:
        return False
    if sum(_size_of(task.path) for task in tasks) > IN_PROCESS_MAX_BYTES:
        return False
    return _limits_can_hold_here(limits)


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the document will fail on reading, whoever reads it


DEADLINE_REPEAT_SECONDS = 0.5
"""Once a document's time is up, the timer fires again this often until the document is left:
clean-up code on the way out can run into the same endless loop (pdfplumber's ``close`` walks
the page tree that never ended)."""


class _DeadlineReachedError(BaseException):
    """Raised inside a document run in this process when its time is up. Not an Exception,
    so that no ``except Exception`` on the way (pdfminer, a stage guard) takes it for a
    problem of one page and goes on."""


def _deadline_reached(signum: int, frame: object) -> None:
    raise _DeadlineReachedError


def _limits_can_hold_here(limits: Limits) -> bool:
    """A timeout needs the main thread (signals reach only it); a memory limit needs room
    above what this process already maps."""
    if limits.timeout is not None and threading.current_thread() is not threading.main_thread():
        return False
    if limits.max_memory_mb is None:
        return True
    mapped = _address_space("VmSize")
    return mapped is not None and mapped + NEAR_LIMIT_MARGIN_MB * MIB < limits.max_memory_mb * MIB


@contextmanager
def _limits_here(limits: Limits) -> Iterator[None]:
    """This process under the limits of one document: its address space capped (the soft
    limit, restored after), a timer that interrupts the document when its time is up."""
    with ExitStack() as undo:
        if limits.max_memory_mb is not None:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = limits.max_memory_mb * MIB
            within = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (within, hard))
            undo.callback(resource.setrlimit, resource.RLIMIT_AS, (soft, hard))
        if limits.timeout is not None:
            previous = signal.signal(signal.SIGALRM, _deadline_reached)
            undo.callback(signal.signal, signal.SIGALRM, previous)
            signal.setitimer(signal.ITIMER_REAL, limits.timeout, DEADLINE_REPEAT_SECONDS)
            undo.callback(signal.setitimer, signal.ITIMER_REAL, 0)
        yield


# --- isolated workers -----------------------------------------------------------------------
#
# A small supervisor rather than a pool library: it must know which process runs which
# document, to kill that process's whole group (Tesseract included) at the deadline, to set
# the memory limit inside it, and to tell a crash (and its signal) from a result.

Job = tuple[int, Task]
Reply = tuple[int, Document | PipelineError, bool]
"""(position, the Document or a run-level error, whether the worker retires after it)."""


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection  # the parent's end of the worker's pipe
    job: Job | None = None
    deadline: float | None = None  # time.monotonic() by which the job must be done


def _run_isolated(
    todo: Iterable[tuple[int, Task]],
    config: Config,
    workers: int,
    limits: Limits,
    process: TaskProcessor,
) -> Generator[tuple[int, Document], None, None]:
    """Yield ``(position, document)`` as documents finish, one document per worker at a time."""
    context = _pool_context()
    pending = iter(todo)
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    try:
        while True:
            while len(busy) < workers and (job := next(pending, None)) is not None:
                worker = idle.pop() if idle else _start_worker(context, config, limits, process)
                _assign(worker, job, limits)
                busy.append(worker)
            if not busy:
                return
            ready = set(wait(_waitables(busy), timeout=_seconds_to_deadline(busy)))
            for worker in list(busy):
                outcome = _outcome(worker, ready, limits)
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


def _start_worker(
    context: BaseContext, config: Config, limits: Limits, process: TaskProcessor
) -> _Worker:
    parent_end, child_end = context.Pipe()
    child = context.Process(  # type: ignore[attr-defined]
        target=_worker_main,
        args=(child_end, config, limits, process),
        name="pipeline-worker",
        daemon=True,
    )
    child.start()
    child_end.close()  # the parent keeps its end only, so a dead worker reads as EOF
    return _Worker(process=child, conn=parent_end)


def _assign(worker: _Worker, job: Job, limits: Limits) -> None:
    worker.conn.send(job)
    worker.job = job
    worker.deadline = None if limits.timeout is None else time.monotonic() + limits.timeout


def _waitables(busy: Sequence[_Worker]) -> list[Connection | int]:
    return [item for w in busy for item in (w.conn, w.process.sentinel)]


def _seconds_to_deadline(busy: Sequence[_Worker]) -> float | None:
    deadlines = [w.deadline for w in busy if w.deadline is not None]
    return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None


def _outcome(
    worker: _Worker, ready: Container[object], limits: Limits
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
        if isinstance(document, PipelineError):
            raise document  # a run-level error inside the worker stops the run
        worker.job = None
        return position, document, not retiring
    if worker.deadline is not None and time.monotonic() >= worker.deadline:
        _stop(worker)
        timeout = TimeLimitError(
            f"stopped after {limits.timeout:g} s, the limit per document (--timeout)"
        )
        return position, failed_document(task, timeout, timeout.stage), False
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
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.process"])
        return context
    return multiprocessing.get_context("spawn")


# --- inside a worker ------------------------------------------------------------------------


def _worker_main(conn: Connection, config: Config, limits: Limits, process: TaskProcessor) -> None:
    """A worker's life: documents in, results out, until told to stop or the parent is gone."""
    _isolate_this_worker(limits)
    while True:
        try:
            job: Job | None = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        position, task = job
        result: Document | PipelineError
        try:
            result = process(task, config)
        except PipelineError as exc:  # run-level: the parent stops the run
            result = exc
        except MemoryError:  # raised outside the stages' own guards
            limit = MemoryLimitError("ran out of memory reading this document")
            result = failed_document(task, limit, limit.stage)
        retiring = _near_memory_limit(limits)
        if retiring and isinstance(result, Document) and result.status is Status.FAILED:
            result = _out_of_memory(result, limits)
        try:
            conn.send((position, result, retiring))
        except OSError:
            return
        if retiring:
            return


def _isolate_this_worker(limits: Limits) -> None:
    os.environ.update(WORKER_ENV)
    # Its own process group: a deadline kills the worker with every Tesseract it started, and
    # Ctrl-C at the terminal reaches only the parent, which decides what to do.
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if limits.max_memory_mb is not None:
        cap = limits.max_memory_mb * MIB
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


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


def _near_memory_limit(limits: Limits) -> bool:
    """True when this process's address space has come close to its limit."""
    if limits.max_memory_mb is None:
        return False
    peak = _address_space("VmPeak")
    limit = limits.max_memory_mb * MIB
    margin = min(NEAR_LIMIT_MARGIN_MB * MIB, limit * NEAR_LIMIT_MAX_SHARE)
    return peak is not None and peak >= limit - margin


def _address_space(field: str) -> int | None:
    """Bytes: this process's address space, now (``VmSize``) or at its largest (``VmPeak``);
    Linux only."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * KIB
    except (OSError, ValueError, IndexError):
        return None
    return None


def _out_of_memory(document: Document, limits: Limits) -> Document:
    """The failed document re-labelled: whatever the library said, it hit the memory limit."""
    said = document.error
    detail = f" ({said.type}: {said.message})" if said is not None else ""
    message = (
        f"needed more than {limits.max_memory_mb} MB, the memory limit per worker "
        f"(--max-memory){detail}"
    )
    error = ErrorInfo(MemoryLimitError.__name__, message, MemoryLimitError.stage)
    return Document(source=document.source, status=Status.FAILED, error=error)
