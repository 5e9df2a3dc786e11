"""Lines → paragraphs: unwrap broken lines, undo line-end hyphenation, join across pages.

A paragraph break is decided from layout first: a change of font size or weight, a larger
vertical gap, an indented first line, a centred or right-aligned line, and above all a line that
stops short although the next word would have fitted. Plain text has no boxes, so its lines are
measured as if set in a reference proportional font, its first-line indent is measured from the
lines that clearly open paragraphs, and its blank-line rhythm stands in for vertical gaps. One
code path serves text layers, OCR and plain text: only ``LineShape`` knows how a line is measured.

Dehyphenation joins "взаимо-" + "действия" only on evidence (the document's own usage, then the
wordfreq lexicon); when unsure the hyphen stays, because a wrong join cannot be undone and a
missed one can.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from PIL import ImageFont

from pipeline.config import Config
from pipeline.cues import CUES
from pipeline.formulas import is_closing, is_salutation
from pipeline.lexicon import WORD, zipf
from pipeline.models import Line, Origin, Paragraph, RepairChange, RepairRecord

SOFT_HYPHEN = "\u00ad"
LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-$")
SENTENCE_END = re.compile(r"[.!?…:;]['\"»”’)]*$")
LEADING_LETTERS = re.compile(r"^[^\W\d_]+")
TRAILING_WORD = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$")

FIT_SLACK = 0.8
"""The next word 'would have fitted' when it needs less than this share of its estimated width:
letters differ in width, so the estimate from a line's average is generous on purpose."""
SHORT_WITHOUT_PUNCT = 0.6
"""Plain text: a line shorter than this share of the usual full line ends a paragraph even
without final punctuation (salutations, preamble lines)."""
SHORT_BEFORE_CAPITAL = 0.9
"""Plain text: a line without final punctuation this short, followed by a capital, is a heading:
running text only breaks a line short of the margin at a paragraph's end."""
FIRST_LINE_ALLOWANCE = 0.03
"""Plain text: the share of the line width a first line is assumed to lose to its indent when
the document has too few clear paragraph openings to measure it (see measure_first_line_indent);
without it, the first line of an indented paragraph looks short and ends the paragraph."""
CLOSING_WINDOW = 4
"""A closing formula starts within this many lines of the end of the document."""
SIZE_CHANGE = 0.6
"""Points of font-size difference that separate a heading from text."""
CENTRE_TOLERANCE = 0.04
"""Share of the text width within which a line counts as centred."""


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
        widths = [text_width(line.text) for line in lines if line.text]
        right = _percentile(widths, 0.9, default=1.0)
        layout = Layout(left=0.0, right=right, pitch=None, line_height=None, rhythm=rhythm)
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
    pitches = [
        cur.box.top - prev.box.top
        for prev, cur in pairwise(boxed)
        if prev.box
        and cur.box
        and prev.page == cur.page
        and not _style_changes(prev, cur)
        and cur.box.top > prev.box.top
    ]
    heights = [line.box.height for line in boxed if line.box]
    return Layout(
        left=left,
        right=right,
        pitch=statistics.median(pitches) if pitches else None,
        line_height=statistics.median(heights) if heights else None,
        rhythm=rhythm,
        page_margins=page_margins,
    )


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
    """The usual left edge (most common) and right edge (a high percentile) of boxed lines."""
    left = _mode([round(line.box.x0) for line in lines if line.box], default=0)
    right = _percentile([line.box.x1 for line in lines if line.box], 0.9, default=left + 1.0)
    return float(left), right


def _mode(values: list[int], default: int) -> int:
    return Counter(values).most_common(1)[0][0] if values else default


def _percentile(values: list[float] | list[int], share: float, default: float) -> float:
    if not values:
        return default
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(share * len(ordered)))])


# --- the shape of a line ---------------------------------------------------------------------

REFERENCE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
"""Plain text is measured as if set in this proportional font: letters differ in width ("ш" is
three "i"), so a character count misjudges which lines reach the margin."""
REFERENCE_SIZE = 100


@lru_cache(maxsize=1)
def _reference_font() -> ImageFont.FreeTypeFont | None:
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
    char_width: float

    plain: bool = False

    @classmethod
    def of(cls, line: Line) -> LineShape:
        if line.box is None:
            width = text_width(line.text)
            return cls(0.0, width, width / max(len(line.text), 1), plain=True)
        return cls(
            start=line.box.x0,
            end=line.box.x1,
            char_width=line.box.width / max(len(line.text), 1),
        )

    def room_for(self, word: str) -> float:
        """The width the next word (and its space) needs at this line's end."""
        if self.plain:
            return text_width(" " + word)
        return (len(word) + 1) * self.char_width * FIT_SLACK


def first_word(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[0] if parts else ""


def next_word_would_fit(prev: Line, cur: Line, layout: Layout) -> bool:
    """True when the previous line stopped short: the next word had room at its end."""
    return reach(prev, cur, layout) < 1.0


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
    if line.box is None or not is_indented(line, layout, config):
        return False
    left, right = layout.margins(line)
    return abs(line.box.center - (left + right) / 2) <= CENTRE_TOLERANCE * layout.width(line)


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text.rstrip()))


def ends_with_hyphen(text: str) -> bool:
    stripped = text.rstrip()
    return stripped.endswith(SOFT_HYPHEN) or bool(LINE_END_HYPHEN.search(stripped))


def starts_list_item(text: str) -> bool:
    return any(re.match(pattern, text) for pattern in CUES.list_markers)


# --- the break decision ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What the break decision knows beyond the two lines themselves."""

    prev_opens_paragraph: bool = False  # prev is the first line of its paragraph
    lines_left: int = 1_000  # lines after cur in the document
    next_line: Line | None = None  # the line after cur
    in_list_item: bool = False  # prev belongs to a paragraph that opened with a list marker


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
    if cur.blank_before > layout.rhythm:
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
        return context.next_line is not None and is_indented_opening(cur, context.next_line, layout)
    if cur.text[:1].isupper():
        return extent < SHORT_BEFORE_CAPITAL
    return extent < SHORT_WITHOUT_PUNCT


INDENT_SIGNAL = 0.95
"""Plain text: a line running on into the next that reaches less than this share of the margin
(with the next word added) was shortened by a first-line indent."""


def is_indented_opening(line: Line, following: Line, layout: Layout) -> bool:
    if (
        ends_sentence(line.text)
        or ends_with_hyphen(line.text)
        or following.blank_before > layout.rhythm
    ):
        return False
    return reach(line, following, layout) < INDENT_SIGNAL


def _starts_paragraph_boxed(prev: Line, cur: Line, layout: Layout, config: Config) -> bool:
    assert prev.box is not None
    assert cur.box is not None
    same_page = prev.page == cur.page
    if _style_changes(prev, cur):
        return True
    if same_page and layout.pitch is not None and layout.line_height is not None:
        extra = (cur.box.top - prev.box.top) - layout.pitch
        if extra > max(config.gap_ratio - 1, 0) * max(prev.box.height, layout.line_height):
            return True
    if is_centred(prev, layout, config) and is_centred(cur, layout, config):
        return False  # a centred heading wrapped over two lines
    if is_indented(cur, layout, config):
        return True
    return next_word_would_fit(prev, cur, layout)


def _style_changes(prev: Line, cur: Line) -> bool:
    if prev.bold != cur.bold:
        return True
    if prev.size is None or cur.size is None or Origin.OCR in (prev.origin, cur.origin):
        # OCR sizes are estimated from box heights, which swing with the letters a line
        # holds (a short line of x-height letters looks a third smaller): pitch decides.
        return False
    return abs(prev.size - cur.size) > SIZE_CHANGE


# --- joining lines ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HyphenEvidence:
    """How often the document itself writes a word joined and hyphenated (mid-line)."""

    counts: Counter[str]

    @classmethod
    def from_lines(cls, lines: list[Line]) -> HyphenEvidence:
        counts: Counter[str] = Counter()
        for line in lines:
            words = WORD.findall(line.text.replace(SOFT_HYPHEN, ""))
            # the last word of a hyphen-ended line is only half a word
            if ends_with_hyphen(line.text) and words:
                words = words[:-1]
            counts.update(word.casefold() for word in words)
        return cls(counts)

    def prefers(self, joined: str, hyphenated: str) -> str | None:
        j, h = self.counts[joined.casefold()], self.counts[hyphenated.casefold()]
        if j == h:
            return None
        return "joined" if j > h else "hyphenated"


def keeps_hyphen(left: str, right: str, evidence: HyphenEvidence, config: Config) -> bool:
    """Decide "left-" + "right": True keeps the hyphen (a compound), False joins the halves.

    >>> e = HyphenEvidence(Counter())
    >>> keeps_hyphen("взаимо", "действия", e, Config()), keeps_hyphen("Нью", "Йорке", e, Config())
    (False, True)
    >>> keeps_hyphen("российско", "казахстанские", e, Config())
    True
    """
    if right[:1].isupper():
        return True  # "Нью-Йорк", "Politico-Military": a capital never continues a word
    if right.casefold() in CUES.hyphen_particles or left.casefold() in CUES.hyphen_prefixes:
        return True
    preferred = evidence.prefers(left + right, f"{left}-{right}")
    if preferred is not None:
        return preferred == "hyphenated"
    joined = zipf(left + right)
    if joined < config.hyphen_min_zipf:
        return True  # unknown as one word: when unsure, keep the hyphen
    if WORD.fullmatch(right) and _is_latin(right):
        # English writes many compounds both ways; wordfreq scores the hyphenated form from
        # its parts, which is a fair estimate of how often the pair is written hyphenated.
        return zipf(f"{left}-{right}") > joined
    return False


def _is_latin(word: str) -> bool:
    return all(ch.isascii() for ch in word)


def join_lines(
    prev: str, cur: str, evidence: HyphenEvidence, config: Config
) -> tuple[str, str | None]:
    """Join two wrapped lines; the second value names the hyphen repair made, if any."""
    prev, cur = prev.rstrip(), cur.lstrip()
    if prev.endswith(SOFT_HYPHEN):
        return prev[:-1] + cur, "soft_hyphen_join"
    match = TRAILING_WORD.search(prev)
    right_match = LEADING_LETTERS.match(cur)
    if match is None or right_match is None or not config.dehyphenate:
        return f"{prev} {cur}", None
    right = right_match.group(0)
    if right.casefold() in CUES.suspended_hyphen_words:
        return f"{prev} {cur}", None  # "low- and middle-income": a suspended hyphen
    left = match.group(1).split("-")[-1]
    if keeps_hyphen(left, right, evidence, config):
        return prev + cur, "hyphen_kept"
    return prev[:-1] + cur, "dehyphenated"


def build_paragraphs(
    lines: list[Line], config: Config
) -> tuple[tuple[Paragraph, ...], tuple[RepairRecord, ...]]:
    """Group body lines into paragraphs and join each paragraph's lines into one text."""
    if not lines:
        return (), ()
    layout = measure_layout(lines)
    evidence = HyphenEvidence.from_lines(lines)
    groups: list[list[Line]] = [[lines[0]]]
    for index, (prev, cur) in enumerate(pairwise(lines)):
        context = Context(
            prev_opens_paragraph=len(groups[-1]) == 1,
            lines_left=len(lines) - index - 2,
            next_line=lines[index + 2] if index + 2 < len(lines) else None,
            in_list_item=starts_list_item(groups[-1][0].text),
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
