"""A document's scanned pages read in parallel, each page exactly as reading them in order reads it.

A page's script is remembered from the pages before it (``ocr_languages.ScriptMemory``): a later
page skips script detection and is read with the languages of the script its predecessors read
in. Read in parallel, a page would otherwise depend on which earlier pages happened to be
finished when it started, and the same file could come out differently from one run to the
next (or between ``pipeline clean`` and ``pipeline run``). So a page starts from what the pages
before it that are already read say (or, when none is, detects its own script), and ``settle``,
called in page order, checks that this is the script reading in order would have chosen; when
it is not (a document that changes script while its pages are being read), the page is read
again. Pages run in parallel only as far as ``allowed()`` says, asked again while a page
waits, so that a batch worker takes up the cores the run's other workers have left idle.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PIL import Image

from pipeline.models import Page
from pipeline.ocr import OcrEngine
from pipeline.ocr_languages import ScriptMemory, read_as, script_decision

ALLOWED_POLL_SECONDS = 0.1
"""How often a page waiting for its turn asks again how many pages may be read at once (the
answer changes when another worker of the run finds nothing more to do)."""


@dataclass(frozen=True, slots=True)
class _Reading:
    """A page read from an assumed script memory, waiting to be settled in page order."""

    image: Image.Image
    number: int
    dpi: float
    assumed: bool | None  # what the pages before it said when it started (None: nothing yet)
    latin_page: bool | None  # the script decision it was read by
    page: Page


class DocumentReader:
    """OCR of one document's pages: ``read`` from any thread, then ``settle`` in page order.

    ``read`` returns the callable that settles the page; the caller calls those in page order,
    from one thread. A page whose read raised is never settled, as a page that failed in order
    would not have been remembered either.
    """

    def __init__(self, engine: OcrEngine, lang: str, allowed: Callable[[], int]) -> None:
        self.engine = engine
        self.lang = lang
        self.allowed = allowed
        self.memory = ScriptMemory()  # what the settled pages say; changed by ``settle`` only
        self._lock = threading.Condition()
        self._reading: set[int] = set()  # started, not read yet
        self._unsettled: dict[int, Page] = {}  # read, not settled yet

    def read(self, image: Image.Image, number: int, dpi: float) -> Callable[[], Page]:
        """Read one page when its turn comes; the callable settles it (see the class)."""
        assumed = self._start(number)
        try:
            latin_page = script_decision(self.engine, image, number, dpi, self.lang, assumed)
            page = read_as(self.engine, image, number, dpi, self.lang, latin_page)
        except BaseException:
            self._end(number, None)
            raise
        self._end(number, page)
        return partial(self._settle, _Reading(image, number, dpi, assumed, latin_page, page))

    def _start(self, number: int) -> bool | None:
        """Wait until fewer than ``allowed()`` pages are being read; what the pages before this
        one say about the script, as far as they are read."""
        with self._lock:
            while len(self._reading) >= max(1, self.allowed()):
                self._lock.wait(ALLOWED_POLL_SECONDS)
            self._reading.add(number)
            return self._known_before(number)

    def _known_before(self, number: int) -> bool | None:
        """The settled memory, followed by the pages before ``number`` already read, in order,
        up to the first one still being read."""
        memory = ScriptMemory()
        memory.latin = self.memory.latin
        earlier = sorted(n for n in (*self._reading, *self._unsettled) if n < number)
        for earlier_number in earlier:
            if earlier_number in self._reading:
                break
            memory.remember(self._unsettled[earlier_number])
        return memory.latin

    def _end(self, number: int, page: Page | None) -> None:
        with self._lock:
            self._reading.discard(number)
            if page is not None:
                self._unsettled[number] = page
            self._lock.notify_all()

    def _settle(self, reading: _Reading) -> Page:
        """The page as reading in order reads it: the reading itself when it was read by the
        script decision reading in order makes, else the page read again by that decision."""
        in_order = self.memory.latin
        page = reading.page
        if not _same_decision(reading, in_order):
            latin_page = script_decision(
                self.engine, reading.image, reading.number, reading.dpi, self.lang, in_order
            )
            page = read_as(
                self.engine, reading.image, reading.number, reading.dpi, self.lang, latin_page
            )
        with self._lock:
            self._unsettled.pop(reading.number, None)
            self.memory.remember(page)
        return page


def _same_decision(reading: _Reading, in_order: bool | None) -> bool:
    """Whether reading in order, with ``in_order`` remembered, decides the page's script as
    ``reading`` did."""
    if reading.latin_page is None:  # the allowed languages are of one script
        return True
    if in_order is not None:
        return reading.latin_page == in_order
    # Nothing remembered in order either: the page's own detection decides, which the reading
    # ran only if it too started from nothing.
    return reading.assumed is None
