"""Small builders of ``Line``/``Page`` values for the paragraph-stage tests.

Geometry imitates an A4 text layer: pages 842 points high, a 12-point font whose letters are
``CHAR_WIDTH`` wide on average, a left margin at ``LEFT`` and lines ``PITCH`` points apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from pipeline.models import Box, Line, Origin, Page

PAGE_HEIGHT = 842.0
PAGE_WIDTH = 595.0
LEFT = 72.0
RIGHT = 523.0  # a full line ends here
CHAR_WIDTH = 6.0
FONT_SIZE = 12.0
LINE_HEIGHT = 12.0
PITCH = 16.0  # top-to-top distance of two lines of one paragraph
BODY_TOP = 120.0  # first body line, below the top furniture zone (12 % of 842 = 101)


def make_line(
    text: str,
    page: int = 1,
    box: Box | None = None,
    *,
    size: float | None = None,
    bold: bool = False,
    blank_before: int = 0,
) -> Line:
    """A text-layer line when ``box`` is given, a plain-text line otherwise."""
    origin = Origin.PLAIN_TEXT if box is None else Origin.TEXT_LAYER
    return Line(
        text=text,
        page=page,
        origin=origin,
        box=box,
        size=size,
        bold=bold,
        blank_before=blank_before,
    )


def boxed(
    text: str,
    top: float,
    page: int = 1,
    *,
    x0: float = LEFT,
    x1: float | None = None,
    size: float = FONT_SIZE,
    bold: bool = False,
) -> Line:
    """A text-layer line at ``top``; its right edge follows from its length unless given."""
    right = x0 + CHAR_WIDTH * len(text) if x1 is None else x1
    box = Box(x0=x0, top=top, x1=right, bottom=top + LINE_HEIGHT * size / FONT_SIZE)
    return make_line(text, page, box, size=size, bold=bold)


def full(text: str, top: float, page: int = 1, *, x0: float = LEFT) -> Line:
    """A justified line reaching the right margin, as the inner lines of a paragraph do."""
    return boxed(text, top, page, x0=x0, x1=RIGHT)


def stacked(texts: Iterable[str], page: int = 1, *, top: float = BODY_TOP) -> list[Line]:
    """Full-width lines one pitch apart, starting at ``top``."""
    return [full(text, top + PITCH * i, page) for i, text in enumerate(texts)]


def make_page(number: int, lines: Iterable[Line], *, geometry: bool = True) -> Page:
    """A page holding ``lines``; with geometry it is an A4 text-layer page."""
    if geometry:
        return Page(
            number=number,
            lines=tuple(lines),
            method="text",
            width=PAGE_WIDTH,
            height=PAGE_HEIGHT,
        )
    return Page(number=number, lines=tuple(lines), method="plain")


def plain_pages(*pages: list[str]) -> tuple[Page, ...]:
    """Plain-text pages from lists of lines; "" entries become blank lines before the next."""
    result = []
    for number, texts in enumerate(pages, start=1):
        lines: list[Line] = []
        blanks = 0
        for text in texts:
            if not text.strip():
                blanks += 1
                continue
            lines.append(make_line(text, number, blank_before=blanks))
            blanks = 0
        result.append(make_page(number, lines, geometry=False))
    return tuple(result)


CASES = Path(__file__).parent / "cases"


def load_cases(stage: str, name: str) -> list[Any]:
    """``tests/cases/<stage>/<name>.json`` as pytest params; a case with an "xfail" key names a
    known bug and is expected to fail (strictly: fixing the bug turns the case red)."""
    path = CASES / stage / f"{name}.json"
    params = []
    for case in json.loads(path.read_text(encoding="utf-8")):
        marks = []
        if "xfail" in case:
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        params.append(
            pytest.param(
                case["input"], case["expected"], id=f"{name}: {case['label']}", marks=marks
            )
        )
    return params
