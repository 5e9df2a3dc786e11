"""Reflow: hyphen decisions (case tables, document evidence), paragraph breaks, repair records."""

from __future__ import annotations

import doctest
from collections import Counter
from dataclasses import replace
from types import ModuleType

import pytest

from pipeline import dehyphenate, measure
from pipeline.config import Config
from pipeline.dehyphenate import HyphenEvidence, join_lines, keeps_hyphen
from pipeline.models import Line, Origin, RepairChange, RepairRecord
from pipeline.reflow import build_paragraphs
from tests.helpers import (
    BODY_TOP,
    LEFT,
    PITCH,
    RIGHT,
    boxed,
    full,
    load_cases,
    make_line,
    plain_pages,
)

CONFIG = Config()
NO_EVIDENCE = HyphenEvidence(Counter())
INDENT = LEFT + 28  # a first-line indent of about five characters


def texts(lines: list[Line], config: Config = CONFIG) -> list[str]:
    paragraphs, _ = build_paragraphs(lines, config)
    return [p.text for p in paragraphs]


def records(lines: list[Line], config: Config = CONFIG) -> dict[str, int]:
    _, repairs = build_paragraphs(lines, config)
    return {r.kind: r.count for r in repairs}


def plain(*texts_: str) -> list[Line]:
    """Plain-text lines of one page; "" entries become blank lines."""
    return list(plain_pages(list(texts_))[0].lines)


# --- case tables ------------------------------------------------------------------------------


@pytest.mark.parametrize(("halves", "expected"), load_cases("reflow", "keeps_hyphen"))
def test_keeps_hyphen(halves: list[str], expected: bool) -> None:
    left, right = halves
    assert keeps_hyphen(left, right, NO_EVIDENCE, CONFIG) is expected


@pytest.mark.parametrize(("lines", "expected"), load_cases("reflow", "join_lines"))
def test_join_lines(lines: list[str], expected: list[str | None]) -> None:
    prev, cur = lines
    assert list(join_lines(prev, cur, NO_EVIDENCE, CONFIG)) == expected


@pytest.mark.parametrize("module", [dehyphenate, measure])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


# --- document evidence beats the lexicon ------------------------------------------------------


def evidence_of(*sentences: str) -> HyphenEvidence:
    return HyphenEvidence.from_lines([make_line(s) for s in sentences])


def test_document_writing_co_operation_keeps_the_hyphen() -> None:
    evidence = evidence_of(
        "We value the co-operation of all participating States.",
        "Our co-operation with the Mission continues.",
    )
    assert keeps_hyphen("co", "operation", evidence, CONFIG) is True
    assert join_lines("regional co-", "operation", evidence, CONFIG) == (
        "regional co-operation",
        "hyphen_kept",
    )


def test_document_writing_cooperation_joins() -> None:
    evidence = evidence_of(
        "We value the cooperation of all participating States.",
        "Our cooperation with the Mission continues.",
    )
    assert keeps_hyphen("co", "operation", evidence, CONFIG) is False
    assert join_lines("regional co-", "operation", evidence, CONFIG) == (
        "regional cooperation",
        "dehyphenated",
    )


def test_evidence_beats_the_lexicon_for_a_russian_word() -> None:
    # wordfreq alone joins "взаимо-" + "действия"; a document that writes it hyphenated keeps it
    assert keeps_hyphen("взаимо", "действия", NO_EVIDENCE, CONFIG) is False
    evidence = evidence_of("Мы ценим взаимо-действия сторон.", "Их взаимо-действия важны.")
    assert keeps_hyphen("взаимо", "действия", evidence, CONFIG) is True


def test_half_word_at_a_line_end_is_no_evidence() -> None:
    evidence = evidence_of("We value the co-", "operation of all participating States.")
    assert evidence.counts["co-operation"] == 0
    assert evidence.counts["co"] == 0


def test_switched_off_dehyphenation_keeps_the_text_as_written() -> None:
    config = replace(CONFIG, dehyphenate=False)
    assert join_lines("развития взаимо-", "действия", NO_EVIDENCE, config) == (
        "развития взаимо- действия",
        None,
    )


# --- geometry: paragraph breaks ---------------------------------------------------------------

T = BODY_TOP


def test_indented_first_line_starts_a_paragraph() -> None:
    lines = [
        full("Alpha one runs to the margin and ends a sentence.", T),
        full("Beta begins indented and runs to the margin as well", T + PITCH, x0=INDENT),
        full("and ends on a full line too.", T + 2 * PITCH),
    ]
    assert texts(lines) == [
        "Alpha one runs to the margin and ends a sentence.",
        "Beta begins indented and runs to the margin as well and ends on a full line too.",
    ]
    # the same lines without the indent are one paragraph: the indent made the break
    flush = [lines[0], full(lines[1].text, T + PITCH), lines[2]]
    assert len(texts(flush)) == 1


def test_short_last_line_ends_a_paragraph() -> None:
    lines = [
        full("This paragraph runs to the margin and goes on to its", T),
        boxed("short last line", T + PITCH),
        full("Next paragraph starts flush left with no indent and", T + 2 * PITCH),
        full("goes on to the margin as well.", T + 3 * PITCH),
    ]
    assert texts(lines) == [
        "This paragraph runs to the margin and goes on to its short last line",
        "Next paragraph starts flush left with no indent and goes on to the margin as well.",
    ]
    # a last line reaching the margin gives no such signal
    long_last = [lines[0], full("short last line", T + PITCH), *lines[2:]]
    assert len(texts(long_last)) == 1


def test_bigger_gap_starts_a_paragraph() -> None:
    first = "One paragraph runs to the margin and its sentence ends."
    second = "Another one starts after a bigger gap and runs to the"
    lines = [
        full(first, T),
        full("It has a second full line here.", T + PITCH),
        full(second, T + 2 * PITCH + 14),
        full("margin again.", T + 3 * PITCH + 14),
    ]
    assert texts(lines) == [
        f"{first} It has a second full line here.",
        f"{second} margin again.",
    ]
    even = [lines[0], lines[1], full(second, T + 2 * PITCH), full("margin again.", T + 3 * PITCH)]
    assert len(texts(even)) == 1


def test_font_size_change_starts_a_paragraph() -> None:
    heading = "A heading set larger than the body and wide enough to reach the"
    lines = [
        boxed(heading, T, x1=RIGHT, size=16),
        full("Body text follows at the usual size and runs to the", T + 24),
        full("margin and on.", T + 24 + PITCH),
    ]
    assert texts(lines) == [
        heading,
        "Body text follows at the usual size and runs to the margin and on.",
    ]
    same_size = [
        full(heading, T),
        full(lines[1].text, T + PITCH),
        full(lines[2].text, T + 2 * PITCH),
    ]
    assert len(texts(same_size)) == 1


def test_bold_line_starts_a_paragraph() -> None:
    lines = [
        boxed(
            "I. General remarks about the situation in the region and the", T, x1=RIGHT, bold=True
        ),
        full("Body text follows in regular weight and runs to the", T + PITCH),
        full("margin and on.", T + 2 * PITCH),
    ]
    assert len(texts(lines)) == 2


def test_centred_two_line_title_stays_one_paragraph() -> None:
    lines = [
        boxed("On democratic reforms and early", T, x0=200, x1=395, bold=True),
        boxed("presidential elections", T + PITCH, x0=230, x1=365, bold=True),
        full("Body text follows here and runs on to the right margin", T + 3 * PITCH),
        full("of the page.", T + 4 * PITCH),
    ]
    assert texts(lines) == [
        "On democratic reforms and early presidential elections",
        "Body text follows here and runs on to the right margin of the page.",
    ]


def test_sentence_across_a_page_break_stays_one_paragraph() -> None:
    lines = [
        boxed("The first paragraph ends on the first page with a sentence.", 700),
        full("A sentence begins on the first page and runs to the", 716),
        full("margin, then continues on the next page after the break", BODY_TOP, page=2),
        boxed("and ends.", BODY_TOP + PITCH, page=2),
    ]
    paragraphs, _ = build_paragraphs(lines, CONFIG)
    assert [p.text for p in paragraphs] == [
        "The first paragraph ends on the first page with a sentence.",
        "A sentence begins on the first page and runs to the margin, then continues on the "
        "next page after the break and ends.",
    ]
    assert paragraphs[1].pages == (1, 2)


def test_hyphenated_word_across_lines_joins_in_a_boxed_paragraph() -> None:
    lines = [
        full("Мы отмечаем развитие торгово-экономического взаимо-", T),
        full("действия двух стран и российско-", T + PITCH),
        boxed("казахстанских связей.", T + 2 * PITCH),
    ]
    assert texts(lines) == [
        "Мы отмечаем развитие торгово-экономического взаимодействия двух стран и "
        "российско-казахстанских связей."
    ]
    assert records(lines) == {"dehyphenated": 1, "hyphen_kept": 1}


# --- plain text: paragraph breaks -------------------------------------------------------------

RU_LINES = [
    "Россия и Казахстан наладили конструктивное сотрудничество в сферах охраны",
    "окружающей среды и освоения космоса, в области мирного использования ядерной",
    "энергии и научно-образовательных связей.",
]
RU_PARAGRAPH = " ".join(RU_LINES)
RU_SECOND = "Позиции Москвы и Астаны по подавляющему большинству глобальных вопросов"
RU_SECOND_END = "совпадают."


def test_plain_text_extra_blank_line_separates() -> None:
    # lines of a paragraph are one blank line apart; two blank lines separate paragraphs
    lines = plain(
        RU_LINES[0], "", RU_LINES[1], "", RU_LINES[2], "", "", RU_SECOND, "", RU_SECOND_END
    )
    assert texts(lines) == [RU_PARAGRAPH, f"{RU_SECOND} {RU_SECOND_END}"]


def test_plain_text_single_blank_line_separates_when_lines_are_dense() -> None:
    lines = plain(*RU_LINES, "", RU_SECOND, RU_SECOND_END)
    assert texts(lines) == [RU_PARAGRAPH, f"{RU_SECOND} {RU_SECOND_END}"]


def test_plain_text_wrapped_lines_without_blanks_join() -> None:
    assert texts(plain(*RU_LINES)) == [RU_PARAGRAPH]


def test_plain_text_salutation_stands_alone() -> None:
    lines = plain("Господин Председатель,", *RU_LINES)
    assert texts(lines) == ["Господин Председатель,", RU_PARAGRAPH]


def test_plain_text_salutation_inside_the_body_stands_alone() -> None:
    lines = plain(*RU_LINES, "Уважаемый Роман Юрьевич,", RU_SECOND, RU_SECOND_END)
    assert texts(lines) == [
        RU_PARAGRAPH,
        "Уважаемый Роман Юрьевич,",
        f"{RU_SECOND} {RU_SECOND_END}",
    ]


def test_plain_text_list_items_are_one_paragraph_each() -> None:
    lines = plain(
        "Мы предлагаем следующие меры по улучшению работы организации в этой сфере:",
        "– укрепление доверия;",
        "– развитие сотрудничества в сфере",
        "безопасности;",
        "– обмен информацией.",
        "Благодарю за внимание.",
    )
    assert texts(lines) == [
        "Мы предлагаем следующие меры по улучшению работы организации в этой сфере:",
        "– укрепление доверия;",
        "– развитие сотрудничества в сфере безопасности;",
        "– обмен информацией.",
        "Благодарю за внимание.",
    ]


# --- repair records -----------------------------------------------------------------------------


def test_hyphen_records_are_counted() -> None:
    lines = plain(
        "Развитие торгово-экономического сотрудничества и взаимо-",
        "действия в сферах охраны окружающей среды и освоения российско-",
        "казахстанских связей. Мы встретились в Нью-",
        "Йорке и обсудили долгосрочное со\u00ad",
        "трудничество с какой-",
        "либо стороной и с пере-",
        "избранным президентом.",
    )
    assert texts(lines) == [
        "Развитие торгово-экономического сотрудничества и взаимодействия в сферах охраны "
        "окружающей среды и освоения российско-казахстанских связей. Мы встретились в "
        "Нью-Йорке и обсудили долгосрочное сотрудничество с какой-либо стороной и с "
        "переизбранным президентом."
    ]
    assert records(lines) == {"dehyphenated": 2, "hyphen_kept": 3, "soft_hyphen_join": 1}


def test_records_are_sorted_and_absent_when_nothing_changed() -> None:
    _, repairs = build_paragraphs(plain(*RU_LINES), CONFIG)
    assert repairs == ()
    _, repairs = build_paragraphs(
        plain("the govern-", "ment and the well-", "lit streets."), CONFIG
    )
    assert repairs == (RepairRecord("dehyphenated", 1), RepairRecord("hyphen_kept", 1))
    assert [record.changes for record in repairs] == [
        (RepairChange("govern-\nment", "government", page=1),),
        (RepairChange("well-\nlit", "well-lit", page=1),),
    ]


def test_no_lines_no_paragraphs() -> None:
    assert build_paragraphs([], CONFIG) == ((), ())


def test_paragraphs_keep_their_lines() -> None:
    lines = plain(*RU_LINES, "", RU_SECOND, RU_SECOND_END)
    paragraphs, _ = build_paragraphs(lines, CONFIG)
    assert [list(p.lines) for p in paragraphs] == [lines[:3], lines[3:]]


# --- the document's own statistics --------------------------------------------------------------


def test_indented_one_line_paragraph_that_nearly_fills_the_line_stands_alone() -> None:
    # short indented paragraphs outnumber the wrapped lines: the margin is still LEFT
    lines = [
        boxed("We gather at an important moment.", T, x0=INDENT),
        boxed(
            "World leaders have agreed a Pact for the Future, which charts",
            T + PITCH,
            x0=INDENT,
            x1=RIGHT,
        ),
        boxed(
            "a way forward to meet the challenges facing us as a community.",
            T + 2 * PITCH,
            x1=RIGHT - 6,
        ),
        boxed(
            "To do so, we must honour existing commitments, including the",
            T + 3 * PITCH,
            x0=INDENT,
            x1=RIGHT,
        ),
        boxed("Goals and the Agenda.", T + 4 * PITCH),
        boxed(
            "And be ready to adapt to new and emerging challenges of today.",
            T + 5 * PITCH,
            x0=INDENT,
            x1=RIGHT - 4,
        ),
        boxed(
            "It requires us to address the interlocking crises of climate",
            T + 6 * PITCH,
            x0=INDENT,
            x1=RIGHT,
        ),
        boxed("change, conflict and hunger.", T + 7 * PITCH),
    ]
    assert [text.split()[0] for text in texts(lines)] == ["We", "World", "To", "And", "It"]


def test_small_gap_between_block_paragraphs_is_a_break_when_the_pitch_never_varies() -> None:
    gap = 2.5  # far less than a line, but the lines of a paragraph are always PITCH apart
    lines = [
        full("The first block paragraph runs to the margin and ends at the", T),
        full("margin with a sentence that fills the line up to the edge.", T + PITCH),
        full("The second block paragraph starts after a small extra gap and", T + 2 * PITCH + gap),
        boxed("ends here.", T + 3 * PITCH + gap),
    ]
    assert len(texts(lines)) == 2


def test_double_spaced_page_after_a_single_spaced_one_keeps_its_paragraphs() -> None:
    single = [
        full(f"Single-spaced line {i} of the cover page runs to the margin", T + PITCH * i)
        for i in range(9)
    ]
    double_pitch = 2 * PITCH
    double = [
        full(
            f"Double-spaced line {i} of the memo runs on to the margin and",
            T + double_pitch * i,
            page=2,
        )
        for i in range(9)
    ]
    memo = [*double[:4], replace(double[4], box=replace(double[4].box, x0=INDENT)), *double[5:]]
    paragraphs = texts([*single, *memo])
    assert len(paragraphs) == 2  # the cover runs on into the memo; the indent starts the second


def ocr(line: Line, *, top_shift: float = 0.0) -> Line:
    """An OCR line; ``top_shift`` lowers its ink top (a line without ascenders or capitals)."""
    assert line.box is not None
    box = replace(line.box, top=line.box.top + top_shift)
    return replace(line, origin=Origin.OCR, box=box)


def test_ocr_line_without_ascenders_is_not_a_gap_but_a_real_gap_is() -> None:
    lines = [
        ocr(full(f"Строка номер {i} этого абзаца доходит до правого края полосы", T + PITCH * i))
        for i in range(6)
    ]
    lowered = [
        *lines[:3],
        ocr(full("лишают аккредитации, высылают их и затем снова", T + 3 * PITCH), top_shift=3.5),
        *lines[4:],
    ]
    assert len(texts(lowered)) == 1
    gap = 7.0
    spaced = [
        *lines[:3],
        *(
            replace(
                line, box=replace(line.box, top=line.box.top + gap, bottom=line.box.bottom + gap)
            )
            for line in lines[3:]
            if line.box
        ),
    ]
    assert len(texts(spaced)) == 2


UNWRAPPED = (
    "Ireland aligns itself with the statement delivered on behalf of the European Union and "
    "adds the following remarks in its national capacity.",
    "We remain convinced that only a negotiated political settlement, grounded in international "
    "law and the Charter, can bring a lasting peace.",
    "We call on all parties to engage in good faith in the talks under the auspices of the "
    "Organization and to respect the ceasefire.",
)


def test_plain_text_saved_one_paragraph_per_line_keeps_every_line_a_paragraph() -> None:
    lines = [make_line(text) for text in UNWRAPPED]
    paragraphs, _ = build_paragraphs(lines, Config())
    assert [p.text for p in paragraphs] == list(UNWRAPPED)


def test_wrapped_plain_text_is_not_taken_for_unwrapped() -> None:
    words = " ".join(UNWRAPPED).split()
    wrapped = [" ".join(words[i : i + 14]) for i in range(0, len(words), 14)]
    assert not measure.is_unwrapped([make_line(text) for text in wrapped])
