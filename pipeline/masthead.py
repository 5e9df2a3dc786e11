"""The masthead at the top of a document's first page.

An organ's documents open with a masthead: the organ's names on one side; the distribution, the
symbol, the date and the language notes on the other, set in two columns side by side; often the
session and agenda items (in capitals) below; a wide gap closes it above the title. Read line by
line it is neither preamble-shaped nor a title (a column of upper-case agenda items reads like a
heading), and it may hold more paragraphs than a head is looked for among. It is found by its
geometry: rows where two lines stand side by side, above the first body paragraph of the first
page. It reaches down to the first wide gap below its last such row, or to a salutation (without
either, the columns run on into the text and nothing is taken); all of it is preamble, and the
opening (title, salutation) is read from what follows.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from pipeline.models import Box, Paragraph
from pipeline.opening import first_body, is_vocative_paragraph

MIN_COLUMN_ROWS = 2
"""Rows with two lines side by side that make a masthead (one such row is a reference number
beside a date, as a letter has)."""
ROW_OVERLAP = 0.5
"""Two lines stand on one row when they share this part of the lower one's height."""
MASTHEAD_GAP = 2.0
"""A gap of this many line heights below the masthead's last two-column row closes it."""


def side_by_side(a: Box, b: Box) -> bool:
    """Two boxes on one row, apart from each other (two columns, not one line)."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    height = min(a.bottom - a.top, b.bottom - b.top)
    apart = a.x1 <= b.x0 or b.x1 <= a.x0
    return apart and height > 0 and overlap >= ROW_OVERLAP * height


def _first_page_count(paragraphs: Sequence[Paragraph]) -> int:
    """How many leading paragraphs lie wholly on the first page."""
    if not paragraphs or not paragraphs[0].lines:
        return 0
    page = paragraphs[0].lines[0].page
    count = 0
    for paragraph in paragraphs:
        if any(line.page != page for line in paragraph.lines):
            break
        count += 1
    return count


def _column_rows(boxes: list[tuple[int, Box]]) -> tuple[int, int]:
    """(rows with two lines side by side, the last paragraph holding such a line), from the
    head's line boxes with the index of the paragraph each belongs to."""
    left_boxes: set[int] = set()
    last = -1
    for position, (owner, box) in enumerate(boxes):
        for other_owner, other in boxes[position + 1 :]:
            if side_by_side(box, other):
                left_boxes.add(id(box if box.x0 < other.x0 else other))
                last = max(last, owner, other_owner)
    return len(left_boxes), last


def _gap(above: Paragraph, below: Paragraph) -> float:
    """Vertical space between two paragraphs (0 when unknown or ``below`` is not below)."""
    upper, lower = above.lines[-1].box, below.lines[0].box
    if upper is None or lower is None:
        return 0.0
    return lower.top - upper.bottom


def masthead_length(paragraphs: Sequence[Paragraph]) -> int:
    """How many leading paragraphs form a masthead; 0 where there is none (no geometry, no
    body paragraph on the first page, fewer than ``MIN_COLUMN_ROWS`` two-column rows, or neither
    a wide gap nor a salutation between the last of them and the body)."""
    body = first_body(tuple(paragraphs), _first_page_count(paragraphs))
    if not body:
        return 0
    head = paragraphs[:body]
    lines = [(index, line) for index, paragraph in enumerate(head) for line in paragraph.lines]
    boxes = [(index, line.box) for index, line in lines if line.box is not None]
    if len(boxes) < len(lines):
        return 0
    rows, last = _column_rows(boxes)
    if rows < MIN_COLUMN_ROWS:
        return 0
    height = statistics.median(box.bottom - box.top for _, box in boxes)
    for index in range(last + 1, body + 1):
        if _gap(paragraphs[index - 1], paragraphs[index]) >= MASTHEAD_GAP * height:
            return index
        if is_vocative_paragraph(paragraphs[index]):
            return index  # the salutation below a letter's two-column head is no masthead
    return 0  # no gap closes it: columns run on into the text (a page read across its columns)
