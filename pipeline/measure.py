"""The page's own measures: text edges, line pitch, the measure of plain text.

Every paragraph cue is judged against the document's own statistics, never a fixed number of
points: the usual left edge (the leftmost edge many lines share, so a document of short indented
paragraphs still has its margin), the usual right edge, the usual line pitch per page (a double-
spaced page has its own), and for plain text the measure (the line width at which the lines were
wrapped), found as the width most wrapped lines agree on.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise

from pipeline.lineshape import (
    SIZE_CHANGE,
    ends_sentence,
    first_word,
    reach,
    starts_list_item,
    style_changes,
    text_width,
)
from pipeline.models import Line, Origin

FIRST_LINE_ALLOWANCE = 0.03
"""Plain text: the share of the line width a first line is assumed to lose to its indent when
the document has too few clear paragraph openings to measure it (see measure_first_line_indent);
without it, the first line of an indented paragraph looks short and ends the paragraph."""


@dataclass(frozen=True, slots=True)
class Layout:
    """The document's usual measures, from which each line's shape is judged."""

    left: float  # usual left edge (points), 0 for plain text
    right: float  # usual right edge (points), or the usual full line's width in plain text
    pitch: float | None  # usual top-to-top distance of lines in a paragraph (points)
    line_height: float | None  # usual height of a line's box (points)
    rhythm: int  # usual number of blank lines between lines of a paragraph (plain text)
    first_line_indent: float = 0.0
    """Plain text: the share of the width a paragraph's first line gives up to its indent."""
    page_margins: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    """Per page (left, right), where a page has lines enough to tell: a scanner shifts pages."""
    page_pitches: Mapping[int, float] = field(default_factory=dict)
    """Per page, the usual line pitch where the page has lines enough: a double-spaced page
    in a single-spaced document (a typed memo after a printed cover) has its own."""
    pitch_spread: float = 0.0
    """How much the pitches between the lines of a paragraph vary (median absolute deviation):
    nothing in a text layer, a little with OCR boxes."""
    ragged: float = 0.0
    """Points short of the margin at which a running line may end without ending its paragraph:
    0 for text filled line by line, about a bell zone for typed text (``reflow.ragged``)."""
    unwrapped: bool = False
    """Plain text whose lines were never wrapped (one paragraph per line, as saved from a word
    processor): every line break is a paragraph break."""

    def pitch_on(self, page: int) -> float | None:
        """The usual line pitch on ``page``."""
        return self.page_pitches.get(page, self.pitch)

    def margins(self, line: Line) -> tuple[float, float]:
        """The left and right edge of the text on ``line``'s page."""
        return self.page_margins.get(line.page, (self.left, self.right))

    def width(self, line: Line) -> float:
        left, right = self.margins(line)
        return max(right - left, 1.0)


def measure_layout(lines: list[Line]) -> Layout:
    """Usual left/right edges, line gap and blank-line rhythm of a document's body lines."""
    boxed = [line for line in lines if line.box is not None]
    rhythm = _mode([line.blank_before for line in lines], default=0)
    if not boxed:
        right = plain_measure(lines)
        layout = Layout(
            left=0.0,
            right=right,
            pitch=None,
            line_height=None,
            rhythm=rhythm,
            unwrapped=is_unwrapped(lines),
        )
        return replace(layout, first_line_indent=measure_first_line_indent(lines, layout))
    left, right = _edges(boxed)
    by_page: dict[int, list[Line]] = {}
    for line in boxed:
        by_page.setdefault(line.page, []).append(line)
    page_margins = {
        page: _edges(page_lines)
        for page, page_lines in by_page.items()
        if len(page_lines) >= MIN_LINES_FOR_PAGE_MARGINS
    }
    # Top to top, not bottom to top: a line's bottom moves with its descenders (OCR boxes
    # hug the ink), while nearly every line has a capital or an ascender at the top.
    body_size = _body_size(boxed)
    pitches = [
        (cur.page, cur.box.top - prev.box.top)
        for prev, cur in pairwise(boxed)
        if prev.box
        and cur.box
        and prev.page == cur.page
        and not style_changes(prev, cur)
        and cur.box.top > prev.box.top
        and _in_body_size(cur, body_size)
    ]
    heights = [line.box.height for line in boxed if line.box]
    all_pitches = [pitch for _, pitch in pitches]
    pitch = statistics.median(all_pitches) if all_pitches else None
    page_pitches = {
        page: statistics.median(values)
        for page in by_page
        if len(values := [p for number, p in pitches if number == page])
        >= MIN_LINES_FOR_PAGE_MARGINS
    }
    return Layout(
        left=left,
        right=right,
        pitch=pitch,
        line_height=statistics.median(heights) if heights else None,
        rhythm=rhythm,
        page_margins=page_margins,
        page_pitches=page_pitches,
        pitch_spread=_pitch_spread(pitches, page_pitches, pitch),
    )


UNWRAPPED_MIN_WORDS = 12
"""A line this long would have been wrapped by any renderer: if such lines end their sentence
(almost) every time, nothing wrapped them."""
MAX_RUN_ON_SHARE = 0.1
"""Wrapped text breaks most long lines mid-sentence; unwrapped text almost never does."""


def is_unwrapped(lines: list[Line]) -> bool:
    """Plain text with one paragraph per line: its long lines all end a sentence."""
    long_lines = [line for line in lines if len(line.text.split()) >= UNWRAPPED_MIN_WORDS]
    if len(long_lines) < 2:
        return False
    run_on = sum(1 for line in long_lines if not ends_sentence(line.text))
    return run_on <= MAX_RUN_ON_SHARE * len(long_lines)


def _body_size(lines: list[Line]) -> float | None:
    """The text layer's usual font size; None for OCR, whose sizes are estimates per line."""
    sizes = [
        line.size for line in lines if line.size is not None and line.origin is Origin.TEXT_LAYER
    ]
    return statistics.median(sizes) if sizes else None


def _in_body_size(line: Line, body_size: float | None) -> bool:
    """Set in the body's size: the pitches of smaller preamble lines or a larger title say
    nothing of the body's line spacing (and would hide its paragraph gaps)."""
    if body_size is None or line.size is None or line.origin is not Origin.TEXT_LAYER:
        return True
    return abs(line.size - body_size) < SIZE_CHANGE


def _pitch_spread(
    pitches: list[tuple[int, float]], page_pitches: Mapping[int, float], pitch: float | None
) -> float:
    """Median absolute deviation of the pitches from their page's usual pitch."""
    if pitch is None:
        return 0.0
    return statistics.median(abs(p - page_pitches.get(page, pitch)) for page, p in pitches)


MIN_INDENT_SAMPLES = 3
"""Opening lines needed to measure a document's first-line indent; fewer give the default."""
MAX_FIRST_LINE_INDENT = 0.15
"""No statement indents its paragraphs by more than this share of the line."""
CLEARLY_SHORT = 0.95
"""A sentence-final line this short (with the next word added) ended its paragraph."""


def measure_first_line_indent(lines: list[Line], layout: Layout) -> float:
    """How much shorter a paragraph's first line is than a full one, in this document.

    The lines that certainly open a paragraph (after a clearly short sentence end) and run on
    into the next line show it: in an indented document they stop short of the margin by the
    indent; in a spaced one they reach it. The median of their shortfall is the indent.
    """
    shortfalls = [
        1.0 - reach(opening, following, layout)
        for before, opening, following in zip(lines, lines[1:], lines[2:], strict=False)
        if ends_sentence(before.text)
        and reach(before, opening, layout) < CLEARLY_SHORT
        and not ends_sentence(opening.text)
        and not starts_list_item(opening.text)
    ]
    if len(shortfalls) < MIN_INDENT_SAMPLES:
        return FIRST_LINE_ALLOWANCE
    return min(max(statistics.median(shortfalls), 0.0), MAX_FIRST_LINE_INDENT)


MIN_LINES_FOR_PAGE_MARGINS = 8
"""A page with fewer lines takes the document's margins: a few lines cannot show an edge."""


def _edges(lines: list[Line]) -> tuple[float, float]:
    """The usual left edge (see usual_left_edge) and right edge (a high percentile)."""
    left = usual_left_edge([line.box.x0 for line in lines if line.box])
    right = _percentile([line.box.x1 for line in lines if line.box], 0.9, default=left + 1.0)
    return left, right


EDGE_TOLERANCE = 3.0
"""Points: left edges closer than this are one edge (OCR boxes and justified text jitter)."""
EDGE_SHARE = 0.2
"""Share of a page's lines that must start at an edge for it to be the text's left margin."""
MIN_EDGE_LINES = 2
"""Fewer lines than this never make a margin, whatever their share."""


def usual_left_edge(xs: list[float]) -> float:
    """The leftmost edge that a fair share of the lines start at.

    Not the most common edge: a speech of short indented paragraphs has more first lines than
    other lines, and its margin is still where the wrapped lines start.

    >>> usual_left_edge([122.0, 122.4, 79.1, 122.0, 79.0, 122.1, 300.0])
    79.05
    >>> usual_left_edge([72.0, 72.0, 72.0, 40.0, 108.0])
    72.0
    """
    if not xs:
        return 0.0
    ordered = sorted(xs)
    groups: list[list[float]] = [[ordered[0]]]
    for x in ordered[1:]:
        if x - groups[-1][-1] <= EDGE_TOLERANCE:
            groups[-1].append(x)
        else:
            groups.append([x])
    needed = max(MIN_EDGE_LINES, EDGE_SHARE * len(xs))
    for group in groups:
        if len(group) >= needed:
            return float(statistics.median(group))
    largest: list[float] = max(groups, key=len)
    return float(statistics.median(largest))


def plain_measure(lines: list[Line]) -> float:
    """The width at which plain text was wrapped, in reference-font units.

    A line that runs on into the next was wrapped because the next word did not fit: the
    measure lies between the line's width and its width with that word. The width most such
    intervals agree on is the measure; paragraph ends and indented first lines, which stop
    short of it, are outvoted. The middle of the best-supported stretch absorbs the error of
    measuring in a font that is not the one the text was set in.

    >>> import textwrap
    >>> words = "a measure lies between the line and the line with its next word " * 9
    >>> lines = [Line(t, 1, Origin.PLAIN_TEXT) for t in textwrap.wrap(words, 40)]
    >>> measure = plain_measure(lines)
    >>> sum(text_width(line.text) <= measure for line in lines) / len(lines) > 0.9
    True
    >>> measure < max(text_width(f"{a.text} {b.text.split()[0]}") for a, b in pairwise(lines))
    True
    """
    events: list[tuple[float, int]] = []
    for line, following in pairwise(lines):
        word = first_word(following.text)
        if not line.text or not word or ends_sentence(line.text):
            continue  # a sentence's end may be a paragraph's: only run-on lines vote
        events.append((text_width(line.text), 1))
        events.append((text_width(f"{line.text} {word}"), -1))
    if len(events) < 2 * MIN_MEASURE_LINES:
        # too few lines to agree on anything: the width of the longer lines
        widths = [text_width(line.text) for line in lines if line.text]
        return _percentile(widths, LONG_LINE_SHARE, default=1.0) or 1.0
    events.sort()
    stretches: list[tuple[float, float, int]] = []  # (from, to, how many intervals hold it)
    depth = 0
    for (x, step), (following_x, _) in pairwise(events):
        depth += step
        if following_x > x:
            stretches.append((x, following_x, depth))
    if not stretches:
        return events[0][0] or 1.0
    best = max(depth for _, _, depth in stretches)
    # Indented first lines agree on a shorter measure; in a speech of short paragraphs they
    # can outnumber the wrapped lines. The text's measure is the widest well-supported one.
    strong = [s for s in stretches if s[2] >= MEASURE_SUPPORT * best]
    runs: list[list[tuple[float, float, int]]] = [[strong[0]]]
    for stretch in strong[1:]:
        if stretch[0] == runs[-1][-1][1]:
            runs[-1].append(stretch)
        else:
            runs.append([stretch])
    start, end, _ = max(runs[-1], key=lambda stretch: stretch[2])
    return (start + end) / 2


MIN_MEASURE_LINES = 8
"""Plain text: run-on lines needed to find the measure from wrap intervals."""
LONG_LINE_SHARE = 0.9
"""Plain text with fewer lines: the measure is this percentile of the line widths."""
MEASURE_SUPPORT = 0.5
"""Plain text: a measure held by at least this share of the best-supported one competes."""


def _mode(values: list[int], default: int) -> int:
    return Counter(values).most_common(1)[0][0] if values else default


def _percentile(values: list[float] | list[int], share: float, default: float) -> float:
    if not values:
        return default
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(share * len(ordered)))])
