"""Whole documents drawn by the test, read back into their sections: several layout families of
letters, notes verbales and speeches (reportlab, DejaVu), and the plain text of each.

Each document is a ``Letter``: head lines with their alignment, a title (or none), a salutation
block of one or more lines, body paragraphs, closing formulas and a signatory block. The test
draws it as a text-layer PDF in a given layout and as the extracted text a user gets from one
(lines with a blank line after each), and checks every section of the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import Config, process_bytes
from tests.pdfgen import register_fonts, text_width, wrap_paragraph, wrap_plain

RU_BODY = (
    "Имею честь препроводить настоящим текст совместного заявления министров иностранных дел "
    "государств региона, принятого по итогам их встречи, и сообщить о позиции нашей страны по "
    "вопросам, которые в нем затронуты.",
    "Мы последовательно выступаем за урегулирование всех споров исключительно мирными "
    "средствами, на основе норм международного права и принципов Устава, при уважении "
    "законных интересов всех сторон.",
)
EN_BODY = (
    "The delegation has studied the report with great attention and shares many of its "
    "conclusions, in particular those on the protection of civilians and on the humanitarian "
    "access that remains restricted in several regions.",
    "We call on all parties to engage in good faith in the negotiations under the auspices of "
    "the Organization, and we stand ready to support every effort that brings a lasting "
    "settlement closer.",
)


@dataclass(frozen=True)
class Letter:
    head: tuple[tuple[str, str], ...]  # (text, alignment) above the title
    title: str | None
    salutation: tuple[str, ...]
    body: tuple[str, ...]
    closing: tuple[str, ...]
    signature: tuple[str, ...]


@dataclass(frozen=True)
class Style:
    """One layout family."""

    font: str = "DejaVuSerif"
    size: float = 12.0
    leading: float = 1.4
    title_size: float = 14.0
    title_bold: bool = True
    indent: float = 30.0
    paragraph_gap: float = 8.0
    margin: float = 72.0


STYLES = {
    "serif, indented, bold title": Style(),
    "sans, block paragraphs, large title": Style(
        font="DejaVuSans", size=11.0, title_size=16.0, title_bold=False, indent=0.0
    ),
    "narrow, tight leading": Style(size=10.5, leading=1.2, margin=110.0, paragraph_gap=4.0),
}

LETTERS = {
    "ru letter": Letter(
        head=(
            ("Постоянное представительство Республики Примерии при ООН", "center"),
            ("№ 05-12/412", "left"),
            ("Нью-Йорк, 3 июля 2025 года", "right"),
            ("Его Превосходительству", "right"),
            ("Генеральному секретарю Организации Объединенных Наций", "right"),
        ),
        title=None,
        salutation=("Уважаемый господин Генеральный секретарь!",),
        body=RU_BODY,
        closing=(
            "Буду признателен за распространение настоящего письма в качестве документа "
            "Генеральной Ассамблеи.",
            "Примите, Ваше Превосходительство, уверения в моем глубоком уважении.",
        ),
        signature=("(Подпись) А. Петров", "Постоянный представитель"),
    ),
    "en speech": Letter(
        head=(
            ("Permanent Mission of Examplestan to the United Nations", "center"),
            ("New York, 21 May 2025", "right"),
            ("Check against delivery", "right"),
        ),
        title="Protection of civilians: from commitments to action",
        salutation=("Madam President,", "Excellencies,", "Distinguished delegates,"),
        body=EN_BODY,
        closing=(
            "I thank you, Madam President.",
            "I kindly ask that this statement be reflected in the journal of the day.",
        ),
        signature=(),
    ),
    "en note with a signature": Letter(
        head=(("Delegation of Examplestan", "center"), ("Ref.: EX/2025/117", "right")),
        title="On the situation in the region",
        salutation=("MR. CHAIR", "DEAR COLLEAGUES"),
        body=EN_BODY,
        closing=("Yours sincerely,",),
        signature=("Jane Q. Morrow", "Ambassador, Head of Delegation"),
    ),
}


def _draw(letter: Letter, style: Style, path: Path) -> Path:
    register_fonts()
    width, height = A4
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    y = 60.0
    measure = width - 2 * style.margin
    small = style.size - 1.5

    def line(text: str, x: float, font: str, size: float) -> None:
        nonlocal y
        y += size * style.leading
        canvas.setFont(font, size)
        canvas.drawString(x, height - y, text)

    for text, align in letter.head:
        w = text_width(text, "DejaVuSans", small)
        x = {"left": style.margin, "center": (width - w) / 2, "right": width - style.margin - w}
        line(text, x[align], "DejaVuSans", small)
    y += style.size * 2
    if letter.title:
        font = "DejaVuSerif-Bold" if style.title_bold else style.font
        for part in wrap_plain(letter.title, measure * 0.9, font, style.title_size):
            line(
                part, (width - text_width(part, font, style.title_size)) / 2, font, style.title_size
            )
        y += style.size
    for text in letter.salutation:
        line(text, style.margin, style.font, style.size)
    for block in (*letter.body, *letter.closing):
        y += style.paragraph_gap
        wrapped = wrap_paragraph(
            block, measure - style.indent, measure, style.font, style.size, None, ""
        )
        for number, part in enumerate(wrapped):
            x = style.margin + (style.indent if number == 0 else 0.0)
            line(" ".join(part.words), x, style.font, style.size)
    y += style.size * 2
    for text in letter.signature:
        line(text, style.margin, style.font, style.size)
    canvas.showPage()
    canvas.save()
    return path


def _plain_text(letter: Letter) -> str:
    """The letter as extracted text: wrapped lines, each followed by a blank line."""
    lines = [text for text, _ in letter.head]
    if letter.title:
        lines.append(letter.title)
    lines += letter.salutation
    for block in (*letter.body, *letter.closing):
        lines += wrap_plain(block, 430, "DejaVuSerif", 12.0)
    lines += letter.signature
    return "".join(f"{line}\n\n" for line in lines)


def _check(result: dict[str, object], letter: Letter) -> None:
    assert result["title"] == letter.title
    assert result["address"] == "\n".join(letter.salutation)
    assert [p["text"] for p in result["body"]] == list(letter.body)  # type: ignore[union-attr]
    assert result["closing"] == "\n".join(letter.closing)
    assert result["signature"] == ("\n".join(letter.signature) or None)
    assert result["preamble"] == [text for text, _ in letter.head]


@pytest.mark.parametrize("style", STYLES.values(), ids=list(STYLES))
@pytest.mark.parametrize("letter", LETTERS.values(), ids=list(LETTERS))
def test_drawn_document_comes_back_in_its_sections(
    tmp_path: Path, letter: Letter, style: Style
) -> None:
    pdf = _draw(letter, style, tmp_path / "letter.pdf")
    document = process_bytes(pdf.read_bytes(), "letter.pdf", Config())
    _check(document.to_dict("test"), letter)


@pytest.mark.parametrize("letter", LETTERS.values(), ids=list(LETTERS))
def test_plain_text_of_the_document_comes_back_in_its_sections(letter: Letter) -> None:
    data = _plain_text(letter).encode("utf-8")
    document = process_bytes(data, "letter.txt", Config())
    _check(document.to_dict("test"), letter)
