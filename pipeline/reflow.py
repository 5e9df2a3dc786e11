"""Lines → paragraphs: unwrap broken lines, undo line-end hyphenation, join across pages.

A paragraph break is decided from layout first: a change of font size or weight, a larger
vertical gap than the page's own line pitch, an indented first line, a centred line, and above
all a line that stops short although the next word would have fitted. Plain text has no boxes,
so its lines are measured as if set in a reference proportional font against the document's own
measure (see ``measure``), and its blank-line rhythm stands in for vertical gaps. One code path
serves text layers, OCR and plain text: only ``LineShape`` knows how a line is measured.
Hyphen decisions live in ``dehyphenate``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise

from pipeline.config import Config
from pipeline.dehyphenate import HyphenEvidence, ends_with_hyphen, join_lines
from pipeline.formulas import is_closing, is_salutation
from pipeline.lineshape import (
    ends_sentence,
    fill,
    first_word,
    is_centred,
    is_indented,
    next_word_would_fit,
    reach,
    starts_list_item,
    style_changes,
)
from pipeline.measure import Layout, measure_layout
from pipeline.models import Line, Origin, Paragraph, RepairChange, RepairRecord

SHORT_WITHOUT_PUNCT = 0.6
"""Plain text: a line shorter than this share of the usual full line ends a paragraph even
without final punctuation (salutations, preamble lines)."""
SHORT_BEFORE_CAPITAL = 0.9
"""Plain text: a line without final punctuation this short, followed by a capital, is a heading:
running text only breaks a line short of the margin at a paragraph's end."""
CLOSING_WINDOW = 4
"""A closing formula starts within this many lines of the end of the document."""


# --- the break decision ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What the break decision knows beyond the two lines themselves."""

    prev_opens_paragraph: bool = False  # prev is the first line of its paragraph
    lines_left: int = 1_000  # lines after cur in the document
    next_line: Line | None = None  # the line after cur
    in_list_item: bool = False  # prev belongs to a paragraph that opened with a list marker
    hyphens: HyphenEvidence = field(default_factory=lambda: HyphenEvidence(Counter()))
    """How the document writes its words, to tell a split word from a compound at a line end."""


def starts_paragraph(
    prev: Line, cur: Line, layout: Layout, config: Config, context: Context = Context()
) -> bool:
    """Does ``cur`` begin a new paragraph after ``prev``?"""
    if starts_list_item(cur.text):
        return True
    if ends_with_hyphen(prev.text):
        return False
    if is_salutation(cur.text, require_cue=True) and fill(cur, layout) < SALUTATION_MAX_FILL:
        return True  # a salutation stands alone on its line, whatever came before it
    if ends_sentence(prev.text) and opens_closing(cur.text, context):
        return True
    if cur.box is None or prev.box is None:
        return _starts_paragraph_plain(prev, cur, layout, config, context)
    return _starts_paragraph_boxed(prev, cur, layout, config)


def opens_closing(text: str, context: Context) -> bool:
    """A closing formula near the end of the document."""
    return context.lines_left < CLOSING_WINDOW and is_closing(text)


SALUTATION_MAX_FILL = 0.8
"""A salutation line stops well short of the margin; a full line is running text."""


def _starts_paragraph_plain(
    prev: Line, cur: Line, layout: Layout, config: Config, context: Context
) -> bool:
    if cur.blank_before > layout.rhythm or layout.unwrapped:
        return True
    allowance = layout.first_line_indent if context.prev_opens_paragraph else 0.0
    extent = reach(prev, cur, layout) + allowance
    if ends_sentence(prev.text):
        if extent < 1.0:
            return True
        if context.in_list_item and cur.text[:1].isupper():
            return True  # a list item ends with its sentence; the text after it is new
        # The last line reached the margin: the only trace left of a new paragraph is its
        # indented first line, which stops short although it ends no sentence.
        following = context.next_line
        return following is not None and is_indented_opening(
            cur, following, layout, config, context.hyphens
        )
    if cur.text[:1].isupper():
        return extent < SHORT_BEFORE_CAPITAL
    return extent < SHORT_WITHOUT_PUNCT


INDENT_SIGNAL = 1.0
"""Plain text: a line running on into the next that stops short of the measure (the next word,
or the rest of its hyphenated word, would have fitted) was shortened by a first-line indent."""


def is_indented_opening(
    line: Line, following: Line, layout: Layout, config: Config, hyphens: HyphenEvidence
) -> bool:
    """A line that runs on into ``following`` although the measure had room for more."""
    if ends_sentence(line.text) or following.blank_before > layout.rhythm:
        return False
    if ends_with_hyphen(line.text):
        joined, repair = join_lines(line.text, first_word(following.text), hyphens, config)
        if repair == "hyphen_kept":
            return False  # a compound may break at its own hyphen anywhere near the line's end
        # a word split although it would have fitted whole: the line was shortened
        return fill(replace(line, text=joined), layout) < INDENT_SIGNAL
    return reach(line, following, layout) < INDENT_SIGNAL


def _starts_paragraph_boxed(prev: Line, cur: Line, layout: Layout, config: Config) -> bool:
    assert prev.box is not None
    assert cur.box is not None
    same_page = prev.page == cur.page
    if style_changes(prev, cur):
        return True
    if same_page and has_paragraph_gap(prev, cur, layout, config):
        return True
    if is_centred(prev, layout, config) and is_centred(cur, layout, config):
        return False  # a centred heading wrapped over two lines
    if is_indented(cur, layout, config):
        return True
    return next_word_would_fit(prev, cur, layout)


GAP_SPREAD = 4.0
"""A paragraph gap exceeds the page's pitch by this many times the pitches' own variation."""
OCR_MIN_PARAGRAPH_GAP = 0.35
"""OCR boxes hug the ink: a line without ascenders (common in Cyrillic lower case) starts lower,
one without descenders ends higher, so an OCR gap must exceed this share of a line's height."""


def has_paragraph_gap(prev: Line, cur: Line, layout: Layout, config: Config) -> bool:
    """``cur`` sits lower below ``prev`` than the lines of a paragraph on this page do."""
    pitch = layout.pitch_on(cur.page)
    if pitch is None or layout.line_height is None or prev.box is None or cur.box is None:
        return False
    # a gap moves both edges of the line; an ink box's top or bottom alone moves with its letters
    step = min(cur.box.top - prev.box.top, cur.box.bottom - prev.box.bottom)
    height = max(prev.box.height, layout.line_height)
    share = OCR_MIN_PARAGRAPH_GAP if Origin.OCR in (prev.origin, cur.origin) else None
    floor = (share if share is not None else config.min_paragraph_gap) * height
    return step - pitch > max(floor, GAP_SPREAD * layout.pitch_spread)


MIN_RAGGED_LINES = 2
"""Running lines that stopped short although the next word had room, needed before a document
counts as typed: a typist breaks a line when the bell rings, not when the next word will not
fit. Text filled line by line has none, or one where a word's width was misjudged..."""
MIN_RAGGED_SHARE = 0.1
"""...and this share of its running lines at least."""
MAX_RAGGED_SHARE = 0.25
"""A running typed line ends no earlier than this share of the line short of the margin: a
bell zone of 8 of 65 typewriter characters, and the long word that did not fit before it."""


def ragged(lines: list[Line], layout: Layout, config: Config) -> float:
    """Points short of the margin at which this document's running lines may end: 0 for text
    filled line by line; for typed text (several running lines stopped short although the next
    word had room) the earliest end of a running line.

    A running line is one that certainly continues into the next: it reaches into the widest
    bell zone, ends no sentence and no word, and the next line starts in lower case at the margin.
    """
    running = [
        (prev, cur)
        for prev, cur in pairwise(lines)
        if prev.box is not None
        and cur.box is not None
        and prev.page == cur.page
        and fill(prev, layout) >= 1.0 - MAX_RAGGED_SHARE
        and cur.text[:1].islower()
        and not ends_sentence(prev.text)
        and not ends_with_hyphen(prev.text)
        and not is_indented(cur, layout, config)
        and not starts_list_item(cur.text)
    ]
    stopped_short = sum(reach(prev, cur, layout) < 1.0 for prev, cur in running)
    if stopped_short < max(MIN_RAGGED_LINES, MIN_RAGGED_SHARE * len(running)):
        return 0.0
    return max((1.0 - fill(prev, layout)) * layout.width(prev) for prev, _ in running)


def build_paragraphs(
    lines: list[Line], config: Config
) -> tuple[tuple[Paragraph, ...], tuple[RepairRecord, ...]]:
    """Group body lines into paragraphs and join each paragraph's lines into one text."""
    if not lines:
        return (), ()
    layout = measure_layout(lines)
    layout = replace(layout, ragged=ragged(lines, layout, config))
    evidence = HyphenEvidence.from_lines(lines)
    groups: list[list[Line]] = [[lines[0]]]
    for index, (prev, cur) in enumerate(pairwise(lines)):
        context = Context(
            prev_opens_paragraph=len(groups[-1]) == 1,
            lines_left=len(lines) - index - 2,
            next_line=lines[index + 2] if index + 2 < len(lines) else None,
            in_list_item=starts_list_item(groups[-1][0].text),
            hyphens=evidence,
        )
        if starts_paragraph(prev, cur, layout, config, context):
            groups.append([cur])
        else:
            groups[-1].append(cur)
    repairs: dict[str, list[RepairChange]] = {}
    paragraphs = []
    for group in groups:
        text = group[0].text.strip()
        for line in group[1:]:
            before = text
            text, repair = join_lines(text, line.text, evidence, config)
            if repair is not None:
                repairs.setdefault(repair, []).append(hyphen_change(before, line, text))
        paragraphs.append(Paragraph(text=text.strip(), lines=tuple(group)))
    records = (RepairRecord(k, len(v), tuple(v)) for k, v in sorted(repairs.items()))
    return tuple(paragraphs), tuple(records)


def hyphen_change(before: str, line: Line, joined: str) -> RepairChange:
    """The words around a line-end hyphen, as printed ("взаимо-\nдействия") and as joined."""
    left = (before.split() or [""])[-1]
    right = (line.text.split() or [""])[0]
    after = (joined[len(before.rstrip()) - len(left) :].split() or [""])[0]
    return RepairChange(f"{left}\n{right}", after, page=line.page, line=line)
