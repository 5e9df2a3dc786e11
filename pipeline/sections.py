"""Paragraphs → preamble, title, address, body, closing, signature, back matter.

The opening (masthead, preamble, title, salutation block) is ``pipeline.opening``'s; the end
(closing formulas, the signatory block, the back matter after it, and where a covering letter
ends before its annexes) is ``pipeline.ending``'s. This module puts them together and says what
kind each body paragraph is.
"""

from __future__ import annotations

from pipeline.ending import split_letter_end
from pipeline.formulas import is_closing, is_salutation, is_vocative_line
from pipeline.lineshape import starts_list_item
from pipeline.masthead import masthead_length
from pipeline.models import BodyParagraph, Kind, Line, Paragraph, Sections
from pipeline.opening import is_preamble_line, preamble_lines, split_opening

__all__ = ["assign_sections", "is_closing", "is_preamble_line", "is_salutation"]


def _line_texts(lines: tuple[Line, ...]) -> str:
    return "\n".join(line.text.strip() for line in lines)


def body_kind(paragraph: Paragraph) -> Kind:
    if is_salutation(paragraph.text, require_cue=False) or (
        len(paragraph.lines) == 1
        and is_vocative_line(paragraph.text)
        and paragraph.text.rstrip().endswith((",", "!", ":"))
    ):
        return Kind.ADDRESS
    if starts_list_item(paragraph.text):
        return Kind.LIST_ITEM
    return Kind.PARAGRAPH


def assign_sections(paragraphs: tuple[Paragraph, ...]) -> Sections:
    """Split a document's paragraphs into its sections."""
    masthead = masthead_length(paragraphs)
    opening = split_opening(paragraphs[masthead:])
    ending = split_letter_end(opening.body)
    return Sections(
        preamble=preamble_lines(paragraphs[:masthead]) + opening.preamble,
        title=opening.title,
        address=_line_texts(opening.address_lines) or None,
        body=tuple(BodyParagraph(p.text, body_kind(p), p.pages, p.lines) for p in ending.body),
        closing=ending.closing,
        signature=ending.signature,
        back_matter=ending.back_matter,
    )
