"""The command line: arguments to ``Config``, a call into ``batch`` or ``process``, exit codes.

stdout carries data only (JSON, JSONL, the schema); progress, failures and the summary go to
stderr, so ``pipeline run --jsonl | jq`` works while the progress bar shows on the terminal.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline import __version__
from pipeline.config import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_SECONDS, Config, OcrMode
from pipeline.errors import (
    EncryptedDocumentError,
    ExitCode,
    MissingDependencyError,
    NoInputError,
    UsageError,
)
from pipeline.options import (
    DEFAULT_INPUT,
    DEFAULTS,
    DpiOption,
    ExcludeOption,
    Executor,
    ExecutorOption,
    ForceOption,
    IncludeOption,
    JsonlOption,
    LangOption,
    LogLevel,
    LogLevelOption,
    MaxMemoryOption,
    MaxPagesOption,
    MinConfidenceOption,
    OcrOption,
    PagesOption,
    PasswordOption,
    QuietOption,
    SchedulerOption,
    TimeoutOption,
    ToOption,
    VerboseOption,
    WorkersOption,
    parse_pages,
)
from pipeline.terminal import emit, exit_codes, page_status, progress_bar, say, stderr_console

# What the commands run (batch, rich, the stages) is imported inside them: `pipeline --version`
# and `--help` load none of it, so a shell loop does not pay for it.
if TYPE_CHECKING:
    from pipeline.batch import ItemResult, RunSummary
    from pipeline.models import Document

STDIN = "-"
STDIN_NAME = "<stdin>"
SCHEMA_INDENT = 2

app = typer.Typer(
    name="pipeline",
    help="Official statements (PDFs, scans and page images read by OCR, text files) to clean, "
    "structured JSON.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --- commands --------------------------------------------------------------------------------


def _print_version(value: bool) -> None:
    if value:
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
    """Official statements (PDFs, scans and page images read by OCR, text files) to clean,
    structured JSON."""


@app.command()
def run(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[INPUT]...",
            help="Files and folders to clean (folders recursively): PDFs, scans and page "
            "images (PNG, JPEG, TIFF; read by OCR), text files. Default: input/.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the JSON results and index.jsonl.")
    ] = Path("output"),
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    workers: WorkersOption = None,
    password: PasswordOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    log_level: LogLevelOption = LogLevel.WARNING,
    jsonl: JsonlOption = False,
    ocr: OcrOption = OcrMode.AUTO,
    lang: LangOption = DEFAULTS.ocr_lang,
    dpi: DpiOption = DEFAULTS.ocr_dpi,
    min_confidence: MinConfidenceOption = DEFAULTS.min_ocr_confidence,
    max_pages: MaxPagesOption = DEFAULT_MAX_PAGES,
    pages: PagesOption = None,
    timeout: TimeoutOption = DEFAULT_TIMEOUT_SECONDS,
    max_memory: MaxMemoryOption = None,
    force: ForceOption = False,
    executor: ExecutorOption = Executor.LOCAL,
    scheduler: SchedulerOption = None,
    to: ToOption = "json",
) -> None:
    """Clean every input into OUT/<same path>.json, plus OUT/index.jsonl.

    Inputs unchanged since their result was written are skipped (see --force); a run that
    was stopped (Ctrl-C, kill, a crash) finishes the rest when started again.
    """
    from pipeline.workers import Limits, start_pool_early

    if executor is Executor.LOCAL:
        start_pool_early()  # first: the server's import of the stages overlaps all that follows
    from pipeline.batch import default_max_memory_mb, default_workers, plan_run, run_batch
    from pipeline.output import to_jsonl
    from pipeline.progress import RunReport

    _set_log_level(log_level)
    workers = workers or default_workers()
    # The cores a document's pages get are the run's to decide (batch.pages_take_spare_cores).
    config = Config(
        password=password,
        ocr=ocr,
        ocr_lang=lang,
        ocr_dpi=dpi,
        min_ocr_confidence=min_confidence,
        max_pages=max_pages or None,
        pages=parse_pages(pages),
    )
    memory = default_max_memory_mb(workers) if max_memory is None else max_memory
    limits = Limits(timeout=timeout or None, max_memory_mb=memory or None)
    from pipeline.render import parse_formats  # the stages load in the workers, not here

    with exit_codes(resumable=True):
        if scheduler is not None and executor is not Executor.DASK:
            raise UsageError("--scheduler needs --executor dask")
        formats = parse_formats(to)
        tasks = plan_run(
            inputs or [DEFAULT_INPUT],
            out,
            include=include or (),
            exclude=exclude or (),
            renderings=any(fmt != "json" for fmt in formats),
        )
        show_progress = stderr_console().is_terminal and not quiet
        with progress_bar(stderr_console(), len(tasks), enabled=show_progress) as bar:
            report = RunReport(say=say, bar=bar, verbose=verbose, quiet=quiet)

            def on_result(result: ItemResult) -> None:
                if jsonl:
                    emit(to_jsonl(result.document))
                report.finished(result)

            if executor is Executor.DASK:
                summary = _dask_runner()(
                    tasks,
                    out,
                    config,
                    scheduler=scheduler,
                    force=force,
                    on_result=on_result,
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
                    on_result=on_result,
                    on_start=report.started,
                    on_page=report.page,
                    formats=formats,
                )
        if not quiet:
            say(report.summary_line(summary))
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
    min_confidence: MinConfidenceOption = DEFAULTS.min_ocr_confidence,
    max_pages: MaxPagesOption = DEFAULT_MAX_PAGES,
    pages: PagesOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the JSON to FILE (atomically) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    log_level: LogLevelOption = LogLevel.WARNING,
    to: ToOption = "json",
) -> None:
    """Clean one file (PDF, scan, page image or text) and print its JSON on stdout.

    Exit 1 when the document failed, 8 when it is an encrypted PDF without its password.
    """
    from pipeline.bookkeeping import config_fingerprint
    from pipeline.limits import default_workers
    from pipeline.output import to_json, to_jsonl, write_atomic

    _set_log_level(log_level)
    config = Config(
        password=password,
        ocr=ocr,
        ocr_lang=lang,
        ocr_dpi=dpi,
        min_ocr_confidence=min_confidence,
        page_workers=default_workers(),
        max_pages=max_pages or None,
        pages=parse_pages(pages),
    )
    from pipeline.render import parse_formats, render

    with exit_codes():
        formats = parse_formats(to)
        if len(formats) > 1:
            raise UsageError("clean prints one format; `pipeline run --to` writes several")
        with page_status(enabled=stderr_console().is_terminal):
            document = _clean_one(file, config)
        if formats[0] != "json":
            text = render(document, formats[0])
        else:
            as_dict = document.to_dict(__version__, config_fingerprint(config))
            text = to_jsonl(as_dict) if jsonl else to_json(as_dict)
        if output is None:
            emit(text)
        else:
            write_atomic(output, text)
    raise typer.Exit(int(_document_exit_code(document)))


def _document_exit_code(document: Document) -> ExitCode:
    from pipeline.models import Status

    if document.status is not Status.FAILED:
        return ExitCode.OK
    if document.error is not None and document.error.type == EncryptedDocumentError.__name__:
        return ExitCode.ENCRYPTED
    return ExitCode.SOME_FAILED


def _set_log_level(level: LogLevel) -> None:
    """Library and pipeline log records at ``level`` and above go to stderr (this process)."""
    logging.basicConfig(
        level=level.value, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )


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
    from pipeline.inputs import display_path

    # The stages (PDF, image, OCR and word-list libraries) load here, not for --help.
    from pipeline.process import process_bytes, process_path

    if str(file) == STDIN:
        return process_bytes(sys.stdin.buffer.read(), STDIN_NAME, config)
    if not file.exists():
        raise NoInputError(f"{file} does not exist")
    if file.is_dir():
        raise NoInputError(f"{file} is a folder: use `pipeline run {file}`")
    return process_path(file, config, display_path=display_path(file))
