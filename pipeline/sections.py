"""Paragraphs → preamble, title, address, body, closing, signature.

The opening (preamble, title, salutation block) is ``pipeline.opening``'s. The end of a
statement is read backwards: the signatory block of a letter (a marker, a function, a name, a
dateline) after the closing, then up to three closing formulas recognised by their function
(thanks, request, complimentary close, valediction; a parting wish only as the very last).
"""

from __future__ import annotations

from pipeline.formulas import (
    closing_function,
    is_closing,
    is_parting_exclamation,
    is_salutation,
    is_signature_line,
    is_vocative_line,
    signature_line_kind,
)
from pipeline.lineshape import starts_list_item
from pipeline.models import BodyParagraph, Kind, Line, Paragraph, Sections
from pipeline.opening import is_preamble_line, split_opening, split_paragraph

__all__ = ["assign_sections", "is_closing", "is_preamble_line", "is_salutation"]

MAX_CLOSING_PARAGRAPHS = 3
"""Thanks, a request to circulate the text, a complimentary close."""
MAX_SIGNATURE_LINES = 6
"""A signatory block: marker and name, function, mission, place and date."""


def _line_texts(lines: tuple[Line, ...]) -> str:
    return "\n".join(line.text.strip() for line in lines)


def _trailing_signature(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], tuple[str, ...]]:
    """Split the signatory block off the end: (paragraphs left, its lines). A paragraph that is
    one signature line as a whole (a function wrapped over two lines) is one line of it."""
    rest = list(paragraphs)
    lines: list[str] = []
    while rest and len(lines) < MAX_SIGNATURE_LINES and len(rest) > 1:
        last = rest[-1]
        if is_signature_line(last.text):
            lines.insert(0, last.text.strip())
            rest.pop()
            continue
        count = 0
        while count < len(last.lines) - 1 and is_signature_line(last.lines[-1 - count].text):
            count += 1
        if count:
            kept = last.lines[: len(last.lines) - count]
            lines[:0] = [line.text.strip() for line in last.lines[len(kept) :]]
            kept_part = split_paragraph(last, len(kept))[0]
            assert kept_part is not None  # the loop above leaves the first line
            rest[-1] = kept_part
        break
    return rest, tuple(lines)


def _is_signed(signature: tuple[str, ...]) -> bool:
    """A block that says it was signed, or names a signatory and a function, stands on its own;
    names or a dateline alone count only after a closing formula."""
    kinds = {signature_line_kind(line) for line in signature}
    return "marker" in kinds or {"function", "name"} <= kinds


def split_closing(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], str | None]:
    """Take the closing formulas (at most three short paragraphs) off the end of the body."""
    count = 0
    if (
        len(paragraphs) >= 2
        and is_parting_exclamation(paragraphs[-1].text)
        and is_closing(paragraphs[-2].text)
    ):
        count = 1
    while count < MAX_CLOSING_PARAGRAPHS and count < len(paragraphs) - 1:
        function = closing_function(paragraphs[-1 - count].text)
        if function is None or (function == "wish" and count > 0):
            break
        count += 1
    if count == 0 or (count == 1 and is_parting_exclamation(paragraphs[-1].text)):
        return paragraphs, None
    closing = "\n".join(p.text for p in paragraphs[len(paragraphs) - count :])
    return paragraphs[: len(paragraphs) - count], closing


def split_ending(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], str | None, str | None]:
    """Body, closing and signature at the end of the document."""
    rest, signature = _trailing_signature(paragraphs)
    body, closing = split_closing(rest)
    if signature and closing is None and not _is_signed(signature):
        return (*split_closing(paragraphs), None)
    return body, closing, ("\n".join(signature) if signature else None)


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
    opening = split_opening(paragraphs)
    body, closing, signature = split_ending(list(opening.body))
    return Sections(
        preamble=opening.preamble,
        title=opening.title,
        address=_line_texts(opening.address_lines) or None,
        body=tuple(BodyParagraph(p.text, body_kind(p), p.pages, p.lines) for p in body),
        closing=closing,
        signature=signature,
    )
