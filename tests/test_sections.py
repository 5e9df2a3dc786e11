"""Sections: cue case tables and paragraph sequences → preamble, title, address, body, closing."""

from __future__ import annotations

import doctest

import pytest

from pipeline import formulas
from pipeline.models import BodyParagraph, Kind, Paragraph, Sections
from pipeline.sections import assign_sections, is_closing, is_preamble_line, is_salutation
from tests.helpers import boxed, load_cases, make_line

# --- case tables ------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "expected"), load_cases("sections", "is_salutation"))
def test_is_salutation(case: dict[str, object], expected: bool) -> None:
    text, require_cue = case["text"], case["require_cue"]
    assert isinstance(text, str)
    assert isinstance(require_cue, bool)
    assert is_salutation(text, require_cue=require_cue) is expected


@pytest.mark.parametrize(("text", "expected"), load_cases("sections", "is_closing"))
def test_is_closing(text: str, expected: bool) -> None:
    assert is_closing(text) is expected


@pytest.mark.parametrize(("text", "expected"), load_cases("sections", "is_preamble_line"))
def test_is_preamble_line(text: str, expected: bool) -> None:
    assert is_preamble_line(text) is expected


def test_doctests() -> None:
    # The salutation and closing tests, with their doctests, live in pipeline.formulas.
    result = doctest.testmod(formulas)
    assert result.attempted > 0
    assert result.failed == 0


# --- builders ---------------------------------------------------------------------------------


def para(text: str, page: int = 1) -> Paragraph:
    """A plain-text paragraph (no layout known)."""
    return Paragraph(text=text, lines=(make_line(text, page),))


def laid_out(text: str, *, size: float = 12.0, bold: bool = False) -> Paragraph:
    """A one-line text-layer paragraph in a given font size and weight."""
    return Paragraph(text=text, lines=(boxed(text, 200, size=size, bold=bold),))


def body(*texts: str) -> tuple[BodyParagraph, ...]:
    return tuple(BodyParagraph(t, Kind.PARAGRAPH, (1,)) for t in texts)


RU_BODY_1 = (
    "Мы внимательно ознакомились с докладом Генерального секретаря и хотели бы отметить ряд "
    "моментов, касающихся развития взаимодействия государств-участников."
)
RU_BODY_2 = (
    "Считаем важным продолжить диалог по всем вопросам повестки дня без предварительных условий."
)
EN_BODY_1 = (
    "We have carefully studied the report of the Secretary General and would like to note "
    "several points concerning co-operation among the participating States."
)
EN_BODY_2 = "We consider it important to continue the dialogue on all items of the agenda."


# --- whole sequences --------------------------------------------------------------------------


def test_russian_statement() -> None:
    result = assign_sections(
        tuple(
            para(t)
            for t in (
                "Постоянное представительство Российской Федерации при ОБСЕ",
                "PC.DEL/1187/23",
                "10 ноября 2022 года",
                "Язык оригинала: русский",
                "О ситуации в сфере безопасности",
                "Господин Председатель,",
                RU_BODY_1,
                RU_BODY_2,
                "Благодарю за внимание.",
            )
        )
    )
    assert result == Sections(
        preamble=(
            "Постоянное представительство Российской Федерации при ОБСЕ",
            "PC.DEL/1187/23",
            "10 ноября 2022 года",
            "Язык оригинала: русский",
        ),
        title="О ситуации в сфере безопасности",
        address="Господин Председатель,",
        body=body(RU_BODY_1, RU_BODY_2),
        closing="Благодарю за внимание.",
    )


def test_english_statement() -> None:
    result = assign_sections(
        tuple(
            para(t)
            for t in (
                "FSC.DEL/41/23",
                "Original: ENGLISH",
                "Statement by the Delegation of Canada",
                "On the security situation in the region",
                "Mr. Chair,",
                EN_BODY_1,
                EN_BODY_2,
                "Thank you, Mr. Chair.",
            )
        )
    )
    assert result == Sections(
        preamble=("FSC.DEL/41/23", "Original: ENGLISH", "Statement by the Delegation of Canada"),
        title="On the security situation in the region",
        address="Mr. Chair,",
        body=body(EN_BODY_1, EN_BODY_2),
        closing="Thank you, Mr. Chair.",
    )


def test_title_over_two_paragraphs_is_joined() -> None:
    result = assign_sections(
        tuple(
            para(t)
            for t in (
                "PC.DEL/1187/23",
                "О демократических реформах",
                "и досрочных президентских выборах в Казахстане",
                "Господин Председатель,",
                RU_BODY_1,
            )
        )
    )
    assert (
        result.title == "О демократических реформах и досрочных президентских выборах в Казахстане"
    )
    assert result.preamble == ("PC.DEL/1187/23",)


def test_without_salutation_title_then_body() -> None:
    result = assign_sections(
        tuple(para(t) for t in ("On the security situation in the region", EN_BODY_1, EN_BODY_2))
    )
    assert result == Sections(
        preamble=(),
        title="On the security situation in the region",
        address=None,
        body=body(EN_BODY_1, EN_BODY_2),
        closing=None,
    )


def test_two_paragraph_closing_is_joined_with_a_newline() -> None:
    result = assign_sections(
        tuple(
            para(t)
            for t in (
                "Mr. Chair,",
                EN_BODY_1,
                "Thank you.",
                "I request that this statement be attached to the journal of the day.",
            )
        )
    )
    assert result.closing == (
        "Thank you.\nI request that this statement be attached to the journal of the day."
    )
    assert result.body == body(EN_BODY_1)


def test_closing_takes_at_most_three_paragraphs() -> None:
    texts = ("Mr. Chair,", EN_BODY_1, "Thank you.", "Thank you.", "Thank you.", "Thank you.")
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.closing == "Thank you.\nThank you.\nThank you."
    assert [p.text for p in result.body] == [EN_BODY_1, "Thank you."]


def test_long_paragraph_opening_with_thanks_stays_in_the_body() -> None:
    long_thanks = "Thank you, Mr. Chair. " + EN_BODY_1 + " " + EN_BODY_1
    result = assign_sections(tuple(para(t) for t in ("Mr. Chair,", EN_BODY_1, long_thanks)))
    assert result.closing is None
    assert [p.text for p in result.body] == [EN_BODY_1, long_thanks]


def test_in_body_salutation_is_an_address_paragraph() -> None:
    result = assign_sections(
        tuple(
            para(t)
            for t in (
                "Mr. Chair,",
                EN_BODY_1,
                "Ambassador Morrow,",
                EN_BODY_2,
                "Уважаемый Роман Юрьевич,",
            )
        )
    )
    assert [(p.text, p.kind) for p in result.body] == [
        (EN_BODY_1, Kind.PARAGRAPH),
        ("Ambassador Morrow,", Kind.ADDRESS),
        (EN_BODY_2, Kind.PARAGRAPH),
        ("Уважаемый Роман Юрьевич,", Kind.ADDRESS),
    ]


def test_list_items_are_list_item_paragraphs() -> None:
    items = ("– укрепление доверия;", "– развитие сотрудничества;", "1) обмен информацией.")
    result = assign_sections(
        tuple(para(t) for t in ("Господин Председатель,", RU_BODY_1, *items, RU_BODY_2))
    )
    assert [p.kind for p in result.body] == [
        Kind.PARAGRAPH,
        Kind.LIST_ITEM,
        Kind.LIST_ITEM,
        Kind.LIST_ITEM,
        Kind.PARAGRAPH,
    ]


def test_body_paragraph_keeps_its_pages() -> None:
    spread = Paragraph(text=EN_BODY_1, lines=(make_line("We have", 1), make_line("studied", 2)))
    result = assign_sections((para("Mr. Chair,"), spread))
    assert result.body == (BodyParagraph(EN_BODY_1, Kind.PARAGRAPH, (1, 2)),)


def test_salutation_after_running_text_is_not_the_opening_address() -> None:
    result = assign_sections(tuple(para(t) for t in (EN_BODY_1, "Mr. Chair,", EN_BODY_2)))
    assert result.address is None
    assert result.body[1] == BodyParagraph("Mr. Chair,", Kind.ADDRESS, (1,))


# --- with layout known ------------------------------------------------------------------------


def test_small_plain_line_before_the_salutation_is_preamble_not_title() -> None:
    result = assign_sections(
        (
            laid_out("Check against delivery", size=10),
            laid_out("Mr. Chair,"),
            laid_out(EN_BODY_1),
            laid_out(EN_BODY_2),
        )
    )
    assert result.preamble == ("Check against delivery",)
    assert result.title is None


def test_without_layout_a_label_line_is_preamble_and_a_heading_is_the_title() -> None:
    result = assign_sections(
        tuple(
            para(t)
            for t in (
                "Check against delivery",
                "Security and cooperation in the region",
                "Mr. Chair,",
                EN_BODY_1,
                EN_BODY_2,
            )
        )
    )
    assert result.preamble == ("Check against delivery",)
    assert result.title == "Security and cooperation in the region"


def test_bold_title_after_a_small_line() -> None:
    result = assign_sections(
        (
            laid_out("Check against delivery", size=10),
            laid_out("On the security situation in the region", bold=True),
            laid_out("Mr. Chair,"),
            laid_out(EN_BODY_1),
        )
    )
    assert result.preamble == ("Check against delivery",)
    assert result.title == "On the security situation in the region"


# --- body sentences that name an issuer ----------------------------------------------------


def test_short_body_sentence_naming_a_mission_is_body() -> None:
    first = "We fully support the work of the OSCE Mission to Moldova."
    result = assign_sections(
        tuple(para(t) for t in ("On the situation in Moldova", first, EN_BODY_1, EN_BODY_2))
    )
    assert result.title == "On the situation in Moldova"
    assert [p.text for p in result.body] == [first, EN_BODY_1, EN_BODY_2]


# --- salutation blocks, closings by function, signatory blocks --------------------------------


def test_salutation_block_of_several_lines_is_one_address() -> None:
    lines = ("Mr. President,", "Excellencies,", "Ladies and gentlemen,")
    result = assign_sections(tuple(para(t) for t in (*lines, EN_BODY_1, EN_BODY_2)))
    assert result.address == "Mr. President,\nExcellencies,\nLadies and gentlemen,"
    assert result.title is None
    assert [p.text for p in result.body] == [EN_BODY_1, EN_BODY_2]


def test_salutation_block_reflowed_into_one_paragraph_keeps_its_lines() -> None:
    lines = ("Mr President", "Secretary-General", "Excellencies")
    block = Paragraph(" ".join(lines), tuple(make_line(t) for t in lines))
    result = assign_sections((block, para(EN_BODY_1)))
    assert result.address == "Mr President\nSecretary-General\nExcellencies"
    assert result.title is None


def test_salutation_in_capitals_after_a_title_is_not_part_of_the_title() -> None:
    texts = ("Building a Safer World after the Pandemic", "MR. PRESIDENT,", EN_BODY_1)
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.title == "Building a Safer World after the Pandemic"
    assert result.address == "MR. PRESIDENT,"


def test_letter_recipient_block_is_preamble_and_the_last_vocative_is_the_address() -> None:
    texts = (
        "His Excellency",
        "Mr. Rafael Moreno",
        "Secretary-General of the United Nations",
        "New York",
        "Dear Secretary-General,",
        EN_BODY_1,
    )
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.address == "Dear Secretary-General,"
    assert result.preamble == texts[:4]
    assert result.title is None


def test_opening_thanks_is_body_not_title() -> None:
    texts = ("Thank you, Mr President.", EN_BODY_1, "Thank you, Mr President.")
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.title is None
    assert [p.text for p in result.body] == ["Thank you, Mr President.", EN_BODY_1]
    assert result.closing == "Thank you, Mr President."


def test_letter_closing_and_signature_block() -> None:
    texts = (
        "Уважаемый Виктор Андреевич,",
        RU_BODY_1,
        "С уважением,",
        "(Подпись) И. Кравченко",
        "Полномочный представитель",
    )
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.closing == "С уважением,"
    assert result.signature == "(Подпись) И. Кравченко\nПолномочный представитель"
    assert [p.text for p in result.body] == [RU_BODY_1]


def test_signature_lines_reflowed_into_the_closing_paragraph_are_split_off() -> None:
    lines = ("Thank you, Mr. Chairperson.", "Ambassador Barbara Kovač", "Permanent Representative")
    tail = Paragraph(" ".join(lines), tuple(make_line(t) for t in lines))
    result = assign_sections((para("Mr. Chairperson,"), para(EN_BODY_1), tail))
    assert result.closing == "Thank you, Mr. Chairperson."
    assert result.signature == "Ambassador Barbara Kovač\nPermanent Representative"


def test_a_lone_name_without_a_closing_stays_in_the_body() -> None:
    result = assign_sections((para("Mr. Chair,"), para(EN_BODY_1), para("Jane Morrow")))
    assert result.signature is None
    assert result.body[-1].text == "Jane Morrow"


def test_note_verbale_request_and_complimentary_close_are_one_closing() -> None:
    request = "Просим распространить текст настоящего заявления в качестве официального документа."
    compliment = (
        "Постоянное представительство пользуется случаем, чтобы возобновить уверения в своем "
        "высоком уважении."
    )
    result = assign_sections(tuple(para(t) for t in (RU_BODY_1, request, compliment)))
    assert result.closing == f"{request}\n{compliment}"


def test_a_parting_wish_closes_only_as_the_last_formula() -> None:
    wish = "I wish you every success in your deliberations."
    last = assign_sections(tuple(para(t) for t in ("Mr. Chair,", EN_BODY_1, wish)))
    assert last.closing == wish
    before_thanks = assign_sections(
        tuple(para(t) for t in ("Mr. Chair,", EN_BODY_1, wish, "I thank you."))
    )
    assert before_thanks.closing == "I thank you."
    assert before_thanks.body[-1].text == wish


def test_parting_exclamation_after_thanks_belongs_to_the_closing() -> None:
    result = assign_sections(
        tuple(para(t) for t in ("Mr. Chair,", EN_BODY_1, "Thank you.", "Long live peace!"))
    )
    assert result.closing == "Thank you.\nLong live peace!"


def test_byline_with_nothing_after_it_is_the_title() -> None:
    texts = (
        "Вена, 6 марта 2024 года",
        "Выступление представителя Российской Федерации",
        "Господин Председатель,",
        RU_BODY_1,
    )
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.title == "Выступление представителя Российской Федерации"
    assert result.preamble == ("Вена, 6 марта 2024 года",)


def test_bold_title_by_layout_even_in_the_shape_of_a_byline() -> None:
    result = assign_sections(
        (
            laid_out("Вена, 6 марта 2024 года", size=10),
            laid_out("Выступление главы делегации в ходе общей дискуссии", size=15, bold=True),
            laid_out("Господин Председатель,"),
            laid_out(RU_BODY_1),
        )
    )
    assert result.title == "Выступление главы делегации в ходе общей дискуссии"


def test_byline_title_wrapped_over_two_paragraphs_is_one_title() -> None:
    texts = (
        "Нью-Йорк, 23 октября 2024 года",
        "Выступление представителя Российской Федерации в",
        "порядке осуществления права на ответ",
        "ГОСПОДИН ПРЕДСЕДАТЕЛЬ,",
        RU_BODY_1,
    )
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.title == " ".join(texts[1:3])
    assert result.address == "ГОСПОДИН ПРЕДСЕДАТЕЛЬ,"


def test_opening_words_split_off_their_paragraph_are_body_not_title() -> None:
    texts = ("May I first", "congratulate you, Sir, on your election.", EN_BODY_1)
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.title is None
    assert result.body[0].text == "May I first congratulate you, Sir, on your election."


def test_right_aligned_reference_block_of_a_letter_is_preamble_not_title() -> None:
    result = assign_sections(
        (
            Paragraph(
                "Geneva, the third of July", (boxed("Geneva, the third of July", 60, x0=380),)
            ),
            Paragraph("Madam Chair,", (boxed("Madam Chair,", 100),)),
            Paragraph(EN_BODY_1, (boxed(EN_BODY_1, 130, x1=520),)),
        )
    )
    assert result.title is None
    assert result.preamble == ("Geneva, the third of July",)


def test_two_name_like_lines_without_a_closing_are_no_signature() -> None:
    texts = ("Mr. Chair,", EN_BODY_1, "VPB FINANCE S.A.", "Luxembourg, Grand Duchy of Luxembourg")
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.signature is None


def test_a_name_and_a_function_without_a_closing_are_a_signature() -> None:
    texts = ("Mr. Chair,", EN_BODY_1, "Jane Morrow", "Permanent Representative")
    result = assign_sections(tuple(para(t) for t in texts))
    assert result.signature == "Jane Morrow\nPermanent Representative"


def test_preamble_keeps_the_lines_reflow_joined() -> None:
    lines = ("Permanent Mission of Examplestan to the United Nations", "New York, 21 May 2025")
    joined = Paragraph(" ".join(lines), tuple(make_line(t) for t in lines))
    result = assign_sections((joined, para("Madam President,"), para(EN_BODY_1)))
    assert result.preamble == lines
