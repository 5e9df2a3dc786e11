"""Paragraphs → preamble, title, address, body, closing.

A statement opens with a head (issuer, document code, date, language note, then the title), a
salutation, the body, and a closing formula. The salutation splits head from body; within the
head, the title is what follows the last preamble-shaped paragraph, and where the layout is known
it must also look like a title (bold, or at least body-sized). Cue lists are data
(``pipeline/cues``); the rules below only say how to use them.
"""

from __future__ import annotations

import re
import statistics

from pipeline.cues import CUES
from pipeline.formulas import is_closing, is_salutation
from pipeline.measure import SIZE_CHANGE, starts_list_item
from pipeline.models import BodyParagraph, Kind, Origin, Paragraph, Sections

MAX_CLOSING_PARAGRAPHS = 2
"""Thanks, then the request to attach the statement to the journal."""
HEAD_SEARCH_LIMIT = 15
"""The opening salutation is looked for among this many first paragraphs."""
HEAD_MAX_CHARS = 300
"""A head paragraph (preamble or title) is never longer than this."""
MAX_PREAMBLE_SENTENCE_WORDS = 6
"""A preamble line ending in a full stop is a date or a reference ("Вена, 6 марта 2024 г.")."""
OCR_TITLE_SIZE_SHARE = 0.95
"""OCR: a title is set at least this share of the body text's size; preamble lines are smaller
(measured on scans: titles 0.98-1.09 of the body size, preamble lines 0.82-0.91)."""


def is_preamble_line(text: str) -> bool:
    """Issuer, document code, date, language note, agenda item: the shapes of a preamble.

    A preamble line is a label, not a sentence: a text ending like a sentence with more than
    a few words ("Делегация считает, что ...") is body text whatever its first word.
    """
    text = " ".join(text.split())
    if len(text.split()) > MAX_PREAMBLE_SENTENCE_WORDS and re.search(r"[.!?;]$", text):
        return False
    return any(pattern.search(text) for pattern in CUES.preamble_patterns)


def looks_like_body(paragraph: Paragraph) -> bool:
    """Running text: long, or a sentence ending in a full stop that is no preamble line."""
    text = paragraph.text
    if len(text) > HEAD_MAX_CHARS:
        return True
    return bool(re.search(r"[.!?]$", text)) and len(text.split()) > 6 and not is_preamble_line(text)


def find_opening_salutation(paragraphs: tuple[Paragraph, ...]) -> int | None:
    for index, paragraph in enumerate(paragraphs[:HEAD_SEARCH_LIMIT]):
        if is_salutation(paragraph.text, require_cue=True):
            return index
        if looks_like_body(paragraph):
            return None
    return None


def head_length(paragraphs: tuple[Paragraph, ...]) -> int:
    """Without a salutation, the head is the run of short paragraphs before running text."""
    for index, paragraph in enumerate(paragraphs):
        if looks_like_body(paragraph):
            return index
    return 0


def body_font_size(paragraphs: tuple[Paragraph, ...]) -> float | None:
    sizes = [line.size for p in paragraphs for line in p.lines if line.size is not None]
    return statistics.median(sizes) if sizes else None


def looks_like_title(paragraph: Paragraph, body_size: float | None) -> bool:
    """Bold, or not smaller than the body text; with no layout known, anything may be."""
    if body_size is None:
        return True
    if any(line.bold for line in paragraph.lines):
        return True
    sizes = [line.size for line in paragraph.lines if line.size is not None]
    if not sizes:
        return False
    if any(line.origin is Origin.OCR for line in paragraph.lines):
        # OCR sees no weight and estimates sizes from box heights: relative size decides.
        return statistics.median(sizes) >= OCR_TITLE_SIZE_SHARE * body_size
    return statistics.median(sizes) >= body_size - SIZE_CHANGE


def split_head(
    head: tuple[Paragraph, ...], body_size: float | None
) -> tuple[tuple[str, ...], str | None]:
    """Preamble lines and the title: the title follows the last preamble-shaped paragraph."""
    last_preamble = max((i for i, p in enumerate(head) if is_preamble_line(p.text)), default=-1)
    title_start = len(head)
    for index in range(len(head) - 1, last_preamble, -1):
        if not looks_like_title(head[index], body_size):
            break
        title_start = index
    preamble = tuple(p.text for p in head[:title_start])
    title_parts = [p.text for p in head[title_start:]]
    return preamble, (" ".join(title_parts) if title_parts else None)


def split_closing(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], str | None]:
    """Take the closing formula (one or two short paragraphs) off the end of the body."""
    count = 0
    while (
        count < MAX_CLOSING_PARAGRAPHS
        and count < len(paragraphs)
        and is_closing(paragraphs[len(paragraphs) - 1 - count].text)
    ):
        count += 1
    if count == 0:
        return paragraphs, None
    closing = "\n".join(p.text for p in paragraphs[len(paragraphs) - count :])
    return paragraphs[: len(paragraphs) - count], closing


def body_kind(paragraph: Paragraph) -> Kind:
    if is_salutation(paragraph.text, require_cue=False):
        return Kind.ADDRESS
    if starts_list_item(paragraph.text):
        return Kind.LIST_ITEM
    return Kind.PARAGRAPH


def assign_sections(paragraphs: tuple[Paragraph, ...]) -> Sections:
    """Split a document's paragraphs into its sections."""
    salutation = find_opening_salutation(paragraphs)
    if salutation is not None:
        head, address, rest = (
            paragraphs[:salutation],
            paragraphs[salutation].text,
            paragraphs[salutation + 1 :],
        )
    else:
        split_at = head_length(paragraphs)
        head, address, rest = paragraphs[:split_at], None, paragraphs[split_at:]
    body_size = body_font_size(rest)
    preamble, title = split_head(head, body_size)
    body, closing = split_closing(list(rest))
    return Sections(
        preamble=preamble,
        title=title,
        address=address,
        body=tuple(BodyParagraph(p.text, body_kind(p), p.pages, p.lines) for p in body),
        closing=closing,
    )
