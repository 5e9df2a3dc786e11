"""Tesseract's words → a ``Page`` of OCR lines, every box in PDF points.

Boxes leave here in points (pixels × 72 / dpi), whatever the scan's resolution, so the
furniture and reflow stages measure OCR lines and text-layer lines with one ruler; and as if
the page were straight: a skew left to Tesseract (under ``images.MIN_SKEW_TO_CORRECT``) is
taken out of the boxes' positions, so the left edge of a slightly tilted page stays one edge.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline.models import Box, Line, Origin, Page

POINTS_PER_INCH = 72.0

# A word's box runs from its tallest glyph to its deepest, so what share of the font size (em)
# it spans depends on its letters: "учреждение" has no ascender, "ЗАЯВЛЕНИЕ" no descender.
# Shares measured on Russian and English lines of DejaVu Sans and Serif at 10 and 14 pt, 300 dpi
# (Times-like fonts have shorter extenders and come out a little small; sizes are compared
# within a document, where the font is the same).
FULL_EXTENT_EM = 0.98
"""Ascender (or capital) top to descender bottom: measured 0.94-1.01."""
ASCENDER_EXTENT_EM = 0.77
"""Capital or ascender top to the baseline, for words without descenders: measured 0.77."""
DESCENDER_EXTENT_EM = 0.77
"""x-height top to descender bottom, for words without ascenders: measured 0.75-0.79."""
X_HEIGHT_EM = 0.56
"""x-height only ("наш совет меняет"): measured 0.55-0.58."""
TALL_GLYPHS = frozenset("bdfhklitj" + "бйёф" + "0123456789" + "!?'\"()[]{}/\\|%&@#$")
"""Lower-case letters (and marks) reaching the ascender or capital height, besides capitals."""
DEEP_GLYPHS = frozenset("gjpqy" + "рудфцщ" + "()[]{}|")
"""Glyphs reaching below the baseline by a descender's depth."""
NO_CONFIDENCE = -1.0
"""Tesseract's confidence for boxes that are not recognised words."""
WORD_LEVEL = 5
"""``image_to_data`` level of a word (1 page, 2 block, 3 paragraph, 4 line)."""


@dataclass(frozen=True, slots=True)
class Word:
    """A recognised word: its box in pixels of the page it was read from."""

    text: str
    line_key: tuple[int, int, int]  # (block, paragraph, line) as Tesseract numbers them
    box: Box
    confidence: float  # NO_CONFIDENCE when Tesseract gives none


MIN_MARGIN_LINES = 8
"""Lines starting at the left edge needed to tell a turned page from a sheared one."""
MARGIN_BAND = 0.02
"""Share of the page's width beyond the leftmost line start (and the drift a skew gives it)
within which a line starts at the left edge; an indented first line starts further in."""


def straightened(words: Sequence[Word], skew: float, width: float, height: float) -> list[Word]:
    """The words moved to where they would sit on the page turned straight: ``skew`` degrees
    counter-clockwise (``images.estimate_skew``) undone around the centre of a ``width`` ×
    ``height`` page. Each box moves by its centre's displacement and keeps its size.

    A page whose lines tilt while its left edge stands straight (a sheet that slid in the
    typewriter or scanner: sheared, not turned) only has its lines levelled; turning it would
    tilt the edge, and lines near its top would look indented."""
    if not skew:
        return list(words)
    turn = math.radians(skew)
    cos, sin = math.cos(turn), math.sin(turn)
    turned = _is_turned(words, sin, width, height)
    centre_x, centre_y = width / 2, height / 2
    moved = []
    for word in words:
        dx = (word.box.x0 + word.box.x1) / 2 - centre_x
        dy = (word.box.top + word.box.bottom) / 2 - centre_y
        shift_x = dx * cos - dy * sin - dx if turned else 0.0
        shift_y = dx * sin + dy * cos - dy
        box = Box(
            word.box.x0 + shift_x,
            word.box.top + shift_y,
            word.box.x1 + shift_x,
            word.box.bottom + shift_y,
        )
        moved.append(replace(word, box=box))
    return moved


def _is_turned(words: Sequence[Word], sin: float, width: float, height: float) -> bool:
    """The page's left edge drifts with its lines' skew (the page is turned), by the slope of
    the line starts along the leftmost edge many lines share; True when there are too few."""
    starts: dict[tuple[int, int, int], tuple[float, float]] = {}
    for word in words:
        y = (word.box.top + word.box.bottom) / 2
        if word.line_key not in starts or word.box.x0 < starts[word.line_key][0]:
            starts[word.line_key] = (word.box.x0, y)
    band = MARGIN_BAND * width + abs(sin) * height
    # the leftmost edge that many lines start at: specks in the margin start further out
    edges = (
        [(x, y) for x, y in starts.values() if left <= x <= left + band]
        for left in sorted(x for x, _ in starts.values())
    )
    edge = next((found for found in edges if len(found) >= MIN_MARGIN_LINES), None)
    if edge is None:
        return True
    mean_x = statistics.fmean(x for x, _ in edge)
    mean_y = statistics.fmean(y for _, y in edge)
    spread = sum((y - mean_y) ** 2 for _, y in edge)
    if not spread:
        return True
    slope = sum((x - mean_x) * (y - mean_y) for x, y in edge) / spread
    # a turned page's edge moves by sin(skew) per pixel down; a sheared page's stands still
    return abs(slope - sin) < abs(slope)


def words_from_data(
    data: Mapping[str, Sequence[object]], margin_x: float, margin_y: float
) -> list[Word]:
    """The recognised words of ``image_to_data`` output, moved by (-margin_x, -margin_y)."""
    words = []
    for i, level in enumerate(data["level"]):
        text = str(data["text"][i]).strip()
        if _as_int(level) != WORD_LEVEL or not text:
            continue
        left = _as_float(data["left"][i]) - margin_x
        top = _as_float(data["top"][i]) - margin_y
        box = Box(left, top, left + _as_float(data["width"][i]), top + _as_float(data["height"][i]))
        key = (
            _as_int(data["block_num"][i]),
            _as_int(data["par_num"][i]),
            _as_int(data["line_num"][i]),
        )
        words.append(Word(text, key, box, _as_float(data["conf"][i])))
    return words


def _as_int(value: object) -> int:
    return int(_as_float(value))


def _as_float(value: object) -> float:
    if isinstance(value, int | float | str):
        return float(value)
    raise TypeError(f"unexpected value in Tesseract's output: {value!r}")


def mean_confidence(words: Sequence[Word]) -> float | None:
    scores = [word.confidence for word in words if word.confidence != NO_CONFIDENCE]
    return statistics.fmean(scores) if scores else None


def min_confidence(words: Sequence[Word]) -> float | None:
    scores = [word.confidence for word in words if word.confidence != NO_CONFIDENCE]
    return min(scores) if scores else None


# --- words → page ----------------------------------------------------------------------------


def page_of(words: Sequence[Word], size: tuple[int, int], page_number: int, dpi: float) -> Page:
    """The page's lines as Tesseract grouped them, top to bottom (``size``: pixels)."""
    scale = POINTS_PER_INCH / dpi
    width, height = size[0] * scale, size[1] * scale
    lines = [
        _line(line_words, page_number, scale, width, height)
        for line_words in _group_lines(words).values()
    ]
    lines.sort(key=lambda line: (line.box.top, line.box.x0) if line.box else (0.0, 0.0))
    return Page(
        number=page_number,
        lines=tuple(lines),
        method="ocr",
        width=width,
        height=height,
        confidence=mean_confidence(words),
    )


def _group_lines(words: Sequence[Word]) -> dict[tuple[int, int, int], list[Word]]:
    """Words by the line Tesseract put them on, in Tesseract's order."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line_key, []).append(word)
    return lines


def _line(
    words: Sequence[Word], page_number: int, scale: float, width: float, height: float
) -> Line:
    """One OCR line: words joined by single spaces, the union of their boxes in points."""
    box = Box(
        x0=_clamp(min(w.box.x0 for w in words) * scale, width),
        top=_clamp(min(w.box.top for w in words) * scale, height),
        x1=_clamp(max(w.box.x1 for w in words) * scale, width),
        bottom=_clamp(max(w.box.bottom for w in words) * scale, height),
    )
    return Line(
        text=" ".join(word.text for word in words),
        page=page_number,
        origin=Origin.OCR,
        box=box,
        size=_font_size(words, scale),
        bold=False,
        confidence=mean_confidence(words),
        min_confidence=min_confidence(words),
    )


def _font_size(words: Sequence[Word], scale: float) -> float:
    """The line's font size in points: the median of what each word's height says (one odd
    word box, a speck joined to a letter, does not sway it). Dashes and dots say nothing."""
    sized = [word for word in words if any(char.isalnum() for char in word.text)] or words
    return statistics.median(word.box.height * scale / _em_share(word.text) for word in sized)


def _em_share(text: str) -> float:
    """The share of the font size that ``text`` spans from its top to its bottom."""
    tall = any(char.isupper() or char in TALL_GLYPHS for char in text)
    deep = any(char in DEEP_GLYPHS for char in text)
    if tall and deep:
        return FULL_EXTENT_EM
    if tall:
        return ASCENDER_EXTENT_EM
    return DESCENDER_EXTENT_EM if deep else X_HEIGHT_EM


def _clamp(value: float, limit: float) -> float:
    """A coordinate kept on the page (a deskewed page's corners reach past its edges)."""
    return min(max(value, 0.0), limit)
