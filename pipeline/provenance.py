"""Where each part of a finished document came from: boxes on its pages, reading method, OCR
confidence, and which paragraph a repair changed.

Pure functions over the model: the lines a paragraph was built from already carry their page,
box, origin and confidence (extraction keeps them), so nothing is measured again here.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pipeline.models import (
    BodyParagraph,
    Box,
    Furniture,
    Line,
    Page,
    Paragraph,
    Region,
    RepairChange,
    RepairRecord,
    Sections,
)

MAX_CHANGES_PER_KIND = 50
"""Changes listed per repair kind; the count still says how many there were in all."""


@dataclass(frozen=True, slots=True)
class PageSpan:
    """A paragraph's part on one page: the union of its lines' boxes there, and how it was read."""

    page: int
    box: Box | None
    method: str


@dataclass(frozen=True, slots=True)
class Provenance:
    spans: tuple[PageSpan, ...]
    confidence_mean: float | None
    confidence_min: float | None


def union_box(boxes: Iterable[Box | None]) -> Box | None:
    """The smallest box holding every given box; None when any is unknown (plain text)."""
    known = list(boxes)
    if not known or any(box is None for box in known):
        return None
    present = [box for box in known if box is not None]
    return Box(
        x0=min(box.x0 for box in present),
        top=min(box.top for box in present),
        x1=max(box.x1 for box in present),
        bottom=max(box.bottom for box in present),
    )


def page_spans(lines: Sequence[Line]) -> tuple[PageSpan, ...]:
    """One span per page the lines are on, in page order."""
    spans = []
    for page in sorted({line.page for line in lines}):
        on_page = [line for line in lines if line.page == page]
        # a page is read one way (text layer, OCR or plain text), so its lines share one origin
        method = on_page[0].origin.value
        spans.append(PageSpan(page, union_box(line.box for line in on_page), method))
    return tuple(spans)


def word_count(line: Line) -> int:
    return max(len(line.text.split()), 1)


def confidence_of(lines: Sequence[Line]) -> tuple[float | None, float | None]:
    """Mean word confidence (lines weighted by their words) and the least confident word's."""
    scored = [line for line in lines if line.confidence is not None]
    if not scored:
        return None, None
    weights = [word_count(line) for line in scored]
    mean = statistics.fmean([line.confidence or 0.0 for line in scored], weights=weights)
    minima = [
        line.min_confidence if line.min_confidence is not None else line.confidence or 0.0
        for line in scored
    ]
    return round(mean, 2), round(min(minima), 2)


def paragraph_provenance(paragraph: BodyParagraph) -> Provenance:
    mean, least = confidence_of(paragraph.lines)
    return Provenance(page_spans(paragraph.lines), mean, least)


# --- other sections and furniture --------------------------------------------------------------


def _pieces(value: str | None) -> set[str]:
    """A section's text and its lines: title parts are joined with a space, closings with \\n."""
    if not value:
        return set()
    return {value, *value.split("\n")}


def locate_regions(paragraphs: Sequence[Paragraph], sections: Sections) -> tuple[Region, ...]:
    """Boxes of the preamble, title, address, closing, signature and back matter, found as the
    paragraphs (outside the body) whose text those sections hold."""
    body_lines = {id(line) for p in sections.body for line in p.lines}
    roles = (
        ("preamble", set(sections.preamble)),
        ("title", _pieces(sections.title)),
        ("address", _pieces(sections.address)),
        ("closing", _pieces(sections.closing)),
        ("signature", _pieces(sections.signature)),
        ("back_matter", set(sections.back_matter)),
    )
    regions: list[Region] = []
    for paragraph in paragraphs:
        if any(id(line) in body_lines for line in paragraph.lines):
            continue
        role = _role_holding(paragraph.text, roles)
        if role is None:
            continue
        for span in page_spans(paragraph.lines):
            regions.append(Region(role, paragraph.text, span.page, span.box))
    return tuple(regions)


def _role_holding(text: str, roles: Sequence[tuple[str, set[str]]]) -> str | None:
    for role, pieces in roles:
        if text in pieces or any(text in piece for piece in pieces):
            return role
    return None


def locate_furniture(
    pages: Sequence[Page], furniture: Sequence[Furniture]
) -> tuple[Furniture, ...]:
    """Furniture with the box of the line it was cut from (a page number split off a header
    line gets that line's box)."""
    located = []
    for item in furniture:
        lines = [
            line
            for page in pages
            if page.number == item.page
            for line in page.lines
            if item.text.strip() and item.text.strip() in line.text
        ]
        box = lines[0].box if lines else None
        located.append(replace(item, box=box) if box is not None else item)
    return tuple(located)


# --- the repair log --------------------------------------------------------------------------


def furniture_changes(furniture: Sequence[Furniture]) -> tuple[RepairChange, ...]:
    """Removed furniture as repair changes: the text before, nothing after."""
    return tuple(RepairChange(before=f.text, after="", page=f.page) for f in furniture)


def place_changes(
    records: Sequence[RepairRecord], body: Sequence[BodyParagraph]
) -> tuple[RepairRecord, ...]:
    """Each change tied to the body paragraph holding its line, and capped per kind."""
    where = {id(line): index for index, p in enumerate(body) for line in p.lines}
    placed = []
    for record in records:
        changes = tuple(
            replace(change, paragraph=where.get(id(change.line)) if change.line else None)
            for change in record.changes[:MAX_CHANGES_PER_KIND]
        )
        placed.append(replace(record, changes=changes))
    return tuple(placed)
