"""Furniture: page-number and header shapes (case tables), pages with geometry, plain text."""

from __future__ import annotations

import doctest
from dataclasses import replace
from types import ModuleType

import pytest

from pipeline import furniture, pagenumbers
from pipeline.config import Config
from pipeline.furniture import FurnitureResult, find_furniture, looks_like_header
from pipeline.models import Furniture, FurnitureRole, Line, Page
from pipeline.pagenumbers import is_page_number, split_page_number
from tests.helpers import BODY_TOP, boxed, load_cases, make_page, plain_pages, stacked

CONFIG = Config()
HEADER_TOP = 40.0  # a running header's height on pages 2+
FOOTER_TOP = 800.0  # the page number's height (842-point page)
PREAMBLE_CODE_TOP = 64.0  # page 1: the document code sits lower, in the preamble


# --- case tables ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), load_cases("furniture", "is_page_number"))
def test_is_page_number(text: str, expected: bool) -> None:
    assert is_page_number(text) is expected


@pytest.mark.parametrize(("text", "expected"), load_cases("furniture", "split_page_number"))
def test_split_page_number(text: str, expected: list[str] | None) -> None:
    assert split_page_number(text) == (None if expected is None else tuple(expected))


@pytest.mark.parametrize(("text", "expected"), load_cases("furniture", "looks_like_header"))
def test_looks_like_header(text: str, expected: bool) -> None:
    assert looks_like_header(text) is expected


@pytest.mark.parametrize("module", [furniture, pagenumbers])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


# --- helpers ----------------------------------------------------------------------------------


def kept_texts(result: FurnitureResult) -> list[list[str]]:
    return [[line.text for line in page.lines] for page in result.pages]


def removed(result: FurnitureResult) -> set[tuple[str, int, FurnitureRole]]:
    return {(item.text, item.page, item.role) for item in result.furniture}


def body(page: int, count: int = 3) -> list[Line]:
    """Distinct body lines in the middle of a page (never in a furniture zone)."""
    return stacked(
        [
            f"Body line {i} of page {page} goes on to the right margin of the text."
            for i in range(count)
        ],
        page,
    )


def assert_nothing_lost(pages: tuple[Page, ...], result: FurnitureResult) -> None:
    """Every input line is either kept or is the furniture (whole, or split in two parts)."""
    kept = [line.text for page in result.pages for line in page.lines]
    items = list(result.furniture)
    for page in pages:
        for line in page.lines:
            if line.text in kept:
                kept.remove(line.text)
                continue
            parts = [item for item in items if item.page == line.page and item.text in line.text]
            whole = [item for item in parts if item.text == line.text.strip()]
            if whole:
                items.remove(whole[0])
                continue
            # a "header + page number" line becomes two items whose texts make up the line
            assert sorted(" ".join(item.text for item in parts).split()) == sorted(
                line.text.split()
            ), line.text
            for item in parts:
                items.remove(item)
    assert kept == []
    assert items == []


# --- pages with geometry ----------------------------------------------------------------------

PAGE_NUMBER_FORMATS = [
    "{n}",
    "- {n} -",
    "– {n} –",
    "— {n} —",
    "Page {n}",
    "Page {n} of 3",
    "Стр. {n}",
    "стр. {n} из 3",
    "{n}/3",
]


@pytest.mark.parametrize("form", PAGE_NUMBER_FORMATS)
def test_page_numbers_at_the_bottom_are_removed(form: str) -> None:
    pages = tuple(
        make_page(n, [*body(n), boxed(form.format(n=n), FOOTER_TOP, n, x0=280)]) for n in (1, 2, 3)
    )
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result) == [[line.text for line in body(n)] for n in (1, 2, 3)]
    assert removed(result) == {(form.format(n=n), n, FurnitureRole.PAGE_NUMBER) for n in (1, 2, 3)}


def three_page_document() -> tuple[Page, ...]:
    """Code in page 1's preamble; the same code as a running header on pages 2-3; numbers."""
    return (
        make_page(1, [boxed("PC.DEL/1187/23", PREAMBLE_CODE_TOP, 1, x0=420), *body(1)]),
        make_page(
            2,
            [
                boxed("PC.DEL/1187/23", HEADER_TOP, 2, x0=420),
                *body(2),
                boxed("- 2 -", FOOTER_TOP, 2, x0=290),
            ],
        ),
        make_page(
            3,
            [
                boxed("PC.DEL/1187/23", HEADER_TOP, 3, x0=420),
                *body(3),
                boxed("- 3 -", FOOTER_TOP, 3, x0=290),
            ],
        ),
    )


def test_running_header_removed_but_preamble_code_at_another_height_stays() -> None:
    pages = three_page_document()
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result)[0][0] == "PC.DEL/1187/23"
    assert "PC.DEL/1187/23" not in kept_texts(result)[1] + kept_texts(result)[2]
    assert removed(result) == {
        ("PC.DEL/1187/23", 2, FurnitureRole.HEADER),
        ("PC.DEL/1187/23", 3, FurnitureRole.HEADER),
        ("- 2 -", 2, FurnitureRole.PAGE_NUMBER),
        ("- 3 -", 3, FurnitureRole.PAGE_NUMBER),
    }
    assert_nothing_lost(pages, result)


def test_recurring_footer_is_a_footer() -> None:
    footer = "Permanent Mission of the Russian Federation to the OSCE"
    pages = tuple(make_page(n, [*body(n), boxed(footer, FOOTER_TOP, n)]) for n in (1, 2, 3))
    result = find_furniture(pages, CONFIG)
    assert removed(result) == {(footer, n, FurnitureRole.FOOTER) for n in (1, 2, 3)}


def test_header_only_on_page_two_goes_there_and_stays_on_page_one() -> None:
    pages = (
        make_page(1, [*body(1), boxed("PC.DEL/388/24", 300, 1, x0=420)]),
        make_page(2, [boxed("PC.DEL/388/24", HEADER_TOP, 2, x0=420), *body(2)]),
    )
    result = find_furniture(pages, CONFIG)
    assert "PC.DEL/388/24" in kept_texts(result)[0]
    assert kept_texts(result)[1] == [line.text for line in body(2)]
    assert removed(result) == {("PC.DEL/388/24", 2, FurnitureRole.HEADER)}


def test_header_only_on_page_two_and_in_page_one_preamble_zone() -> None:
    pages = (
        make_page(1, [boxed("PC.DEL/388/24", PREAMBLE_CODE_TOP, 1, x0=420), *body(1)]),
        make_page(2, [boxed("PC.DEL/388/24", HEADER_TOP, 2, x0=420), *body(2)]),
    )
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result)[0][0] == "PC.DEL/388/24"
    assert removed(result) == {("PC.DEL/388/24", 2, FurnitureRole.HEADER)}


def test_body_line_at_the_top_of_a_page_that_does_not_recur_stays() -> None:
    continuation = "и других международных и евразийских структур"
    pages = (
        make_page(1, body(1)),
        make_page(
            2, [boxed(continuation, HEADER_TOP, 2), *body(2), boxed("2", FOOTER_TOP, 2, x0=295)]
        ),
    )
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result)[1][0] == continuation
    assert removed(result) == {("2", 2, FurnitureRole.PAGE_NUMBER)}


def test_code_mentioned_mid_page_is_not_furniture() -> None:
    pages = three_page_document()
    mention = boxed("PC.DEL/1187/23", 400, 2)
    second = replace(pages[1], lines=(*pages[1].lines[:2], mention, *pages[1].lines[2:]))
    result = find_furniture((pages[0], second, pages[2]), CONFIG)
    assert kept_texts(result)[1].count("PC.DEL/1187/23") == 1


@pytest.mark.parametrize(
    ("line", "header", "number"),
    [
        ("PC.DEL/388/24 - 2 -", "PC.DEL/388/24", "- 2 -"),
        ("Стр. 2 EEF.DEL/41/23", "EEF.DEL/41/23", "Стр. 2"),
        ("Page 2 of 2 PC.DEL/388/24", "PC.DEL/388/24", "Page 2 of 2"),
        ("PC.DEL/388/24 Page 2 of 2", "PC.DEL/388/24", "Page 2 of 2"),
        ("PC.DEL/388/24 Стр. 2", "PC.DEL/388/24", "Стр. 2"),
        ("PC.DEL/388/24 2/2", "PC.DEL/388/24", "2/2"),
    ],
)
def test_header_glued_to_page_number_is_split(line: str, header: str, number: str) -> None:
    pages = (
        make_page(1, [boxed(header, PREAMBLE_CODE_TOP, 1, x0=420), *body(1)]),
        make_page(2, [boxed(line, HEADER_TOP, 2, x0=380), *body(2)]),
    )
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result) == [
        [header, *(ln.text for ln in body(1))],
        [ln.text for ln in body(2)],
    ]
    assert list(result.furniture) == [
        Furniture(header, 2, FurnitureRole.HEADER),
        Furniture(number, 2, FurnitureRole.PAGE_NUMBER),
    ]
    assert_nothing_lost(pages, result)


def three_pages_with_glued_headers() -> tuple[Page, ...]:
    return (
        make_page(1, [boxed("PC.DEL/388/24", PREAMBLE_CODE_TOP, 1, x0=420), *body(1)]),
        *(
            make_page(n, [boxed(f"PC.DEL/388/24 - {n} -", HEADER_TOP, n, x0=380), *body(n)])
            for n in (2, 3)
        ),
    )


def test_recurring_glued_header_leaves_the_text_and_nothing_is_lost() -> None:
    pages = three_pages_with_glued_headers()
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result) == [
        ["PC.DEL/388/24", *(ln.text for ln in body(1))],
        *([ln.text for ln in body(n)] for n in (2, 3)),
    ]
    assert_nothing_lost(pages, result)


def test_split_header_recurring_on_three_pages() -> None:
    # the page number keeps its own role even when the whole line recurs (digits folded)
    result = find_furniture(three_pages_with_glued_headers(), CONFIG)
    assert removed(result) == {
        ("PC.DEL/388/24", 2, FurnitureRole.HEADER),
        ("- 2 -", 2, FurnitureRole.PAGE_NUMBER),
        ("PC.DEL/388/24", 3, FurnitureRole.HEADER),
        ("- 3 -", 3, FurnitureRole.PAGE_NUMBER),
    }


def test_switched_off_removes_nothing() -> None:
    pages = three_page_document()
    result = find_furniture(pages, replace(CONFIG, remove_furniture=False))
    assert result.pages == pages
    assert result.furniture == ()


# --- plain text -------------------------------------------------------------------------------

RU_PAGE_1 = [
    "PC.DEL/1187/23",
    "",
    "Выступление представителя Российской Федерации",
    "",
    "Господин Председатель,",
    "",
    "Мы внимательно ознакомились с докладом Генерального секретаря.",
    "1",
]
RU_PAGE_2 = [
    "PC.DEL/1187/23",
    "Считаем важным продолжить диалог по всем вопросам повестки дня.",
    "",
    "Господин Председатель,",
    "",
    "Поддерживаем усилия Председательства по поиску консенсуса.",
    "- 2 -",
]
RU_PAGE_3 = ["PC.DEL/1187/23", "Благодарю за внимание.", "Стр. 3"]


def test_plain_text_page_numbers_and_repeated_code_lines() -> None:
    pages = plain_pages(RU_PAGE_1, RU_PAGE_2, RU_PAGE_3)
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result) == [
        [
            "PC.DEL/1187/23",  # the first occurrence opens the document: it stays
            "Выступление представителя Российской Федерации",
            "Господин Председатель,",
            "Мы внимательно ознакомились с докладом Генерального секретаря.",
        ],
        [
            "Считаем важным продолжить диалог по всем вопросам повестки дня.",
            "Господин Председатель,",  # used twice, but it ends with a comma: text
            "Поддерживаем усилия Председательства по поиску консенсуса.",
        ],
        ["Благодарю за внимание."],
    ]
    assert removed(result) == {
        ("1", 1, FurnitureRole.PAGE_NUMBER),
        ("PC.DEL/1187/23", 2, FurnitureRole.HEADER),
        ("- 2 -", 2, FurnitureRole.PAGE_NUMBER),
        ("PC.DEL/1187/23", 3, FurnitureRole.HEADER),
        ("Стр. 3", 3, FurnitureRole.PAGE_NUMBER),
    }
    assert_nothing_lost(pages, result)


def test_plain_text_header_first_met_after_the_opening_block_goes_everywhere() -> None:
    opening = [f"Строка вступления номер {i}." for i in range(10)]
    pages = plain_pages(
        [*opening, "PC.DEL/1187/23", "Текст второй части."],
        ["PC.DEL/1187/23", "Текст третьей части."],
    )
    result = find_furniture(pages, CONFIG)
    assert removed(result) == {
        ("PC.DEL/1187/23", 1, FurnitureRole.HEADER),
        ("PC.DEL/1187/23", 2, FurnitureRole.HEADER),
    }


def test_plain_text_line_seen_once_is_not_a_header() -> None:
    pages = plain_pages(["PC.DEL/1187/23", "Текст."], ["Продолжение текста без заголовка"])
    result = find_furniture(pages, CONFIG)
    assert result.furniture == ()
    assert kept_texts(result) == [
        ["PC.DEL/1187/23", "Текст."],
        ["Продолжение текста без заголовка"],
    ]


def test_plain_text_glued_page_number_and_header_are_split() -> None:
    pages = plain_pages(
        ["EEF.DEL/41/23", "Statement text on the first page."],
        ["Стр. 2 EEF.DEL/41/23", "Statement text on the second page."],
    )
    result = find_furniture(pages, CONFIG)
    assert kept_texts(result) == [
        ["EEF.DEL/41/23", "Statement text on the first page."],
        ["Statement text on the second page."],
    ]
    assert list(result.furniture) == [
        Furniture("EEF.DEL/41/23", 2, FurnitureRole.HEADER),
        Furniture("Стр. 2", 2, FurnitureRole.PAGE_NUMBER),
    ]
    assert_nothing_lost(pages, result)


# --- page numbers as a sequence, codes as headers, lines of the flow ---------------------------


@pytest.mark.parametrize(("text", "expected"), load_cases("furniture", "page_label_numbers"))
def test_page_label_numbers(text: str, expected: list[int]) -> None:
    assert list(pagenumbers.page_label_numbers(text)) == expected


LABEL_FORMATS = ["{n} | Page", "[{n}]", "-{n}-", "Page {n} of 3", "— {n} —", "{n}/3"]


@pytest.mark.parametrize("form", LABEL_FORMATS)
@pytest.mark.parametrize("top", [HEADER_TOP, FOOTER_TOP])
def test_page_labels_in_any_format_follow_the_pages(form: str, top: float) -> None:
    def page(n: int) -> Page:
        label = boxed(form.format(n=n), top, n, x0=280)
        lines = [label, *body(n)] if top < BODY_TOP else [*body(n), label]
        return make_page(n, lines)

    result = find_furniture(tuple(page(n) for n in (1, 2, 3)), CONFIG)
    assert kept_texts(result) == [[line.text for line in body(n)] for n in (1, 2, 3)]
    assert removed(result) == {(form.format(n=n), n, FurnitureRole.PAGE_NUMBER) for n in (1, 2, 3)}


def test_lone_page_label_on_page_two_is_its_number() -> None:
    pages = (
        make_page(1, body(1)),
        make_page(2, [*body(2), boxed("2 | Page", FOOTER_TOP, 2, x0=280)]),
    )
    result = find_furniture(pages, CONFIG)
    assert removed(result) == {("2 | Page", 2, FurnitureRole.PAGE_NUMBER)}


def test_number_that_does_not_follow_the_pages_stays() -> None:
    # "[7]" at the foot of page 2 alone: not its page's number, and not repeated
    pages = (make_page(1, body(1)), make_page(2, [*body(2), boxed("[7]", FOOTER_TOP, 2)]))
    assert find_furniture(pages, CONFIG).furniture == ()


def test_reference_code_at_the_top_of_page_two_is_a_header() -> None:
    pages = (
        make_page(1, body(1)),
        make_page(2, [boxed("Ref.: 05/311", HEADER_TOP, 2, x0=420), *body(2)]),
    )
    result = find_furniture(pages, CONFIG)
    assert removed(result) == {("Ref.: 05/311", 2, FurnitureRole.HEADER)}
    assert kept_texts(result)[1] == [line.text for line in body(2)]


def test_salutation_at_the_top_of_two_pages_stays() -> None:
    pages = tuple(make_page(n, [boxed("Excellencies", HEADER_TOP, n), *body(n)]) for n in (1, 2, 3))
    result = find_furniture(pages, CONFIG)
    assert result.furniture == ()
    assert [texts[0] for texts in kept_texts(result)] == ["Excellencies"] * 3


def test_plain_text_page_labels_counting_up_are_page_numbers() -> None:
    pages = plain_pages(
        ["First paragraph of the text.", "[2]", "Second paragraph.", "[3]", "The end."]
    )
    result = find_furniture(pages, CONFIG)
    assert removed(result) == {
        ("[2]", 1, FurnitureRole.PAGE_NUMBER),
        ("[3]", 1, FurnitureRole.PAGE_NUMBER),
    }
    assert kept_texts(result) == [["First paragraph of the text.", "Second paragraph.", "The end."]]


def test_plain_text_number_ending_a_sentence_stays() -> None:
    pages = plain_pages(["The Council considered the question under item", "19 повестки дня."])
    assert find_furniture(pages, CONFIG).furniture == ()
