"""The end of a letter: closing formulas, the signatory block, back matter, and where a covering
letter ends before its annexes.

The end is read backwards. Back matter comes off first: the lines an official letter carries
after its signatory block (the executor's note and contacts, a distribution list, an enclosure
note, a registration or e-signature stamp). They are found by a label opening them (cue data) or
by their place, set apart from the signatory block by a wide gap, and only where what is left
ends with a signatory block. Then the signatory block (a marker, a function, a name, a
dateline), then up to three closing formulas recognised by their function (thanks, request,
complimentary close, valediction; a parting wish only as the very last).

A covering letter may be followed by its annexes, each under a heading ("Annex I", "Приложение
2", "Додаток"). Where the first annex heading follows a signatory block, the letter ends there:
its closing, signature and back matter are the document's, and the annexes (with their own
signatures) stay in the body after the letter's text.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.cues import CUES
from pipeline.formulas import (
    closing_function,
    is_closing,
    is_parting_exclamation,
    is_signature_line,
    signature_line_kind,
)
from pipeline.models import Paragraph
from pipeline.opening import preamble_lines, split_paragraph

MAX_CLOSING_PARAGRAPHS = 3
"""Thanks, a request to circulate the text, a complimentary close."""
MAX_SIGNATURE_LINES = 6
"""A signatory block: marker and name, function, mission, place and date."""
MAX_BACK_MATTER_PARAGRAPHS = 8
"""Executor, contacts, distribution, enclosure note, stamp: a few short blocks."""
MAX_BACK_MATTER_CHARS = 400
"""A back-matter block is short; a longer one is text of the letter (a postscript)."""
BACK_MATTER_GAP = 3.0
"""A gap of this many line heights between the signatory block and what follows sets that apart
as back matter (the foot of the page); lines of one block are less than one line height apart."""
MAX_ANNEX_HEADING_WORDS = 16
"""An annex heading is a label, at most with what it is annexed to."""
MAX_BARE_ANNEX_WORDS = 3
"""The label alone: "Annex II", "Приложение № 2"."""


@dataclass(frozen=True, slots=True)
class Ending:
    """The body without its ending, and the ending's parts."""

    body: tuple[Paragraph, ...]
    closing: str | None
    signature: str | None
    back_matter: tuple[str, ...]


def split_letter_end(paragraphs: Sequence[Paragraph]) -> Ending:
    """Closing, signature and back matter of the letter; annexes after it stay in the body.

    Where the first annex heading follows a signed letter, the letter ends there; otherwise the
    whole document is the letter."""
    height = line_height(paragraphs)
    annex = first_annex(paragraphs)
    if annex is not None:
        letter = _letter_ending(paragraphs[:annex], height)
        if letter.signature is not None:
            return replace(letter, body=letter.body + tuple(paragraphs[annex:]))
    return _letter_ending(paragraphs, height)


def _letter_ending(paragraphs: Sequence[Paragraph], height: float | None) -> Ending:
    rest, back_matter = split_back_matter(list(paragraphs), height)
    body, closing, signature = split_ending(rest)
    return Ending(tuple(body), closing, signature, back_matter)


# --- annexes -------------------------------------------------------------------------------


def is_annex_heading(text: str) -> bool:
    """ "Annex I", "ANNEX 2 to the letter …", "Приложение 3", "Додаток": a heading, not the
    enclosure note "Додаток: згадане, на 1 арк." inside a letter."""
    text = " ".join(text.split())
    words = len(text.split())
    if words > MAX_ANNEX_HEADING_WORDS:
        return False
    if words > MAX_BARE_ANNEX_WORDS and text.endswith((".", "!", "?", ";", ":")):
        return False  # "Annex I to this letter contains …." is a sentence about it
    return any(pattern.match(text) for pattern in CUES.annex_headings)


def opens_annex(paragraph: Paragraph) -> bool:
    """An annex heading, alone or as the first line of a paragraph reflow joined to the annex's
    title ("Annex I" / "Joint communiqué of …"); a first line must be the bare label."""
    if is_annex_heading(paragraph.text):
        return True
    first = paragraph.lines[0].text if len(paragraph.lines) > 1 else ""
    return len(first.split()) <= MAX_BARE_ANNEX_WORDS and is_annex_heading(first)


def first_annex(paragraphs: Sequence[Paragraph]) -> int | None:
    """Index of the first annex heading after the document's first paragraph, if any."""
    return next(
        (index for index, paragraph in enumerate(paragraphs) if index and opens_annex(paragraph)),
        None,
    )


# --- back matter ---------------------------------------------------------------------------


def line_height(paragraphs: Sequence[Paragraph]) -> float | None:
    """The document's median line height in points; None without geometry."""
    heights = [
        line.box.bottom - line.box.top
        for paragraph in paragraphs
        for line in paragraph.lines
        if line.box is not None and line.box.bottom > line.box.top
    ]
    return statistics.median(heights) if heights else None


def is_labelled_back_matter(text: str) -> bool:
    """A line that says what it is: an executor's note ("Вик. І. Коваль", "Исп."), a distribution
    list ("cc:", "Копия:"), an enclosure note ("Encl.", "Додаток:"), or contact details."""
    folded = " ".join(text.split()).casefold()
    for label in CUES.back_matter_labels:
        if folded.startswith(label) and not folded[len(label) : len(label) + 1].isalpha():
            return True
    return any(pattern.search(folded) for pattern in CUES.contact_patterns)


def _after_wide_gap(previous: Paragraph, paragraph: Paragraph, height: float | None) -> bool:
    above, below = previous.lines[-1], paragraph.lines[0]
    if height is None or above.box is None or below.box is None or above.page != below.page:
        return False
    return below.box.top - above.box.bottom >= BACK_MATTER_GAP * height


def _fits_back_matter(paragraph: Paragraph) -> bool:
    text = paragraph.text
    return (
        len(text) <= MAX_BACK_MATTER_CHARS and not is_closing(text) and not is_annex_heading(text)
    )


def split_back_matter(
    paragraphs: list[Paragraph], height: float | None
) -> tuple[list[Paragraph], tuple[str, ...]]:
    """The lines after the signatory block, taken off the end: (paragraphs left, their lines).

    The back matter opens with a labelled line or after a wide gap; it is short blocks only, not
    a further signatory block, and what is left must end with a signatory block (or, for a
    labelled start, with a closing formula: "Yours sincerely," then "cc: …").
    """
    first = max(1, len(paragraphs) - MAX_BACK_MATTER_PARAGRAPHS)
    for start in range(first, len(paragraphs)):
        tail = paragraphs[start:]
        labelled = is_labelled_back_matter(tail[0].lines[0].text if tail[0].lines else tail[0].text)
        if not (labelled or _after_wide_gap(paragraphs[start - 1], tail[0], height)):
            continue
        if not all(_fits_back_matter(p) for p in tail):
            continue
        if all(is_signature_line(line.text) for p in tail for line in p.lines):
            continue  # a second signatory set apart, not back matter
        rest = paragraphs[:start]
        _, closing, signature = split_ending(rest)
        if signature is not None or (labelled and closing is not None):
            return rest, preamble_lines(tuple(tail))
    return paragraphs, ()


# --- closing and signature -----------------------------------------------------------------


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
