"""The command line: arguments to ``Config``, a call into ``batch`` or ``process``, exit codes.

stdout carries data only (JSON, JSONL, the schema); progress, failures and the summary go to
stderr, so ``pipeline run --jsonl | jq`` works while the progress bar shows on the terminal.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.config import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_SECONDS, Config, OcrMode
from pipeline.errors import (
    ExitCode,
    MissingDependencyError,
    NoInputError,
    PipelineError,
    UsageError,
)

if TYPE_CHECKING:
    from rich.console import Console

    from pipeline.batch import ItemResult, RunSummary
    from pipeline.models import Document

# Start-up: `pipeline --version` and `--help` import only the above. The batch machinery, the
# stages and their libraries (PDF, image, OCR, word lists) load inside the commands that use
# them, so a shell loop over files does not pay for them twice.

STDIN = "-"
STDIN_NAME = "<stdin>"
SCHEMA_INDENT = 2

app = typer.Typer(
    name="pipeline",
    help="Official statements (PDF text layers, .txt files) to clean, structured JSON.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@cache
def stderr_console() -> Console:
    """Rich draws on stdout by default; everything but data goes to stderr here. Made on
    first use: `pipeline --version` draws nothing and does not import rich."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


DEFAULTS = Config()

# --- shared options ---------------------------------------------------------------------------

PasswordOption = Annotated[
    str | None,
    typer.Option("--password", help="Password for encrypted PDFs.", show_default=False),
]
JsonlOption = Annotated[
    bool, typer.Option("--jsonl", help="One compact JSON object per line on stdout.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar, failure lines or summary.")
]


class Executor(StrEnum):
    LOCAL = "local"
    DASK = "dask"


ExecutorOption = Annotated[
    Executor,
    typer.Option(
        "--executor",
        case_sensitive=False,
        help="local: worker processes on this machine; dask: a Dask cluster (see --scheduler).",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        show_default=False,
        help="Dask scheduler address, e.g. tcp://head:8786 (default: a local Dask cluster).",
    ),
]
OcrOption = Annotated[
    OcrMode,
    typer.Option(
        "--ocr",
        case_sensitive=False,
        help="auto: OCR pages without a usable text layer; always: every page; never: none.",
    ),
]
LangOption = Annotated[
    str,
    typer.Option("--lang", help="Tesseract languages, joined with + (e.g. ukr+rus+eng)."),
]
DpiOption = Annotated[
    int, typer.Option("--dpi", min=72, max=1200, help="Resolution for rendering PDF pages to OCR.")
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        min=1,
        help="Documents processed at once, each in a worker process (default: all cores). "
        "A run of one or two small files, or with 1 and no limits (--timeout 0 "
        "--max-memory 0), runs in this process.",
        show_default=False,
    ),
]
MaxPagesOption = Annotated[
    int,
    typer.Option(
        "--max-pages",
        min=0,
        help="Fail PDFs with more pages than this, before reading any page (0: no limit).",
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        min=0,
        metavar="SECONDS",
        help="Wall-clock limit per document; its worker is killed and replaced (0: none).",
    ),
]
MaxMemoryOption = Annotated[
    int | None,
    typer.Option(
        "--max-memory",
        min=0,
        metavar="MB",
        help="Address-space limit of each worker process (0: none; default: 3/4 of the "
        "machine's memory shared by the workers, within 1024-4096 MB).",
        show_default=False,
    ),
]
ToOption = Annotated[
    str,
    typer.Option(
        "--to",
        metavar="FORMATS",
        help="Output formats, comma-separated: json, md (Markdown), txt (plain text). "
        "run writes each beside the JSON (x.json, x.md, x.txt); clean prints one.",
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Process every input again, even those whose result is up to date "
        "(same content, settings and version).",
    ),
]


# --- the one place exceptions become exit codes ----------------------------------------------


@contextmanager
def exit_codes() -> Iterator[None]:
    """Turn run-level errors and Ctrl-C into a message on stderr and their exit code."""
    try:
        yield
    except PipelineError as exc:
        say(f"pipeline: {exc}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        say("pipeline: interrupted")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


# --- stdout and stderr -----------------------------------------------------------------------


def say(text: str) -> None:
    """A line for the person at the terminal (stderr, no markup read from file names)."""
    stderr_console().print(text, markup=False)


def emit(text: str) -> None:
    """Data on stdout as UTF-8, whatever the locale, flushed so a pipe sees it at once."""
    sys.stdout.flush()
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader left (`| head`): send the rest nowhere, as Python's docs advise, so the
        # run still finishes its files instead of dying on the next write.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# --- commands --------------------------------------------------------------------------------


def _print_version(value: bool) -> None:
    if value:
        from pipeline import __version__

        emit(f"pipeline {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Official statements (PDF text layers, .txt files) to clean, structured JSON."""


@app.command()
def run(
    input_dir: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT_DIR", help="Folder of PDFs and text files, read recursively."
        ),
    ] = Path("input"),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the JSON results and index.jsonl.")
    ] = Path("output"),
    workers: WorkersOption = None,
    password: PasswordOption = None,
    quiet: QuietOption = False,
    jsonl: JsonlOption = False,
    ocr: OcrOption = OcrMode.AUTO,
    lang: LangOption = DEFAULTS.ocr_lang,
    dpi: DpiOption = DEFAULTS.ocr_dpi,
    max_pages: MaxPagesOption = DEFAULT_MAX_PAGES,
    timeout: TimeoutOption = DEFAULT_TIMEOUT_SECONDS,
    max_memory: MaxMemoryOption = None,
    force: ForceOption = False,
    executor: ExecutorOption = Executor.LOCAL,
    scheduler: SchedulerOption = None,
    to: ToOption = "json",
) -> None:
    """Clean every file below INPUT_DIR into OUT/<same path>.json, plus OUT/index.jsonl.

    Inputs unchanged since their result was written are skipped (see --force); a run that
    was killed finishes the rest when started again.
    """
    from pipeline.batch import Limits, default_max_memory_mb, default_workers, plan_run, run_batch
    from pipeline.render import parse_formats

    workers = workers or default_workers()
    # Cores left over by the document workers go to the pages of one scanned document; a Dask
    # worker's cores are the cluster's to share out, not this machine's.
    page_workers = 1 if executor is Executor.DASK else max(1, default_workers() // workers)
    config = Config(
        password=password,
        ocr=ocr,
        ocr_lang=lang,
        ocr_dpi=dpi,
        page_workers=page_workers,
        max_pages=max_pages or None,
    )
    memory = default_max_memory_mb(workers) if max_memory is None else max_memory
    limits = Limits(timeout=timeout or None, max_memory_mb=memory or None)
    with exit_codes():
        if scheduler is not None and executor is not Executor.DASK:
            raise UsageError("--scheduler needs --executor dask")
        formats = parse_formats(to)
        tasks = plan_run(input_dir, out)
        show_progress = stderr_console().is_terminal and not quiet
        with _progress(len(tasks), enabled=show_progress) as advance:
            reporter = _result_reporter(advance, jsonl=jsonl, quiet=quiet)
            if executor is Executor.DASK:
                summary = _dask_runner()(
                    tasks,
                    out,
                    config,
                    scheduler=scheduler,
                    force=force,
                    on_result=reporter,
                    formats=formats,
                )
            else:
                summary = run_batch(
                    tasks,
                    out,
                    config,
                    workers=workers,
                    limits=limits,
                    force=force,
                    on_result=reporter,
                    formats=formats,
                )
        if not quiet:
            say(_summary_line(summary))
    raise typer.Exit(int(summary.exit_code))


def _dask_runner() -> Callable[..., RunSummary]:
    """Cluster mode's entry point, imported only when asked for (Dask is an optional extra)."""
    try:
        from pipeline.cluster import run_on_dask
    except ImportError as exc:
        raise MissingDependencyError(
            f"cluster mode needs Dask ({exc.name}): pip install 'statement-pipeline[cluster]'"
        ) from exc
    return run_on_dask


@app.command()
def clean(
    file: Annotated[
        Path, typer.Argument(metavar="FILE|-", help="A PDF or text file; - reads stdin.")
    ],
    jsonl: JsonlOption = False,
    password: PasswordOption = None,
    ocr: OcrOption = OcrMode.AUTO,
    lang: LangOption = DEFAULTS.ocr_lang,
    dpi: DpiOption = DEFAULTS.ocr_dpi,
    max_pages: MaxPagesOption = DEFAULT_MAX_PAGES,
    to: ToOption = "json",
) -> None:
    """Clean one file and print its JSON (or --to md / txt) on stdout (exit 1 when it failed)."""
    from pipeline import __version__
    from pipeline.batch import config_fingerprint, default_workers
    from pipeline.models import Status
    from pipeline.output import to_json, to_jsonl
    from pipeline.render import parse_formats, render

    config = Config(
        password=password,
        ocr=ocr,
        ocr_lang=lang,
        ocr_dpi=dpi,
        page_workers=default_workers(),
        max_pages=max_pages or None,
    )
    with exit_codes():
        formats = parse_formats(to)
        if len(formats) > 1:
            raise UsageError("clean prints one format; `pipeline run --to` writes several")
        document = _clean_one(file, config)
        if formats[0] != "json":
            emit(render(document, formats[0]))
        else:
            as_dict = document.to_dict(__version__, config_fingerprint(config))
            emit(to_jsonl(as_dict) if jsonl else to_json(as_dict))
    failed = document.status is Status.FAILED
    raise typer.Exit(int(ExitCode.SOME_FAILED if failed else ExitCode.OK))


@app.command()
def review(
    file: Annotated[
        Path,
        typer.Argument(metavar="INPUT|RESULT.json", help="An input file, or a result of `run`."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The HTML file to write (default: FILE with .html)."),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help="The input a RESULT.json was made from (default: the path it names).",
            show_default=False,
        ),
    ] = None,
    password: PasswordOption = None,
    ocr: OcrOption = OcrMode.AUTO,
    lang: LangOption = DEFAULTS.ocr_lang,
) -> None:
    """Write a self-contained HTML page showing the result over its page images."""
    from pipeline.batch import default_workers
    from pipeline.output import write_atomic
    from pipeline.review import review_path

    config = Config(password=password, ocr=ocr, ocr_lang=lang, page_workers=default_workers())
    with exit_codes():
        if not file.is_file():
            raise NoInputError(f"{file} is not a file")
        target = out or file.with_suffix(".html")
        result = review_path(file, config, source)
        write_atomic(target, result.html)
    for warning in result.warnings:
        say(f"review: {warning}")
    emit(f"{target}\n")


@app.command()
def export(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT_DIR", help="A folder of results written by `run`.")
    ],
    sqlite: Annotated[
        Path, typer.Option("--sqlite", help="The SQLite database to create or update.")
    ],
) -> None:
    """Load every result of OUT_DIR into SQLite (tables and an FTS5 index over paragraphs);
    again later, only changed results are replaced. Prints a JSON summary."""
    from pipeline.export import export_results
    from pipeline.output import to_jsonl

    with exit_codes():
        summary = export_results(out_dir, sqlite)
    emit(to_jsonl(summary.to_dict()))
    for invalid in summary.invalid:
        say(f"export: {invalid} is not a result of this schema version: left out")


@app.command()
def schema() -> None:
    """Print the JSON Schema of one output document."""
    from pipeline.schema import json_schema  # pydantic: loaded for this command only

    emit(json.dumps(json_schema(), ensure_ascii=False, indent=SCHEMA_INDENT) + "\n")


def main() -> None:
    """Entry point of ``python -m pipeline``."""
    app(prog_name="pipeline")


# --- helpers -----------------------------------------------------------------------------------


def _clean_one(file: Path, config: Config) -> Document:
    # The stages (PDF, image, OCR and word-list libraries) load here, not for --help.
    from pipeline.inputs import display_path
    from pipeline.process import process_bytes, process_path

    if str(file) == STDIN:
        return process_bytes(sys.stdin.buffer.read(), STDIN_NAME, config)
    if not file.exists():
        raise NoInputError(f"{file} does not exist")
    if file.is_dir():
        raise NoInputError(f"{file} is a folder: use `pipeline run {file}`")
    return process_path(file, config, display_path=display_path(file))


@contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr; yields the function that advances it by one document."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr_console(), disable=not enabled) as progress:
        task_id = progress.add_task("cleaning", total=total)
        yield lambda: progress.advance(task_id)


def _result_reporter(
    advance: Callable[[], None], *, jsonl: bool, quiet: bool
) -> Callable[[ItemResult], None]:
    from pipeline.models import Status
    from pipeline.output import to_jsonl

    def report(result: ItemResult) -> None:
        if jsonl:
            emit(to_jsonl(result.document))
        if result.status == Status.FAILED and not quiet:
            say(f"failed: {result.task.display_path}: {result.error_message}")
        advance()

    return report


def _summary_line(summary: RunSummary) -> str:
    skipped = f" ({summary.skipped} unchanged, not redone)" if summary.skipped else ""
    return (
        f"{summary.total} documents: {summary.ok} ok, {summary.partial} partial, "
        f"{summary.failed} failed{skipped}; index: {summary.index_path}"
    )
