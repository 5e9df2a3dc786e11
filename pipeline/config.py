"""The run's configuration: one frozen value, changed with ``dataclasses.replace``.

Every threshold a heuristic uses lives here with a docstring, so no stage hides a magic number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OcrMode(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class Config:
    # --- switches: one per repair ------------------------------------------------------------
    fix_encoding: bool = True
    """Repair mojibake (ftfy, single-byte code-page damage)."""
    fix_lookalikes: bool = True
    """Replace Latin/Cyrillic look-alike letters inside words of the other script."""
    remove_furniture: bool = True
    """Move running headers, footers and page numbers out of the text."""
    dehyphenate: bool = True
    """Undo line-end hyphenation where the lexicon says the joined word is real."""

    # --- furniture ---------------------------------------------------------------------------
    furniture_zone: float = 0.12
    """Share of the page height at the top and at the bottom where headers/footers may sit."""
    furniture_min_repeats: int = 2
    """A line must recur on at least this many pages to count as a running header/footer."""

    # --- reflow ------------------------------------------------------------------------------
    indent_tolerance: float = 3.0
    """Points: a first line indented by more than this against the text's left edge starts a
    paragraph."""
    min_paragraph_gap: float = 0.15
    """A line set lower than its page's usual line pitch by more than this share of a line's
    height (and by more than the pitches themselves vary) starts a paragraph."""
    hyphen_min_zipf: float = 1.0
    """Minimum wordfreq Zipf frequency for a joined hyphenated word to count as known."""

    # --- OCR ---------------------------------------------------------------------------------
    ocr: OcrMode = OcrMode.AUTO
    """"auto": OCR the pages whose text layer is missing or garbage; "always": every page;
    "never": text layers only (pages without one are reported, not read)."""
    ocr_lang: str = "rus+eng"
    """Tesseract language packs, joined with "+"."""
    ocr_dpi: int = 300
    """Resolution at which PDF pages are rendered for OCR."""
    min_ocr_confidence: float = 70.0
    """OCR pages and body paragraphs whose mean word confidence (0-100) is below this get a
    warning naming the page; a document whose pages all are is ``partial``. Measured: clean
    and typewritten upright scans read at 80-95, misread or noisy ones at 40-75."""
    page_workers: int = 1
    """Pages of one document OCR'd at once (each in its own Tesseract process)."""

    # --- extraction --------------------------------------------------------------------------
    password: str | None = None
    """Password for encrypted PDFs."""
    max_pages: int | None = None
    """Refuse documents with more pages than this (None: no limit)."""
    pages: tuple[int, ...] | None = None
    """Read only these page numbers (1-based, sorted; ``--pages 1-3,7``); None: every page."""


DEFAULT_TIMEOUT_SECONDS = 600.0
"""Wall-clock limit per document: a 100-page scan OCR'd on one core takes about five minutes;
a text-layer statement takes well under a second."""
DEFAULT_MAX_PAGES = 1000
"""Statements run to tens of pages; a thousand-page PDF is a compilation or a hostile file, and
is refused before any page is read."""
