"""Page furniture: running headers, footers and page numbers, moved out of the text.

Furniture is found by shape and sequence (page numbers, see ``pagenumbers``), by position (the
top and bottom zones of a page, when geometry is known) and by repetition (the same text, digits
masked, at the same place on several pages). Plain text has no positions, so there repetition,
shape and the page rhythm must do. A line of the document's flow is never furniture however
often it repeats: a header does not end like a sentence, and a salutation stays where it is. A
reference code set apart above page 2's text is its header even when it cannot repeat. Nothing
is dropped: every removed line becomes a ``Furniture`` item with its page and role.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.config import Config
from pipeline.formulas import is_salutation
from pipeline.models import Furniture, FurnitureRole, Line, Page
from pipeline.pagenumbers import (
    is_page_number,
    numbered_lines,
    page_label_numbers,
    plain_numbered_lines,
    split_page_number,
)

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


def header_key(text: str) -> str:
    """Text with digits folded, so "Page 2" and "Page 3" or "- 2 -" and "- 3 -" compare equal."""
    return DIGITS.sub("#", " ".join(text.split())).casefold()


def looks_like_header(text: str) -> bool:
    """Short, and not ending like a sentence or a salutation."""
    stripped = text.strip()
    return 0 < len(stripped) <= MAX_HEADER_CHARS and not SENTENCE_END.search(stripped)


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

    numbered = numbered_lines(
        [
            ((page.number, index), zone, numbers)
            for page in pages
            for index, zone in zones[page.number].items()
            if (numbers := page_label_numbers(page.lines[index].text))
        ]
    )
    kept_pages: list[Page] = []
    furniture: list[Furniture] = []
    for page in pages:
        kept: list[Line] = []
        for index, line in enumerate(page.lines):
            where = zones[page.number].get(index)
            items: list[Furniture] | None = None
            if (page.number, index) in numbered:
                items = [Furniture(line.text.strip(), page.number, FurnitureRole.PAGE_NUMBER)]
            elif where is not None and line.box is not None:
                items = _classify_zone_line(line, where, recurring)
                if items is None and where == "top" and is_code_header(page, index):
                    items = [Furniture(line.text.strip(), page.number, FurnitureRole.HEADER)]
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
    if (
        looks_like_header(text)
        and not in_flow(text)
        and recurring(text, where, line.box.top, line.page)
    ):
        return [Furniture(text, line.page, role)]
    return None


def in_flow(text: str) -> bool:
    """A line of the document's own flow however often it repeats: a salutation.

    >>> in_flow("Excellencies"), in_flow("Уважаемые коллеги"), in_flow("PC.DEL/1187/23")
    (True, True, False)
    """
    return is_salutation(text, require_cue=True) or is_salutation(text + ",", require_cue=True)


DOCUMENT_CODE = re.compile(r"\w[./]\d|\d[./]\w")
"""A reference or document code: "Ref.: 05/311", "PC.DEL/388/24", "A/79/123"."""
HEADER_GAP = 1.0
"""A header stands apart from the text below it by more than this many of its line heights."""


def is_code_header(page: Page, index: int) -> bool:
    """The first line of a later page: a code standing apart above the text, not a sentence.

    A two-page statement prints its reference code once, at the top of page 2: it cannot
    repeat, but a code set apart above the text that continues from page 1 is the header.
    """
    if page.number < 2 or index != 0 or len(page.lines) < 2:
        return False
    line, below = page.lines[0], page.lines[1]
    text = line.text.strip()
    if line.box is None or below.box is None or not looks_like_header(text):
        return False
    if not DOCUMENT_CODE.search(text) or len(text.split()) > MAX_CODE_WORDS:
        return False
    return below.box.top - line.box.bottom > HEADER_GAP * line.box.height


MAX_CODE_WORDS = 4
"""A reference code line holds at most this many words ("Ref.: 05/311", "Our ref. 12/3")."""


# --- plain text -----------------------------------------------------------------------------


def _find_by_repetition(pages: tuple[Page, ...]) -> FurnitureResult:
    lines = [line for page in pages for line in page.lines]
    all_lines = Counter(header_key(line.text) for line in lines)
    counts = Counter({key: n for key, n in all_lines.items() if n >= 2})
    # The first occurrence of a repeated line in the document's opening block is the document's
    # own heading (its code in the preamble, say), not a running header: it stays.
    opening = min(OPENING_LINES, len(lines))
    first_seen: set[str] = set()
    numbered = plain_numbered_lines(pages)
    kept_pages: list[Page] = []
    furniture: list[Furniture] = []
    position = 0
    for page in pages:
        kept: list[Line] = []
        for index, line in enumerate(page.lines):
            if (page.number, index) in numbered and not in_flow(line.text):
                furniture.append(
                    Furniture(line.text.strip(), page.number, FurnitureRole.PAGE_NUMBER)
                )
                position += 1
                continue
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
