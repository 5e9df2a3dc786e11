"""The same per-document task on a Dask distributed cluster, for folders too large for one machine.

When to use it: a folder of many thousands of documents (scans above all, where OCR costs
seconds per page) that one machine would take too long to read. For anything one machine can
do in reasonable time, the local process pool (``pipeline.batch.run_batch``) is simpler and as
fast. Every worker must:

- see the inputs at the same paths as the client (a shared filesystem: NFS, CephFS, a bind
  mount at one path everywhere); workers read the files, the client only writes the results;
- have this package at the client's version, and Tesseract with the run's language packs (a
  worker without them stops the run with ``MissingDependencyError``, as a local run would);
- run one thread per worker process (``dask worker ADDRESS --nworkers N --nthreads 1``):
  pdfium, which renders pages for OCR, is not thread-safe, so a worker process reads one
  document at a time whatever its thread count (see ``DOCUMENT_LOCK``).

Workers only compute: each returns a picklable ``Document``. The client alone writes each
result as it arrives and the index in input order at the end, with the same functions as the
local pool, so a run on a cluster writes byte for byte what a local run writes. A document
whose task raises on a worker (or whose worker dies under it) becomes a ``failed`` result and
the run goes on; run-level errors (a missing dependency) stop the run. Resuming works as
locally: inputs whose earlier result is still valid are not sent to the cluster at all.

Limits differ from the local pool's: a Dask worker is not killed at a per-document deadline
(``--timeout`` does not apply), and its memory is bounded by the worker's own
``--memory-limit`` (the nanny restarts a worker that exceeds it; the scheduler retries the
document on other workers ``distributed.scheduler.allowed-failures`` times, then it fails as a
``WorkerCrashError``). Set that to 0 or 1 on the scheduler of a folder that may hold bombs.

    from pipeline.batch import plan_run
    from pipeline.cluster import run_on_dask
    summary = run_on_dask(plan_run(src, out), out, Config(), scheduler="tcp://head:8786")
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import ExitStack, contextmanager
from pathlib import Path

from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin, as_completed
from distributed.worker import Worker

from pipeline.batch import (
    INTERNAL_ERROR_STAGE,
    WORKER_ENV,
    ResultCallback,
    RunSummary,
    Task,
    TaskProcessor,
    default_workers,
    failed_document,
    process_task,
    run_batch,
)
from pipeline.config import Config
from pipeline.errors import DocumentError, PipelineError, UsageError, WorkerCrashError
from pipeline.models import Document

IN_FLIGHT_PER_THREAD = 2
"""Documents queued per worker thread: enough to keep it busy, few enough to stop fast and to
keep a folder of hundreds of thousands of files off the scheduler's books."""
CONNECT_TIMEOUT = "30s"
"""How long to try reaching a scheduler before the run gives up (a Dask duration)."""
ENV_PLUGIN_NAME = "statement-pipeline-env"
"""Registered under one name, so a second run on the same cluster replaces it, not adds one."""

DOCUMENT_LOCK = threading.Lock()
"""One document at a time per worker process, whatever its thread count: pdfium is not
thread-safe, and the document's own page threads already use the process's cores."""


class WorkerEnvironment(WorkerPlugin):
    """Sets ``WORKER_ENV`` in each worker process, including workers that join later."""

    def setup(self, worker: Worker) -> None:
        # Tesseract's OpenMP threads fight each other when several Tesseracts run at once.
        os.environ.update(WORKER_ENV)


def process_on_worker(task: Task, config: Config, process: TaskProcessor) -> Document:
    """``process`` (``batch.process_task``) on a worker, one document at a time per process."""
    with DOCUMENT_LOCK:
        return process(task, config)


def run_on_dask(
    tasks: Sequence[Task],
    out_dir: Path,
    config: Config,
    *,
    scheduler: str | None,
    on_result: ResultCallback | None = None,
    workers: int | None = None,
    force: bool = False,
    process: TaskProcessor | None = None,
    formats: Sequence[str] = (),
) -> RunSummary:
    """Process every task on a Dask cluster, write each result and the index; return the counts.

    ``scheduler`` is an address ("tcp://host:8786"), or None to start a LocalCluster of
    ``workers`` single-threaded processes (default: all cores) in this process, for trying it
    out. The rest is ``batch.run_batch``'s contract: results are written by this process as
    they finish, the index in input order at the end; inputs whose earlier result is still
    valid are skipped unless ``force``; a document's failure is a result; run-level errors
    propagate. ``process`` replaces ``process_task`` (a module-level function the workers can
    import). Per-document time and memory limits are the cluster's business here (see the
    module docstring).
    """
    work = process or process_task
    with connect(scheduler, workers=workers) as client:
        # The local run's machinery (resuming, output checks, the index) with Dask as executor.
        return run_batch(
            tasks,
            out_dir,
            config,
            workers=workers or default_workers(),
            force=force,
            on_result=on_result,
            process=work,
            formats=formats,
            executor=lambda todo, run_config: dask_results(client, todo, run_config, process=work),
        )


@contextmanager
def connect(scheduler: str | None, *, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new LocalCluster when it is None.

    Leaving the block closes the client and a LocalCluster started for it. An address that
    cannot be reached is the caller's mistake: a UsageError naming it.
    """
    with ExitStack() as stack:
        if scheduler is None:
            target: str | LocalCluster = stack.enter_context(
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers or default_workers(),
                    threads_per_worker=1,
                    processes=True,  # Tesseract and pdfium need processes to run in parallel
                    # No dashboard (it needs bokeh); the scheduler's HTTP port on any free one.
                    dashboard_address=":0",
                )
            )
        else:
            target = scheduler
        try:
            client = stack.enter_context(
                Client(target, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
            )
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        client.register_plugin(WorkerEnvironment(), name=ENV_PLUGIN_NAME)
        yield client


def dask_results(
    client: Client,
    todo: Iterable[tuple[int, Task]],
    config: Config,
    *,
    process: TaskProcessor = process_task,
) -> Generator[tuple[int, Document], None, None]:
    """Yield ``(position, document)`` for each ``(position, task)`` as it finishes on the cluster.

    A few documents per worker thread are queued at a time; the queue is refilled as documents
    finish and sized by the threads the cluster has at that moment, so workers that join
    during the run get work too.
    """
    pending: dict[Future[Document], tuple[int, Task]] = {}
    queue = iter(todo)
    finished = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
    try:
        _fill(client, pending, finished, queue, config, process)
        for future in finished:
            position, task = pending.pop(future)
            yield position, _document_of(future, task)
            future.release()
            _fill(client, pending, finished, queue, config, process)
    finally:
        # Normal end, a run-level error or Ctrl-C: drop what has not run, keep nothing.
        client.cancel(list(pending))  # type: ignore[no-untyped-call]


def _fill(
    client: Client,
    pending: dict[Future[Document], tuple[int, Task]],
    finished: as_completed,
    queue: Iterator[tuple[int, Task]],
    config: Config,
    process: TaskProcessor,
) -> None:
    threads = sum(client.nthreads().values())  # type: ignore[no-untyped-call]
    while len(pending) < IN_FLIGHT_PER_THREAD * max(1, threads):
        item = next(queue, None)
        if item is None:
            return
        # pure=False: a fresh key per submission, so two runs on one cluster never share one.
        future: Future[Document] = client.submit(
            process_on_worker, item[1], config, process, pure=False
        )
        pending[future] = item
        finished.add(future)  # type: ignore[no-untyped-call]


def _document_of(future: Future[Document], task: Task) -> Document:
    """The document a finished future holds; an exception on the worker becomes a failed one.

    Run-level errors (``MissingDependencyError``) propagate and stop the run, as in a local run.
    """
    try:
        return future.result()
    except PipelineError as exc:
        if not isinstance(exc, DocumentError):
            raise
        return failed_document(task, exc, exc.stage)
    except CancelledError:
        raise  # the scheduler dropped the task (it went away, or someone cancelled the run)
    except KilledWorker as exc:  # the document took its worker down, on every retry
        crash = WorkerCrashError(f"the Dask workers reading this document died: {exc}")
        return failed_document(task, crash, crash.stage)
    except Exception as exc:  # a bug in a stage that escaped process_task's guard
        return failed_document(task, exc, INTERNAL_ERROR_STAGE)
