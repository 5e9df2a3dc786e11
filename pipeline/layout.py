"""Reading order from the page's own geometry: columns are read one after the other.

A page set in columns has vertical gutters: bands of x that no text crosses except a few
full-width blocks (a title, a header). They are found from the boxes of the page's words or
lines (how many boxes cover each point of x), never from the words themselves. Lines are then
read band by band: between two full-width lines, every line of the first column top to bottom,
then the second; full-width lines stay where they are. A page without a gutter keeps its order.

Used on text layers (extraction splits a row of words at a gutter, so the two columns' pieces of
one row become two lines) and on OCR pages alike, before the shared stages.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.models import Box, Line, Page

BIN_POINTS = 1.0
"""Width of the x bins in which box coverage is counted (points)."""
MIN_GUTTER_EM = 1.0
"""A gutter is at least this many line heights wide: word gaps, even justified ones, are
narrower, and they move from row to row, so they never leave a band of x empty."""
ROW_TOLERANCE_EM = 0.5
"""Boxes whose tops differ by at most this many line heights sit on one row."""
MAX_SPANNING_SHARE = 0.2
"""A gutter may be crossed by at most this share of the page's most covered x (full-width
title and header lines cross it; in a single-column page body lines cover every x)."""
MIN_COLUMN_BOXES = 3
"""Each side of a gutter holds at least this many boxes entirely on that side."""
MIN_SIDE_BY_SIDE_ROWS = 3
"""...and the two sides overlap vertically by at least this many line heights: a letterhead
at the left over a date at the right is not two columns."""


@dataclass(frozen=True, slots=True)
class Gutter:
    """A vertical band of white space between two columns (points)."""

    x0: float
    x1: float


def find_gutters(boxes: Sequence[Box]) -> tuple[Gutter, ...]:
    """The gutters between columns of a page's word or line boxes, left to right."""
    if len(boxes) < 2 * MIN_COLUMN_BOXES:
        return ()
    line_height = statistics.median(box.height for box in boxes)
    if line_height <= 0:
        return ()
    boxes = row_segments(boxes, line_height)
    left = min(box.x0 for box in boxes)
    coverage = _coverage(boxes, left)
    ceiling = MAX_SPANNING_SHARE * max(coverage)
    gutters = []
    for run in _low_runs(coverage, ceiling):
        start, end = _clearest(coverage, run)
        gutter = Gutter(left + start * BIN_POINTS, left + end * BIN_POINTS)
        if gutter.x1 - gutter.x0 >= MIN_GUTTER_EM * line_height and _separates_columns(
            boxes, gutter, line_height
        ):
            gutters.append(gutter)
    return tuple(gutters)


def row_segments(boxes: Sequence[Box], line_height: float) -> list[Box]:
    """Boxes on one row joined where they are closer than a gutter could be: words become the
    pieces of text a row holds (a title row one piece, a row of two columns two), so that the
    gaps between a title's words do not pass for a gutter."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.top):
        if rows and box.top - rows[-1][0].top <= ROW_TOLERANCE_EM * line_height:
            rows[-1].append(box)
        else:
            rows.append([box])
    segments = []
    for row in rows:
        row.sort(key=lambda b: b.x0)
        current = row[0]
        for box in row[1:]:
            if box.x0 - current.x1 < MIN_GUTTER_EM * line_height:
                current = Box(
                    current.x0,
                    min(current.top, box.top),
                    max(current.x1, box.x1),
                    max(current.bottom, box.bottom),
                )
            else:
                segments.append(current)
                current = box
        segments.append(current)
    return segments


def _coverage(boxes: Sequence[Box], left: float) -> list[int]:
    """How many boxes cover each x bin from ``left`` to the rightmost box's edge."""
    right = max(box.x1 for box in boxes)
    counts = [0] * (math.ceil((right - left) / BIN_POINTS) + 1)
    for box in boxes:
        first = int((box.x0 - left) / BIN_POINTS)
        last = int((box.x1 - left) / BIN_POINTS)
        for index in range(first, last + 1):
            counts[index] += 1
    return counts


def _low_runs(coverage: Sequence[int], ceiling: float) -> list[tuple[int, int]]:
    """Maximal runs of bins covered at most ``ceiling`` times, inside the covered range."""
    runs = []
    start: int | None = None
    for index, count in enumerate(coverage):
        if count <= ceiling and start is None:
            start = index
        elif count > ceiling and start is not None:
            if start > 0:  # a run touching the left edge is a margin, not a gutter
                runs.append((start, index))
            start = None
    return runs  # a run still open at the end touches the right edge: a margin


def _clearest(coverage: Sequence[int], run: tuple[int, int]) -> tuple[int, int]:
    """The run without its edges that are covered more than its clearest bins: the ragged ends
    of a column's lines reach into the white space, a gutter is only what none of them cross."""
    start, end = run
    lowest = min(coverage[start:end])
    while coverage[start] > lowest:
        start += 1
    while coverage[end - 1] > lowest:
        end -= 1
    return start, end


def _separates_columns(boxes: Sequence[Box], gutter: Gutter, line_height: float) -> bool:
    """Enough boxes on each side, and the two sides side by side rather than one above the
    other."""
    left = [box for box in boxes if box.x1 <= gutter.x0]
    right = [box for box in boxes if box.x0 >= gutter.x1]
    if len(left) < MIN_COLUMN_BOXES or len(right) < MIN_COLUMN_BOXES:
        return False
    overlap = min(max(b.bottom for b in left), max(b.bottom for b in right)) - max(
        min(b.top for b in left), min(b.top for b in right)
    )
    return overlap >= MIN_SIDE_BY_SIDE_ROWS * line_height


def column_of(box: Box, gutters: Sequence[Gutter]) -> int | None:
    """The column a box sits in (0 is the leftmost), or None when it crosses a gutter."""
    column = 0
    for gutter in gutters:
        if box.x1 <= gutter.x0:
            return column
        if box.x0 < gutter.x1:
            return None
        column += 1
    return column


def reading_order(lines: Sequence[Line], gutters: Sequence[Gutter]) -> list[Line]:
    """Lines column by column between full-width lines, which keep their place."""
    if not gutters or any(line.box is None for line in lines):
        return list(lines)
    ordered: list[Line] = []
    band: list[tuple[int, Line]] = []
    for line in sorted(lines, key=_position):
        assert line.box is not None
        column = column_of(line.box, gutters)
        if column is None:
            ordered.extend(_read_band(band))
            band = []
            ordered.append(line)
        else:
            band.append((column, line))
    ordered.extend(_read_band(band))
    return ordered


def _position(line: Line) -> tuple[float, float]:
    assert line.box is not None
    return line.box.top, line.box.x0


def _read_band(band: Sequence[tuple[int, Line]]) -> list[Line]:
    return [line for _column, line in sorted(band, key=lambda item: (item[0], *_position(item[1])))]


def order_page(page: Page) -> Page:
    """The page with its lines in reading order (unchanged when it has no columns)."""
    boxes = [line.box for line in page.lines if line.box is not None]
    if len(boxes) != len(page.lines):
        return page
    gutters = find_gutters(boxes)
    if not gutters:
        return page
    return replace(page, lines=tuple(reading_order(page.lines, gutters)))
