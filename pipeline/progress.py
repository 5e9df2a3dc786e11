"""What a run tells the person at the terminal, on stderr: per-document lines, the name in
the progress bar (drawn by ``cli``), the summary. Every name and message printed is escaped
first (``inputs.printable``): file names and library messages are not ours.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pipeline.bookkeeping import ItemResult, RunSummary
from pipeline.inputs import printable
from pipeline.models import Status
from pipeline.pageprogress import PageProgress
from pipeline.tasks import Task

MAX_SHOWN_NAME = 40
"""Characters of the current document's name shown in the bar (its end: the file name)."""


@dataclass(slots=True)
class Bar:
    """The progress bar's two moves: name the current document, count one finished."""

    describe: Callable[[str], None]
    advance: Callable[[], None]


def shortened(name: str, limit: int = MAX_SHOWN_NAME) -> str:
    """A printable name of at most ``limit`` characters, keeping its end."""
    shown = printable(name)
    return shown if len(shown) <= limit else "…" + shown[-(limit - 1) :]


@dataclass(slots=True)
class RunReport:
    """Follows a run document by document and sums up what was read."""

    say: Callable[[str], None]
    bar: Bar
    verbose: bool = False
    quiet: bool = False
    started_at: float = field(default_factory=time.monotonic)
    pages: int = 0
    ocr_pages: int = 0

    def started(self, task: Task) -> None:
        self.bar.describe(shortened(task.display_path))

    def page(self, task: Task, progress: PageProgress) -> None:
        """A page of a document in progress is done: the bar says which (OCR takes long)."""
        self.bar.describe(f"{shortened(task.display_path)} {progress}")

    def finished(self, result: ItemResult) -> None:
        pages = _pages(result.document)
        self.pages += len(pages)
        self.ocr_pages += sum(page.get("method") == "ocr" for page in pages)
        if not self.quiet:
            line = _document_line(result, len(pages))
            if result.status == Status.FAILED or self.verbose:
                self.say(line)
        self.bar.advance()

    def summary_line(self, summary: RunSummary) -> str:
        seconds = time.monotonic() - self.started_at
        skipped = f" ({summary.skipped} unchanged, not redone)" if summary.skipped else ""
        return (
            f"{summary.total} documents: {summary.ok} ok, {summary.partial} partial, "
            f"{summary.failed} failed{skipped}; {self.pages} pages, {self.ocr_pages} read by "
            f"OCR; {seconds:.1f} s; index: {summary.index_path}"
        )


def _pages(document: Mapping[str, object]) -> list[Mapping[str, object]]:
    pages = document.get("pages")
    return [page for page in pages if isinstance(page, dict)] if isinstance(pages, list) else []


def _document_line(result: ItemResult, pages: int) -> str:
    """``failed: a.pdf: reason``, ``ok: b.pdf (3 pages)``, ``unchanged: c.txt``."""
    name = result.task.display_path
    if result.status == Status.FAILED:
        return f"failed: {name}: {result.error_message}"
    if result.skipped:
        return f"unchanged: {name}"
    return f"{result.status}: {name} ({pages} page{'s' if pages != 1 else ''})"
