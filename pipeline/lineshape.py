"""A line's shape against the document's measures: how far it reaches, whether the next
word would have fitted at its end, whether it is indented or centred, whether it ends a
sentence or starts a list item, whether its style changes from the line before.

Plain text has no geometry, so its lines are measured as if set in a reference proportional
font (``text_width``); the document's measures themselves are ``pipeline.measure``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Config
from pipeline.cues import CUES
from pipeline.models import Line, Origin

if TYPE_CHECKING:
    from PIL import ImageFont

    from pipeline.measure import Layout

SENTENCE_END = re.compile(r"[.!?…:;]['\"»”’)]*$")

FIT_SLACK = 1.0
"""The share of its estimated width the next word must find free for it to 'have fitted'. The
estimate scales the reference font to the line's own width (a justified line's stretched spaces
make it generous); 1.0 takes it as it is: breaking a line that ran on cannot be undone."""
SIZE_CHANGE = 0.6
"""Points of font-size difference that separate a heading from text."""
CENTRE_TOLERANCE = 0.04
"""Share of the text width within which a line counts as centred."""

REFERENCE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
"""Plain text is measured as if set in this proportional font: letters differ in width ("ш" is
three "i"), so a character count misjudges which lines reach the margin."""
REFERENCE_SIZE = 100


@lru_cache(maxsize=1)
def _reference_font() -> ImageFont.FreeTypeFont | None:
    from PIL import ImageFont  # plain text only: a PDF's lines have their own widths

    for path in REFERENCE_FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), REFERENCE_SIZE)
    return None


@lru_cache(maxsize=50_000)
def text_width(text: str) -> float:
    """Width of a plain-text line set in the reference font; its length when no font is found."""
    font = _reference_font()
    if font is None:
        return float(len(text))
    return float(font.getlength(text)) / REFERENCE_SIZE


@dataclass(frozen=True, slots=True)
class LineShape:
    """Where a line starts and ends, in the units of its source (points or characters)."""

    start: float
    end: float
    char_width: float  # width of one reference-font unit on this line (1.0 for plain text)

    plain: bool = False

    @classmethod
    def of(cls, line: Line) -> LineShape:
        reference = text_width(line.text) or 1.0
        if line.box is None:
            return cls(0.0, reference, 1.0, plain=True)
        # points per reference unit: the line's own font and size, measured on the line itself
        return cls(start=line.box.x0, end=line.box.x1, char_width=line.box.width / reference)

    def room_for(self, word: str) -> float:
        """The width the next word (and its space) needs at this line's end."""
        if self.plain:
            return text_width(" " + word)
        return text_width(" " + word) * self.char_width * FIT_SLACK


def first_word(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[0] if parts else ""


def next_word_would_fit(prev: Line, cur: Line, layout: Layout) -> bool:
    """True when the previous line stopped short: the next word had room at its end, and in
    typed text the line ended earlier than any running line does (``Layout.ragged``)."""
    if reach(prev, cur, layout) >= 1.0:
        return False
    return not layout.ragged or fill(prev, layout) < 1.0 - layout.ragged / layout.width(prev)


def reach(prev: Line, cur: Line, layout: Layout) -> float:
    """How far along the usual line ``prev`` would reach with the next word added (1.0: margin)."""
    shape = LineShape.of(prev)
    left, _ = layout.margins(prev)
    return (shape.end + shape.room_for(first_word(cur.text)) - left) / layout.width(prev)


def fill(line: Line, layout: Layout) -> float:
    """How far along the usual line width a line reaches (0-1+)."""
    shape = LineShape.of(line)
    left, _ = layout.margins(line)
    return (shape.end - left) / layout.width(line)


def is_indented(line: Line, layout: Layout, config: Config) -> bool:
    left, _ = layout.margins(line)
    return line.box is not None and line.box.x0 - left > config.indent_tolerance


def is_centred(line: Line, layout: Layout, config: Config) -> bool:
    """Set in from both margins by about the same amount (an indented full line is not)."""
    if line.box is None or not is_indented(line, layout, config):
        return False
    left, right = layout.margins(line)
    if right - line.box.x1 <= config.indent_tolerance + layout.ragged:
        return False
    return abs(line.box.center - (left + right) / 2) <= CENTRE_TOLERANCE * layout.width(line)


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text.rstrip()))


def starts_list_item(text: str) -> bool:
    return any(re.match(pattern, text) for pattern in CUES.list_markers)


def style_changes(prev: Line, cur: Line) -> bool:
    if prev.bold != cur.bold:
        return True
    if prev.size is None or cur.size is None or Origin.OCR in (prev.origin, cur.origin):
        # OCR sizes are estimated from box heights, which swing with the letters a line
        # holds (a short line of x-height letters looks a third smaller): pitch decides.
        return False
    return abs(prev.size - cur.size) > SIZE_CHANGE
