"""The command line's shared options (Typer annotations) and their parsing."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.config import Config, OcrMode

DEFAULTS = Config()

# --- shared options ---------------------------------------------------------------------------

PasswordOption = Annotated[
    str | None,
    typer.Option("--password", help="Password for encrypted PDFs.", show_default=False),
]
JsonlOption = Annotated[
    bool, typer.Option("--jsonl", help="One compact JSON object per line on stdout.")
]


def _glob_option(flag: str, help_text: str) -> Any:  # typer.Option is typed to return Any
    return typer.Option(flag, metavar="GLOB", help=help_text, show_default=False)


IncludeOption = Annotated[
    list[str] | None,
    _glob_option(
        "--include", "Only inputs whose path (relative to its folder) or name matches; repeatable."
    ),
]
ExcludeOption = Annotated[
    list[str] | None, _glob_option("--exclude", "Skip inputs that match; repeatable.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar, failure lines or summary.")
]


VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="A line per finished document (also when stderr is not a terminal)."
    ),
]


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


LogLevelOption = Annotated[
    LogLevel,
    typer.Option("--log-level", case_sensitive=False, help="Log records shown on stderr."),
]
DEFAULT_INPUT = Path("input")
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


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
MinConfidenceOption = Annotated[
    float,
    typer.Option(
        "--min-confidence",
        min=0,
        max=100,
        help="OCR confidence (0-100) under which a page or paragraph gets a warning.",
    ),
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
PagesOption = Annotated[
    str | None,
    typer.Option(
        "--pages",
        metavar="RANGES",
        help="Read only these pages, e.g. 1-3,7 (PDF pages, image frames, text form-feed pages).",
        show_default=False,
    ),
]
PAGE_RANGE = re.compile(r"(\d+)(?:-(\d+))?")


def parse_pages(ranges: str | None) -> tuple[int, ...] | None:
    """``"1-3,7"`` -> ``(1, 2, 3, 7)``; a usage error (exit 2) for anything else."""
    if ranges is None:
        return None
    pages: set[int] = set()
    for part in ranges.split(","):
        match = PAGE_RANGE.fullmatch(part.strip())
        first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
        if not match or first < 1 or last < first:
            raise typer.BadParameter(f"{ranges}: expected page numbers and ranges like 1-3,7")
        pages.update(range(first, last + 1))
    return tuple(sorted(pages))


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Process every input again, even those whose result is up to date "
        "(same content, settings and version).",
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
