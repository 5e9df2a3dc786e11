"""Properties of the paragraph stages: nothing is lost, nothing raises, the same input gives
the same output."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import Config
from pipeline.dehyphenate import SOFT_HYPHEN
from pipeline.furniture import find_furniture
from pipeline.models import Box, Line, Page
from pipeline.reflow import build_paragraphs
from tests.helpers import PAGE_HEIGHT, make_line, make_page

CONFIG = Config()
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Words that reach the interesting branches: salutations, closings, list markers, page numbers,
# codes, hyphen halves (joined, kept, suspended, digits), soft hyphens.
CUE_WORDS = """Господин Председатель, Уважаемый Mr. Chair, Благодарю Thank you. – - 1) a) • взаимо-
    действия российско- казахстанские Нью- Йорке co- operation cooperation co-operation low- and
    middle-income 555- 1234 A- grade трудничество PC.DEL/1187/23 Page 2 of 3 Стр.
    сотрудничество. мы the report; «цитата» 2023 г., ОБСЕ Vienna ? ! …"""
VOCABULARY = [
    *CUE_WORDS.split(),
    "- 2 -",
    "со\u00ad",
]
RANDOM_WORD = st.text(
    alphabet=st.sampled_from(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВabcxyzXYZ0123456789-–.,;:!?«»\u00ad'"
    ),
    min_size=1,
    max_size=12,
)
WORD = st.one_of(st.sampled_from(VOCABULARY), RANDOM_WORD)
LINE_TEXT = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


def non_space_chars(texts: list[str]) -> Counter[str]:
    return Counter(ch for text in texts for ch in text if not ch.isspace())


@st.composite
def plain_lines(draw: st.DrawFn) -> list[Line]:
    texts = draw(st.lists(LINE_TEXT, min_size=0, max_size=25))
    blanks = draw(st.lists(st.integers(0, 3), min_size=len(texts), max_size=len(texts)))
    return [make_line(t, blank_before=b) for t, b in zip(texts, blanks, strict=True)]


@st.composite
def laid_out_lines(draw: st.DrawFn) -> list[Line]:
    """Text-layer lines of any geometry: indents, gaps, tight or double leading, page breaks."""
    texts = draw(st.lists(LINE_TEXT, min_size=0, max_size=25))
    pitch = draw(st.sampled_from([12.5, 14.0, 18.0, 28.0]))  # tight ... double-spaced
    lines, top, page = [], 100.0, 1
    for text in texts:
        top += pitch + draw(st.sampled_from([0.0, 0.0, 0.0, 2.0, 6.0, 20.0]))
        if top > 760.0 or draw(st.integers(0, 30)) == 0:
            page, top = page + 1, 100.0
        x0 = 72.0 + draw(st.sampled_from([0.0, 0.0, 0.0, 18.0, 36.0, 120.0]))
        x1 = min(523.0, x0 + draw(st.floats(5.0, 460.0)))
        size = draw(st.sampled_from([10.0, 12.0, 12.0, 14.0]))
        lines.append(make_line(text, page, Box(x0, top, x1, top + size), size=size))
    return lines


@given(st.one_of(plain_lines(), laid_out_lines()))
@PROPERTY_SETTINGS
def test_reflow_keeps_every_character_but_the_hyphens_it_removed(lines: list[Line]) -> None:
    paragraphs, repairs = build_paragraphs(lines, CONFIG)
    counts = {record.kind: record.count for record in repairs}
    removed = Counter(
        {"-": counts.get("dehyphenated", 0), SOFT_HYPHEN: counts.get("soft_hyphen_join", 0)}
    )
    output = non_space_chars([p.text for p in paragraphs])
    assert output + removed == non_space_chars([line.text for line in lines])
    # every line lands in exactly one paragraph, in order
    assert [line for p in paragraphs for line in p.lines] == lines


@given(st.one_of(plain_lines(), laid_out_lines()))
@PROPERTY_SETTINGS
def test_reflow_is_deterministic(lines: list[Line]) -> None:
    assert build_paragraphs(lines, CONFIG) == build_paragraphs(list(lines), CONFIG)


@st.composite
def plain_pages(draw: st.DrawFn) -> tuple[Page, ...]:
    count = draw(st.integers(1, 4))
    shared = draw(st.lists(LINE_TEXT, min_size=1, max_size=3))  # lines that may recur
    pages = []
    for number in range(1, count + 1):
        texts = draw(st.lists(st.one_of(st.sampled_from(shared), LINE_TEXT), max_size=10))
        pages.append(make_page(number, [make_line(t, number) for t in texts], geometry=False))
    return tuple(pages)


@st.composite
def laid_out_pages(draw: st.DrawFn) -> tuple[Page, ...]:
    count = draw(st.integers(1, 4))
    shared = draw(st.lists(LINE_TEXT, min_size=1, max_size=3))
    tops = st.sampled_from([20.0, 40.0, 64.0, 120.0, 400.0, 780.0, 800.0, 820.0])
    pages = []
    for number in range(1, count + 1):
        entries = draw(
            st.lists(st.tuples(st.one_of(st.sampled_from(shared), LINE_TEXT), tops), max_size=10)
        )
        lines = [
            make_line(text, number, Box(72.0, top, 72.0 + 6 * len(text), top + 12.0), size=12.0)
            for text, top in sorted(entries, key=lambda entry: entry[1])
        ]
        pages.append(make_page(number, lines))
    return tuple(pages)


def assert_furniture_keeps_every_character(pages: tuple[Page, ...]) -> None:
    result = find_furniture(pages, CONFIG)
    kept = [line.text for page in result.pages for line in page.lines]
    moved = [item.text for item in result.furniture]
    assert non_space_chars(kept + moved) == non_space_chars(
        [line.text for page in pages for line in page.lines]
    )
    assert [page.number for page in result.pages] == [page.number for page in pages]
    assert all(1 <= item.page <= len(pages) for item in result.furniture)


@given(plain_pages())
@PROPERTY_SETTINGS
def test_furniture_keeps_every_character_of_plain_text(pages: tuple[Page, ...]) -> None:
    assert_furniture_keeps_every_character(pages)


@given(laid_out_pages())
@PROPERTY_SETTINGS
def test_furniture_keeps_every_character_of_laid_out_pages(pages: tuple[Page, ...]) -> None:
    assert all(line.box and line.box.bottom <= PAGE_HEIGHT for p in pages for line in p.lines)
    assert_furniture_keeps_every_character(pages)
