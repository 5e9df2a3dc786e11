"""How far a reader can trust the OCR text: a confidence per paragraph and page, noise set aside.

Tesseract gives each word a confidence; the lexicon says which words are real. From these:
- scanner noise (a line with no known word, mostly symbols, read far below its page's
  confidence: specks and stamp edges read as "ae |" or "==") leaves the page for the
  document's ``noise`` list, with its page, before any stage can glue it into a paragraph;
- each body paragraph carries its share of known words (the mean and minimum confidence of
  its words are its provenance's, ``provenance.confidence_of``);
- a page or paragraph read below ``Config.min_ocr_confidence`` adds a warning naming its page,
  and a document whose OCR pages all read that badly is ``partial``.
Text-layer and plain-text lines carry no confidence and pass untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.config import Config
from pipeline.lexicon import WORD, known_share, language_of_word, zipf
from pipeline.models import BodyParagraph, Line, NoiseLine, Page
from pipeline.provenance import confidence_of

NOISE_CONFIDENCE_GAP = 15.0
"""A noise line is read at least this many points below its page's mean word confidence.
Measured: specks and rules on real scans read at 0-50 on pages of 75-92."""
NOISE_MAX_LETTER_SHARE = 0.5
"""...and holds letters and digits for at most this share of its visible characters, or
neither a digit nor a word of NOISE_MIN_WORD letters."""
NOISE_MIN_WORD = 3
KNOWN_WORD_ZIPF = 1.0
"""A word the lexicon knows at least this well is a real word (``known_share``'s bar)."""


def is_noise(line: Line, page_confidence: float | None, language: str | None = None) -> bool:
    """A line of scanner noise: no known word, mostly symbols, far below the page."""
    if line.confidence is None or page_confidence is None:
        return False
    if line.confidence > page_confidence - NOISE_CONFIDENCE_GAP:
        return False
    words = [w for w in WORD.findall(line.text) if len(w) >= NOISE_MIN_WORD]
    if any(zipf(w, language_of_word(w, language)) >= KNOWN_WORD_ZIPF for w in words):
        return False
    visible = [char for char in line.text if not char.isspace()]
    alphanumeric = sum(char.isalnum() for char in visible)
    if alphanumeric <= NOISE_MAX_LETTER_SHARE * len(visible):
        return True
    # No word to read and no number: a document code ("A/C.1/212") has digits, specks do not;
    # a speck in the margin may still read as one digit ("4"), too short for any code.
    return not words and (
        len(visible) < NOISE_MIN_WORD or not any(char.isdigit() for char in visible)
    )


def split_noise(
    pages: Sequence[Page], language: str | None = None
) -> tuple[tuple[Page, ...], tuple[NoiseLine, ...]]:
    """The pages without their noise lines, and those lines with their page."""
    kept_pages, noise = [], []
    for page in pages:
        kept = []
        for line in page.lines:
            if is_noise(line, page.confidence, language):
                noise.append(NoiseLine(line.text, page.number))
            else:
                kept.append(line)
        kept_pages.append(
            page if len(kept) == len(page.lines) else replace(page, lines=tuple(kept))
        )
    return tuple(kept_pages), tuple(noise)


def with_quality(paragraph: BodyParagraph, language: str | None) -> BodyParagraph:
    """The paragraph with its share of known words (its OCR confidence is its provenance's)."""
    return replace(paragraph, known_share=round(known_share(paragraph.text, language=language), 2))


def quality_warnings(
    pages: Sequence[Page], body: Sequence[BodyParagraph], config: Config
) -> tuple[str, ...]:
    """A warning for each page, then each paragraph, read below the confidence threshold."""
    threshold = config.min_ocr_confidence
    warnings = [
        f"page {page.number}: OCR confidence {page.confidence:.0f} is below {threshold:.0f}; "
        "its text may be misread"
        for page in pages
        if page.confidence is not None and page.confidence < threshold
    ]
    for index, paragraph in enumerate(body, start=1):
        mean, least = confidence_of(paragraph.lines)
        if mean is not None and mean < threshold:
            where = ", ".join(str(number) for number in paragraph.pages)
            warnings.append(
                f"page {where}: body paragraph {index} read with OCR confidence {mean:.0f} "
                f"(lowest word {least or 0.0:.0f}), below {threshold:.0f}"
            )
    return tuple(warnings)


def all_pages_read_badly(pages: Sequence[Page], config: Config) -> bool:
    """Every page was OCR'd, and every one below the confidence threshold."""
    return bool(pages) and all(
        page.method == "ocr"
        and (page.confidence is None or page.confidence < config.min_ocr_confidence)
        for page in pages
    )
