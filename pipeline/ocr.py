"""OCR behind a small protocol: a page image in, a ``Page`` of OCR lines out (the only module
that talks to Tesseract).

Tesseract's words become lines with boxes in PDF points in ``ocr_words``.

Orientation: a page is read as it comes; only when that reading is doubtful (no words, a low
mean confidence as upside-down text gives, or word boxes standing on end as sideways text gives)
does Tesseract's orientation detection (OSD) run, and the page is read again turned upright.
Upright pages, nearly all of them, so cost one Tesseract run, not two: OSD alone takes most of
a page's reading time. A skew of a degree or more is straightened before the reading
(``images.straighten``); a smaller one is left to Tesseract and taken out of the boxes.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pytesseract
from PIL import Image
from pytesseract import Output, TesseractError, TesseractNotFoundError

from pipeline.errors import MissingDependencyError, UsageError
from pipeline.images import densest_band, for_tesseract, straighten, to_grayscale
from pipeline.models import Page
from pipeline.ocr_words import (
    Word,
    mean_confidence,
    page_of,
    straightened,
    words_from_data,
)

log = logging.getLogger(__name__)


ORIENTATION_DOUBT_CONFIDENCE = 70.0
"""A reading whose mean word confidence is below this may be of a page upside down or sideways,
so OSD is consulted. Measured: upright pages (clean or old typewritten scans) read at 80-95,
the same pages turned 180° at 37-58."""
MIN_ORIENTATION_CONFIDENCE = 2.0
"""OSD's orientation confidence needed before a page is turned. OSD gives 25-30 on a full page
of text but under 3 on a page with two short lines, hence the low bar: the turned page is kept
only if it then reads without doubt where the first reading had one, or with a higher
confidence, so a wrong guess costs time, never text."""

SIDEWAYS_MIN_CHARS = 3
"""Words this long or longer are wider than tall when upright, whatever their letters."""
SIDEWAYS_SHARE = 0.5
"""Tesseract reads a sideways page's lines as vertical text, often with a high confidence: a
reading is sideways when more than this share of its words of SIDEWAYS_MIN_CHARS or more
characters have boxes taller than wide."""

UPRIGHT_TURNS: Mapping[int, Image.Transpose] = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
"""OSD's "Rotate" (degrees clockwise that make the page upright) → the Pillow turn that does
it (Pillow's turns are counter-clockwise)."""

SCRIPT_DETECTION_REDUCTION = 2
"""Script detection sees the page at 1/this of its resolution (150 dpi for a 300-dpi page):
letters stay large enough to classify, and OSD's layout analysis is four times cheaper."""
SCRIPT_SAMPLE_CHARACTERS = 20
"""Characters OSD classifies before it answers (Tesseract's default is 50, five times that at
most). Measured on dev and real scans: the same script with 20, at half the time."""
SCRIPT_BAND_SHARE = 1 / 6
"""OSD first sees only the band of this share of the page's height that holds the most ink
(five or six lines of text): its layout analysis then costs a third less (0.30 against 0.45 s
of CPU on a dev page, the same script and confidence). A band where it finds too little falls
back to the whole page."""

PAGE_TIMEOUT_SECONDS = 300
"""A Tesseract run on one page that takes longer than this is stopped (a page needs seconds)."""

LANGUAGES = re.compile(r"[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*")
"""Tesseract language codes joined by "+" ("rus+eng", "chi_sim")."""


@dataclass(frozen=True, slots=True)
class Script:
    """What Tesseract's script detection (OSD) says a page is written in."""

    name: str  # "Latin", "Cyrillic", "Han", ...
    confidence: float


class OcrEngine(Protocol):
    """Reads one page image; boxes in the returned page are in points."""

    def read(
        self, image: Image.Image, *, page_number: int, dpi: float, lang: str | None = None
    ) -> Page: ...

    def detect_script(self, image: Image.Image, *, dpi: float) -> Script | None: ...


# --- set-up checks ---------------------------------------------------------------------------


def apt_package(language: str) -> str:
    """The Debian/Ubuntu package holding a Tesseract language ("rus" → "tesseract-ocr-rus")."""
    return "tesseract-ocr-" + language.lower().replace("_", "-")


def check_available(lang: str) -> None:
    """Raises ``MissingDependencyError`` naming the apt package when Tesseract or one of the
    languages in ``lang`` ("rus+eng") is not installed; ``UsageError`` for a malformed list."""
    wanted = parse_languages(lang)
    try:
        pytesseract.get_tesseract_version()
        installed = set(pytesseract.get_languages())
    except TesseractNotFoundError as exc:
        raise _tesseract_missing() from exc
    missing = [code for code in wanted if code not in installed]
    if missing:
        packages = " ".join(apt_package(code) for code in missing)
        raise MissingDependencyError(
            f"Tesseract language pack missing: {', '.join(missing)} (apt-get install {packages})"
        )


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """The Tesseract language packs installed on this machine (empty without Tesseract)."""
    try:
        return frozenset(pytesseract.get_languages())
    except (TesseractNotFoundError, TesseractError, OSError):
        return frozenset()


def parse_languages(lang: str) -> list[str]:
    """The language codes of a "+"-joined list; ``UsageError`` when it is not one."""
    if not LANGUAGES.fullmatch(lang):
        raise UsageError(
            f"invalid OCR language list {lang!r}: Tesseract codes joined by '+', e.g. rus+eng"
        )
    return lang.split("+")


def _tesseract_missing() -> MissingDependencyError:
    return MissingDependencyError("Tesseract is not installed: apt-get install tesseract-ocr")


# --- the engine ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """A page image in pixels and the words read from it."""

    image: Image.Image
    words: tuple[Word, ...]

    @property
    def confidence(self) -> float | None:
        return mean_confidence(self.words)


class TesseractEngine:
    """``OcrEngine`` over the ``tesseract`` command, through pytesseract.

    ``threads`` sets ``OMP_THREAD_LIMIT`` for every Tesseract process this program starts
    (pytesseract hands them this process's environment): 1, the default, because pages and
    documents are read in parallel and Tesseract's own threads only fight them. ``None``
    leaves Tesseract's default.
    """

    def __init__(
        self,
        lang: str = "rus+eng",
        psm: int | None = None,
        fix_orientation: bool = True,
        threads: int | None = 1,
        timeout: float = PAGE_TIMEOUT_SECONDS,
    ) -> None:
        parse_languages(lang)
        self.lang = lang
        self.psm = psm
        self.fix_orientation = fix_orientation
        self.timeout = timeout
        if threads is not None:
            os.environ["OMP_THREAD_LIMIT"] = str(threads)

    def read(
        self, image: Image.Image, *, page_number: int, dpi: float, lang: str | None = None
    ) -> Page:
        """The page's lines in reading order, boxes and sizes in points, read with ``lang``
        (the engine's own languages when None).

        ``image`` is the page as scanned or rendered (any mode, any way up, a little skewed);
        pixel mode, orientation and deskew here. ``reason`` is left for the caller, which
        knows why the page went to OCR. A page Tesseract fails on raises ``TesseractError``, one
        it does not finish within ``timeout`` seconds ``RuntimeError``.
        """
        if dpi <= 0:
            raise ValueError(f"dpi must be positive, got {dpi}")
        lang = lang or self.lang
        parse_languages(lang)
        reading = self._recognise(for_tesseract(image), dpi, lang)
        if self.fix_orientation and _is_doubtful(reading):
            reading = self._upright_reading(reading, dpi, lang)
        return page_of(reading.words, reading.image.size, page_number, dpi)

    def detect_script(self, image: Image.Image, *, dpi: float) -> Script | None:
        """The page's script by Tesseract's OSD, or None when OSD finds too little text.

        Cheap by design, a fifteenth of a reading: OSD sees the page's densest band at half
        resolution, not deskewed, and classifies only SCRIPT_SAMPLE_CHARACTERS characters.
        Measured CPU seconds on 300-dpi pages: a reading 4-5.5, full OSD 1.0-1.3, OSD of the
        half-resolution page 0.45, of its densest band 0.3.
        """
        small = to_grayscale(image).reduce(SCRIPT_DETECTION_REDUCTION)
        options = f"-c min_characters_to_try={SCRIPT_SAMPLE_CHARACTERS}"
        small_dpi = dpi / SCRIPT_DETECTION_REDUCTION
        osd = self._osd(densest_band(small, SCRIPT_BAND_SHARE), small_dpi, options)
        if osd is None or not osd.get("script"):
            osd = self._osd(small, small_dpi, options)
        if osd is None or not osd.get("script"):
            return None
        return Script(str(osd["script"]), float(str(osd.get("script_conf", 0.0))))

    def _upright_reading(self, first: _Reading, dpi: float, lang: str) -> _Reading:
        """The page read again turned upright when OSD says it is turned; the better reading."""
        turn = self._upright_turn(first.image, dpi)
        if turn is None:
            return first
        turned = self._recognise(first.image.transpose(turn), dpi, lang)
        log.debug(
            "confidence as scanned %s, turned upright %s", first.confidence, turned.confidence
        )
        return _better_reading(first, turned)

    def _upright_turn(self, image: Image.Image, dpi: float) -> Image.Transpose | None:
        """The turn OSD is confident makes the page upright; None for upright or unknown."""
        osd = self._osd(image, dpi)
        if osd is None:
            return None
        rotate = int(str(osd.get("rotate", 0)))
        confidence = float(str(osd.get("orientation_conf", 0.0)))
        log.debug("OSD: rotate %d° clockwise, confidence %.2f", rotate, confidence)
        if confidence < MIN_ORIENTATION_CONFIDENCE:
            return None
        return UPRIGHT_TURNS.get(rotate)

    def _osd(self, image: Image.Image, dpi: float, options: str = "") -> dict[str, object] | None:
        """Tesseract's orientation and script detection, or None when it finds nothing."""
        try:
            with _tesseract_input(image) as path:
                osd = pytesseract.image_to_osd(
                    str(path),
                    config=f"{_dpi_option(dpi)} {options}".strip(),
                    output_type=Output.DICT,
                    timeout=self.timeout,
                )
        except TesseractNotFoundError as exc:
            raise _tesseract_missing() from exc
        except (TesseractError, RuntimeError, OSError, ValueError) as exc:
            # OSD gives up on pages with too little text ("Too few characters"), or times out:
            # the page is then read as it is.
            log.debug("OSD found nothing: %s", exc)
            return None
        return dict(osd)

    def _recognise(self, page: Image.Image, dpi: float, lang: str) -> _Reading:
        """The words of a page image, boxes in the pixels of ``page`` itself.

        Tesseract reads the deskewed page, which is a larger canvas around the same centre;
        its boxes are moved back by that margin. A skew too small to turn the page for is
        taken out of the boxes instead (``ocr_words.straightened``).
        """
        prepared, skew = straighten(page)
        try:
            with _tesseract_input(prepared) as path:
                data = pytesseract.image_to_data(
                    str(path),
                    lang=lang,
                    config=self._config(dpi),
                    output_type=Output.DICT,
                    timeout=self.timeout,
                )
        except TesseractNotFoundError as exc:
            raise _tesseract_missing() from exc
        margin_x = (prepared.width - page.width) / 2
        margin_y = (prepared.height - page.height) / 2
        words = words_from_data(data, margin_x, margin_y)
        return _Reading(page, tuple(straightened(words, skew, page.width, page.height)))

    def _config(self, dpi: float) -> str:
        options = [_dpi_option(dpi), "-c preserve_interword_spaces=0"]
        if self.psm is not None:
            options.append(f"--psm {self.psm}")
        return " ".join(options)


def _dpi_option(dpi: float) -> str:
    # The image file we hand over carries no resolution; Tesseract's size heuristics need it.
    return f"--dpi {round(dpi)}"


@contextmanager
def _tesseract_input(image: Image.Image) -> Iterator[Path]:
    """The image written to a temporary uncompressed PGM/PPM file for Tesseract to read.

    pytesseract would write a PNG, whose compression costs a tenth of a second on a 300-dpi
    page for nothing: Tesseract decompresses it straight away.
    """
    with tempfile.TemporaryDirectory(prefix="pipeline-ocr-") as folder:
        path = Path(folder) / "page.pnm"
        image.save(path, format="PPM")
        yield path


def _is_doubtful(reading: _Reading) -> bool:
    """A reading that may be of a page upside down or sideways."""
    confidence = reading.confidence
    if confidence is None or confidence < ORIENTATION_DOUBT_CONFIDENCE:
        return True
    return _reads_sideways(reading.words)


def _reads_sideways(words: Sequence[Word]) -> bool:
    long_words = [word for word in words if len(word.text) >= SIDEWAYS_MIN_CHARS]
    tall = sum(1 for word in long_words if word.box.height > word.box.width)
    return bool(long_words) and tall > SIDEWAYS_SHARE * len(long_words)


def _better_reading(first: _Reading, turned: _Reading) -> _Reading:
    """The page turned upright when that reads without doubt where the first did not, or reads
    with more confidence; otherwise the first reading (OSD can be wrong)."""
    if _is_doubtful(first) and not _is_doubtful(turned):
        return turned
    return turned if (turned.confidence or 0.0) > (first.confidence or 0.0) else first
