"""Page furniture: running headers, footers and page numbers, moved out of the text.

Furniture is found by shape (page-number patterns), by position (the top and bottom zones of a
page, when geometry is known) and by repetition (the same text on several pages). Plain text has
no positions, so there repetition and shape must do; a repeated line must also look like furniture
(no sentence punctuation at its end), so a salutation used twice is never taken for a header.
Nothing is dropped: every removed line becomes a ``Furniture`` item with its page and role.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.config import Config
from pipeline.models import Furniture, FurnitureRole, Line, Page

_DASH = r"[-–—]"
# Labelled and "N of M" forms, longest first: "Page 2 of 3", "Стр. 2", "p. 2", "2/3", "2 из 3".
# After a label, OCR's usual misreadings of digits (l, I, O for 1 and 0) still make a number.
_LABELLED_NUMBER = (
    r"(?:page|p\.|pg\.|стр\.?|страница|с\.)\s*[\dlIO]{1,4}(?:\s*(?:of|из|/)\s*[\dlIO]{1,4})?"
    r"|\d{1,4}\s*(?:/|of|из)\s*\d{1,4}"
)
# A line that is only a page number: the forms above, "2", "- 2 -", "– 2 –".
PAGE_NUMBER = re.compile(
    rf"^(?:{_LABELLED_NUMBER}|{_DASH}?\s*\d{{1,3}}\s*{_DASH}?)$", re.IGNORECASE
)
# A page number glued to a header on one line: "Стр. 2 EEF.DEL/41/23", "PC.DEL/388/24 - 2 -";
# a bare number there needs no dash on either side, a dashed one needs both; it has at most three
# digits, so "Alma Ata, 21 December 1991" keeps its year.
_GLUED_NUMBER = rf"(?:{_LABELLED_NUMBER}|{_DASH}\s*\d{{1,4}}\s*{_DASH}|\d{{1,3}})"
LEADING_PAGE_NUMBER = re.compile(rf"^(?P<pn>{_GLUED_NUMBER})\s+(?P<rest>\S.*)$", re.IGNORECASE)
# The rest is matched lazily so the page number takes its longest form ("Page 3 of 4", not "4").
TRAILING_PAGE_NUMBER = re.compile(rf"^(?P<rest>.*?\S)\s+(?P<pn>{_GLUED_NUMBER})$", re.IGNORECASE)

# A running header ends without sentence punctuation; a line that does is text.
SENTENCE_END = re.compile(r"[,.;:!?…»“”\"')]$")
DIGITS = re.compile(r"\d+")

MAX_HEADER_CHARS = 120
"""Longer lines are paragraphs, never running headers."""
Recurring = Callable[[str, str, float, int], bool]
"""(text, zone, top, page) -> does this text recur as furniture?"""

POSITION_TOLERANCE = 6.0
"""Points: a running header sits at the same height on every page, within this."""


@dataclass(frozen=True, slots=True)
class FurnitureResult:
    pages: tuple[Page, ...]
    furniture: tuple[Furniture, ...]


def is_page_number(text: str) -> bool:
    """True for the usual page-number shapes.

    >>> [is_page_number(t) for t in ["2", "- 2 -", "Page 2 of 3", "Стр. 2", "2023 г.", "A- grade"]]
    [True, True, True, True, False, False]
    """
    return bool(PAGE_NUMBER.match(text.strip()))


def header_key(text: str) -> str:
    """Text with digits folded, so "Page 2" and "Page 3" or "- 2 -" and "- 3 -" compare equal."""
    return DIGITS.sub("#", " ".join(text.split())).casefold()


def looks_like_header(text: str) -> bool:
    """Short, and not ending like a sentence or a salutation."""
    stripped = text.strip()
    return 0 < len(stripped) <= MAX_HEADER_CHARS and not SENTENCE_END.search(stripped)


def split_page_number(text: str) -> tuple[str, str] | None:
    """Split "Стр. 2 EEF.DEL/41/23" into (page number, rest); None when there is no such part."""
    for pattern in (LEADING_PAGE_NUMBER, TRAILING_PAGE_NUMBER):
        match = pattern.match(text.strip())
        if match:
            return match.group("pn"), match.group("rest")
    return None


def in_zone(line: Line, page: Page, zone: float) -> str | None:
    """'top' or 'bottom' when the line sits in that furniture zone of a page with known size."""
    if line.box is None or page.height is None:
        return None
    if line.box.bottom <= page.height * zone:
        return "top"
    if line.box.top >= page.height * (1 - zone):
        return "bottom"
    return None


def _role_for(zone: str | None, default: FurnitureRole) -> FurnitureRole:
    if zone == "top":
        return FurnitureRole.HEADER
    if zone == "bottom":
        return FurnitureRole.FOOTER
    return default


def find_furniture(pages: tuple[Page, ...], config: Config) -> FurnitureResult:
    """Move furniture lines out of the pages; geometry decides when the pages have it."""
    if not config.remove_furniture:
        return FurnitureResult(pages, ())
    has_geometry = any(p.height is not None and any(ln.box for ln in p.lines) for p in pages)
    if has_geometry:
        return _find_by_position(pages, config)
    return _find_by_repetition(pages)


# --- pages with geometry --------------------------------------------------------------------


def _zone_lines(page: Page, zone: float) -> list[tuple[int, str]]:
    """Indices and zone of the outermost lines of a page: the runs at its top and bottom edges."""
    where = [in_zone(line, page, zone) for line in page.lines]
    top = 0
    while top < len(where) and where[top] == "top":
        top += 1
    bottom = len(where)
    while bottom > top and where[bottom - 1] == "bottom":
        bottom -= 1
    return [(i, "top") for i in range(top)] + [(i, "bottom") for i in range(bottom, len(where))]


def _find_by_position(pages: tuple[Page, ...], config: Config) -> FurnitureResult:
    # A running header/footer recurs at the same height on several pages.
    zones = {page.number: dict(_zone_lines(page, config.furniture_zone)) for page in pages}
    positions: Counter[tuple[str, str, int]] = Counter()
    for page in pages:
        seen: set[tuple[str, str, int]] = set()
        for index, zone in zones[page.number].items():
            line = page.lines[index]
            assert line.box is not None
            for part in _header_parts(line.text):
                seen.add((header_key(part), zone, round(line.box.top / POSITION_TOLERANCE)))
        positions.update(seen)
    pages_with: dict[str, set[int]] = {}
    for page in pages:
        for line in page.lines:
            for part in _header_parts(line.text):
                pages_with.setdefault(header_key(part), set()).add(page.number)

    def recurring(text: str, where: str, top: float, page_number: int) -> bool:
        bucket = round(top / POSITION_TOLERANCE)
        key = header_key(text)
        if any(
            positions[(key, where, b)] >= config.furniture_min_repeats
            for b in (bucket - 1, bucket, bucket + 1)
        ):
            return True
        # A two-page statement shows its running header once, on page 2, and the same code
        # in page 1's preamble. The first page is laid out on its own, so only there does an
        # edge line that recurs elsewhere stay text; on later pages it is furniture.
        return page_number > 1 and bool(pages_with.get(key, set()) - {page_number})

    kept_pages: list[Page] = []
    furniture: list[Furniture] = []
    for page in pages:
        kept: list[Line] = []
        for index, line in enumerate(page.lines):
            where = zones[page.number].get(index)
            items: list[Furniture] | None = None
            if where is not None and line.box is not None:
                items = _classify_zone_line(line, where, recurring)
            if items is None:
                kept.append(line)
            else:
                furniture.extend(items)
        kept_pages.append(_with_lines(page, tuple(kept)))
    return FurnitureResult(tuple(kept_pages), tuple(furniture))


def _header_parts(text: str) -> list[str]:
    """The line itself and, for "header + page number" lines, its header part."""
    split = split_page_number(text)
    return [text] if split is None else [text, split[1]]


def _classify_zone_line(line: Line, where: str, recurring: Recurring) -> list[Furniture] | None:
    assert line.box is not None
    text = line.text.strip()
    if is_page_number(text):
        return [Furniture(text, line.page, FurnitureRole.PAGE_NUMBER)]
    role = _role_for(where, FurnitureRole.HEADER)
    # A header glued to its page number is checked first, so the number keeps its own role.
    split = split_page_number(text)
    if split is not None and recurring(split[1], where, line.box.top, line.page):
        number, rest = split
        return [
            Furniture(rest, line.page, role),
            Furniture(number, line.page, FurnitureRole.PAGE_NUMBER),
        ]
    if looks_like_header(text) and recurring(text, where, line.box.top, line.page):
        return [Furniture(text, line.page, role)]
    return None


# --- plain text -----------------------------------------------------------------------------


def _find_by_repetition(pages: tuple[Page, ...]) -> FurnitureResult:
    lines = [line for page in pages for line in page.lines]
    all_lines = Counter(header_key(line.text) for line in lines)
    counts = Counter({key: n for key, n in all_lines.items() if n >= 2})
    # The first occurrence of a repeated line in the document's opening block is the document's
    # own heading (its code in the preamble, say), not a running header: it stays.
    opening = min(OPENING_LINES, len(lines))
    first_seen: set[str] = set()
    kept_pages: list[Page] = []
    furniture: list[Furniture] = []
    position = 0
    for page in pages:
        kept: list[Line] = []
        for line in page.lines:
            items = _classify_plain_line(line, counts, all_lines, first_seen, position < opening)
            position += 1
            if items is None:
                kept.append(line)
            else:
                furniture.extend(items)
        kept_pages.append(_with_lines(page, tuple(kept)))
    return FurnitureResult(tuple(kept_pages), tuple(furniture))


OPENING_LINES = 8
"""Plain text: a repeated line first met within this many lines opens the document."""


def _classify_plain_line(
    line: Line,
    counts: Counter[str],
    all_lines: Counter[str],
    first_seen: set[str],
    in_opening: bool,
) -> list[Furniture] | None:
    text = line.text.strip()
    if is_page_number(text):
        return [Furniture(text, line.page, FurnitureRole.PAGE_NUMBER)]
    key = header_key(text)
    if looks_like_header(text) and counts[key] >= 2:
        first = key not in first_seen
        first_seen.add(key)
        if first and in_opening:
            return None
        return [Furniture(text, line.page, FurnitureRole.HEADER)]
    split = split_page_number(text)
    if split is not None:
        number, rest = split
        # "Стр. 2 EEF.DEL/41/23": a page number glued to a line that stands alone elsewhere
        if looks_like_header(rest) and all_lines[header_key(rest)] >= 1:
            return [
                Furniture(rest, line.page, FurnitureRole.HEADER),
                Furniture(number, line.page, FurnitureRole.PAGE_NUMBER),
            ]
    return None


def _with_lines(page: Page, lines: tuple[Line, ...]) -> Page:
    return replace(page, lines=lines)
