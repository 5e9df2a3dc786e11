"""Sections of letters: the masthead, a sentence introducing a list, annexes after a covering
letter, the back matter after a signatory block, and signatory functions with a rank."""

from __future__ import annotations

import pytest

from pipeline.ending import is_annex_heading, is_labelled_back_matter, split_back_matter
from pipeline.formulas import signature_line_kind
from pipeline.masthead import masthead_length, side_by_side
from pipeline.models import Box, Line, Paragraph
from pipeline.opening import head_end
from pipeline.sections import assign_sections
from tests.helpers import LEFT, PITCH, RIGHT, boxed, full, load_cases, make_line

# --- case tables ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), load_cases("sections", "is_annex_heading"))
def test_is_annex_heading(text: str, expected: bool) -> None:
    assert is_annex_heading(text) is expected


@pytest.mark.parametrize(("text", "expected"), load_cases("sections", "is_labelled_back_matter"))
def test_is_labelled_back_matter(text: str, expected: bool) -> None:
    assert is_labelled_back_matter(text) is expected


@pytest.mark.parametrize(("text", "expected"), load_cases("sections", "signature_line_kind"))
def test_signature_line_kind(text: str, expected: str | None) -> None:
    assert signature_line_kind(text) == expected


# --- builders ---------------------------------------------------------------------------------

EN_BODY = (
    "We have carefully studied the report of the Secretary-General and would like to note "
    "several points concerning co-operation among the participating States."
)
EN_BODY_2 = "We consider it important to continue the dialogue on all items of the agenda."
RU_BODY = (
    "Сообщаем, что запрошенные Вами сведения направлены в профильный департамент для изучения "
    "и подготовки ответа в установленный срок."
)


def para(text: str, page: int = 1) -> Paragraph:
    """A plain-text paragraph (no layout known)."""
    return Paragraph(text=text, lines=(make_line(text, page),))


def one_line(line: Line) -> Paragraph:
    return Paragraph(text=line.text, lines=(line,))


def texts(paragraphs: tuple[Paragraph, ...] | list[Paragraph]) -> list[str]:
    return [p.text for p in paragraphs]


# --- the masthead -----------------------------------------------------------------------------


def test_boxes_on_one_row_apart_are_side_by_side() -> None:
    left, right = Box(72, 100, 200, 112), Box(380, 102, 460, 113)
    assert side_by_side(left, right)
    assert side_by_side(right, left)
    assert not side_by_side(left, Box(380, 120, 460, 132))  # the next row
    assert not side_by_side(left, Box(150, 100, 300, 112))  # overlapping: one line


def masthead_page() -> list[Paragraph]:
    """Organ names left and symbol, date, language right on four rows; upper-case agenda items
    below the left column; a wide gap; a centred title; the letter's first paragraphs."""
    left = ("Assembly of Examples", "Council of Examples", "Ninth session", "Third year")
    right = ("Distr.: General", "E/2025/41", "4 March 2025", "Original: French")
    paragraphs: list[Paragraph] = []
    top = 60.0
    for left_text, right_text in zip(left, right, strict=True):
        paragraphs.append(one_line(boxed(left_text, top)))
        paragraphs.append(one_line(boxed(right_text, top, x0=380)))
        top += PITCH
    for text in ("QUESTIONS OF REGIONAL CO-OPERATION", "AND OF TRANSPORT CORRIDORS"):
        paragraphs.append(one_line(boxed(text, top)))
        top += PITCH
    top += 3 * PITCH
    title = "Letter dated 3 March 2025 from the Representative addressed to the President"
    paragraphs.append(one_line(boxed(title, top, x0=120)))
    top += 3 * PITCH
    paragraphs.append(one_line(full(EN_BODY, top)))
    paragraphs.append(one_line(full(EN_BODY_2, top + 2 * PITCH)))
    return paragraphs


def test_two_column_masthead_reaches_down_to_the_gap_above_the_title() -> None:
    paragraphs = masthead_page()
    assert masthead_length(paragraphs) == 10  # 4 rows of 2, 2 agenda lines


def test_masthead_is_preamble_and_the_heading_below_it_the_title() -> None:
    paragraphs = masthead_page()
    sections = assign_sections(tuple(paragraphs))
    assert list(sections.preamble) == texts(paragraphs[:10])
    assert sections.title == paragraphs[10].text
    assert [p.text for p in sections.body] == [EN_BODY, EN_BODY_2]


def test_one_reference_beside_a_date_is_no_masthead() -> None:
    paragraphs = [
        one_line(boxed("No. 12/345", 60)),
        one_line(boxed("Geneva, 4 March 2025", 60, x0=380)),
        one_line(full(EN_BODY, 60 + 3 * PITCH)),
    ]
    assert masthead_length(paragraphs) == 0


def test_columns_running_on_into_the_text_without_a_gap_are_no_masthead() -> None:
    # A page read across its columns: side-by-side rows, then text at the same pitch.
    paragraphs = masthead_page()[:8]
    top = 60.0 + 4 * PITCH
    paragraphs.append(one_line(boxed("continued from the left column", top)))
    paragraphs.append(one_line(full(EN_BODY, top + PITCH)))
    assert masthead_length(paragraphs) == 0


def test_without_geometry_there_is_no_masthead() -> None:
    paragraphs = [para("Assembly of Examples"), para("E/2025/41"), para(EN_BODY)]
    assert masthead_length(paragraphs) == 0


def test_masthead_without_a_body_on_its_page_is_left_alone() -> None:
    paragraphs = [*masthead_page()[:10], one_line(full(EN_BODY, 100, page=2))]
    assert masthead_length(paragraphs) == 0


# --- a sentence introducing a list ------------------------------------------------------------


def test_a_sentence_introducing_a_list_opens_the_body() -> None:
    paragraphs = (
        para("Letter dated 3 March 2025 addressed to the President"),
        para("I have the pleasure to forward:"),
        para("(a) The joint communiqué of the ministers;"),
        para("(b) The plan of action."),
    )
    assert head_end(paragraphs) == 1
    sections = assign_sections(paragraphs)
    assert sections.title == paragraphs[0].text
    assert [p.text for p in sections.body] == texts(paragraphs[1:])


def test_a_heading_ending_in_a_colon_without_a_list_stays_in_the_head() -> None:
    paragraphs = (
        para("Statement on the agenda of the Council:"),
        para("the situation in the region"),
        para(EN_BODY),
    )
    assert head_end(paragraphs) == 2


# --- annexes after a covering letter ----------------------------------------------------------


def test_covering_letter_signature_before_an_annex_is_the_signature() -> None:
    paragraphs = (
        para(EN_BODY),
        para("(Signed) Jane Q. Morrow"),
        para("Permanent Representative"),
        para("Annex I", page=2),
        para("Joint communiqué of the ministers", page=2),
        para(EN_BODY_2, page=2),
        para("(Signed) Peter Roe", page=2),
        para("Minister of Transport", page=2),
    )
    sections = assign_sections(paragraphs)
    assert sections.signature == "(Signed) Jane Q. Morrow\nPermanent Representative"
    assert [p.text for p in sections.body] == [EN_BODY, *texts(paragraphs[3:])]


def test_annex_heading_after_unsigned_text_does_not_end_the_letter() -> None:
    paragraphs = (
        para(EN_BODY),
        para("Annex"),
        para(EN_BODY_2),
        para("(Signed) Peter Roe"),
        para("Minister of Transport"),
    )
    sections = assign_sections(paragraphs)
    assert sections.signature == "(Signed) Peter Roe\nMinister of Transport"
    assert [p.text for p in sections.body] == texts(paragraphs[:3])


# --- back matter ------------------------------------------------------------------------------


def foot_of_page(*texts_: str, top: float = 700.0) -> list[Paragraph]:
    """Small-type lines at the foot of the page, one paragraph each."""
    return [one_line(boxed(text, top + 10 * i, size=8.0)) for i, text in enumerate(texts_)]


def signed_letter(top: float = 120.0) -> list[Paragraph]:
    return [
        one_line(full(RU_BODY, top)),
        one_line(boxed("С уважением", top + 2 * PITCH, x0=LEFT + 30)),
        one_line(boxed("Первый заместитель Министра П. П. Петров", top + 3 * PITCH)),
    ]


def test_lines_after_a_wide_gap_below_the_signatory_block_are_back_matter() -> None:
    stamp = ("ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ", "Сертификат 0A1B2C3D4E")
    sections = assign_sections(tuple(signed_letter() + foot_of_page(*stamp)))
    assert sections.closing == "С уважением"
    assert sections.signature == "Первый заместитель Министра П. П. Петров"
    assert sections.back_matter == stamp
    assert [p.text for p in sections.body] == [RU_BODY]


def test_a_labelled_line_needs_no_gap() -> None:
    letter = signed_letter()
    executor = one_line(boxed("Исп. С. С. Сидоров", 120 + 4 * PITCH))
    sections = assign_sections((*letter, executor))
    assert sections.back_matter == ("Исп. С. С. Сидоров",)
    assert sections.signature == letter[-1].text


def test_distribution_after_a_valediction_in_plain_text_is_back_matter() -> None:
    paragraphs = (para(EN_BODY), para("Yours sincerely,"), para("cc: Mission of Examplestan"))
    sections = assign_sections(paragraphs)
    assert sections.closing == "Yours sincerely,"
    assert sections.back_matter == ("cc: Mission of Examplestan",)


def test_a_second_signatory_after_a_gap_is_no_back_matter() -> None:
    letter = signed_letter()
    rest, back_matter = split_back_matter(letter + foot_of_page("(Signed) Peter Roe"), 12.0)
    assert back_matter == ()
    assert len(rest) == len(letter) + 1


def test_text_after_a_gap_without_a_signatory_block_stays_body() -> None:
    paragraphs = [one_line(full(RU_BODY, 120)), *foot_of_page("Сертификат 0A1B2C3D4E")]
    rest, back_matter = split_back_matter(paragraphs, 12.0)
    assert back_matter == ()
    assert rest == paragraphs


def test_a_long_paragraph_after_the_signature_is_not_back_matter() -> None:
    long_text = " ".join([EN_BODY] * 4)
    paragraphs = [
        one_line(full(EN_BODY, 120)),
        one_line(boxed("(Signed) Jane Q. Morrow", 120 + 2 * PITCH, x0=330, x1=RIGHT)),
        *foot_of_page(long_text),
    ]
    assert split_back_matter(paragraphs, 12.0)[1] == ()


def test_annex_heading_reflowed_into_the_annex_title_still_ends_the_letter() -> None:
    heading = Paragraph(
        "Annex I Joint communiqué of the ministers",
        (make_line("Annex I", 2), make_line("Joint communiqué of the ministers", 2)),
    )
    paragraphs = (para(EN_BODY), para("(Signed) Jane Q. Morrow"), heading, para(EN_BODY_2, 2))
    sections = assign_sections(paragraphs)
    assert sections.signature == "(Signed) Jane Q. Morrow"
    assert [p.text for p in sections.body] == [EN_BODY, heading.text, EN_BODY_2]


def test_a_body_paragraph_opening_with_an_annex_reference_does_not_end_the_letter() -> None:
    mention = Paragraph(
        "Annex I to the present letter contains the declaration adopted at the meeting.",
        (
            make_line("Annex I to the present letter contains the declaration"),
            make_line("adopted at the meeting."),
        ),
    )
    paragraphs = (para(EN_BODY), para("(Signed) Jane Q. Morrow"), mention, para(EN_BODY_2))
    assert assign_sections(paragraphs).signature is None


def test_a_salutation_closes_a_two_column_head_without_a_gap() -> None:
    # A letter's head: reference beside recipient on two rows, the salutation at the same pitch.
    paragraphs = [
        one_line(boxed("No. 12/345", 60)),
        one_line(boxed("The Chair of the Committee", 60, x0=330)),
        one_line(boxed("Geneva, 4 March 2025", 60 + PITCH)),
        one_line(boxed("on Transport Corridors", 60 + PITCH, x0=330)),
        one_line(boxed("Dear Madam Chair,", 60 + 2 * PITCH)),
        one_line(full(EN_BODY, 60 + 5 * PITCH)),
    ]
    assert masthead_length(paragraphs) == 4
    sections = assign_sections(tuple(paragraphs))
    assert sections.address == "Dear Madam Chair,"
    assert [p.text for p in sections.body] == [EN_BODY]
