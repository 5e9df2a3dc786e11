"""Letters drawn by the test and read back: a covering letter under a two-column masthead with an
annex after its signature, and a ministry letter with back matter at the page foot.

The organ's letter has a masthead (organ names and session on the left, distribution, symbol,
date and language notes on the right, upper-case agenda items below the left column), a title,
a covering letter whose first sentence introduces a list, a signatory block, then on a new page
an annex with its own signature. The ministry letter (Russian, Ukrainian) has a letterhead, a
reference and recipient block, a salutation, a complimentary close without a comma, the
signatory's function and name on one line, and at the foot of the page, in small type, the
executor's note, contacts and an e-signature stamp.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import Config, process_bytes, process_path
from pipeline.config import OcrMode
from pipeline.models import Document
from pipeline.review import review_page
from pipeline.schema import DocumentModel, json_schema
from tests.pdfgen import make_scan_tiff, register_fonts, text_width, wrap_paragraph, wrap_plain

FONT, BOLD, SMALL = "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSans"
WIDTH, HEIGHT = A4
MARGIN = 72.0
MEASURE = WIDTH - 2 * MARGIN


class Page:
    """Draws lines top to bottom on one canvas page; ``y`` is the next baseline from the top."""

    def __init__(self, canvas: Canvas, top: float = 60.0) -> None:
        self.canvas = canvas
        self.y = top

    def text(self, text: str, x: float, *, font: str = FONT, size: float = 12.0) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, HEIGHT - self.y, text)

    def line(self, text: str, x: float = MARGIN, *, font: str = FONT, size: float = 12.0) -> None:
        self.y += size * 1.4
        self.text(text, x, font=font, size=size)

    def centred(self, text: str, *, font: str = FONT, size: float = 12.0) -> None:
        for part in wrap_plain(text, MEASURE * 0.75, font, size):
            self.line(part, (WIDTH - text_width(part, font, size)) / 2, font=font, size=size)

    def paragraph(self, text: str, *, indent: float = 30.0) -> None:
        self.y += 8.0
        wrapped = wrap_paragraph(text, MEASURE - indent, MEASURE, FONT, 12.0, None, "")
        for number, part in enumerate(wrapped):
            self.line(" ".join(part.words), MARGIN + (indent if number == 0 else 0.0))

    def right(self, text: str, *, size: float = 12.0) -> None:
        self.line(text, WIDTH - MARGIN - text_width(text, FONT, size), size=size)


# --- a covering letter under a masthead, with an annex ---------------------------------------


@dataclass(frozen=True)
class OrganLetter:
    left: tuple[str, ...]
    right: tuple[str, ...]
    agenda: tuple[str, ...]
    title: str
    intro: str
    items: tuple[str, ...]
    request: str
    signature: tuple[str, ...]
    annex_heading: str
    annex_title: str
    annex_body: tuple[str, ...]
    annex_signature: tuple[str, ...]


ORGAN_LETTER = OrganLetter(
    left=("Assembly of Examples", "Council of Examples", "Ninth session", "Third year"),
    right=("Distr.: General", "E/2025/41", "4 March 2025", "Original: French"),
    agenda=("Agenda item 7", "QUESTIONS OF REGIONAL CO-OPERATION", "AND OF TRANSPORT CORRIDORS"),
    title="Letter dated 3 March 2025 from the Permanent Representative of Examplestan to the "
    "Organization addressed to the President of the Council",
    intro="On instructions from my Government, I forward herewith the following documents:",
    items=(
        "(a) The joint communiqué of the ministers of transport of the region (annex I);",
        "(b) The plan of action on the northern corridor (annex II).",
    ),
    request="I should be grateful if the present letter and its annexes could be issued as a "
    "document of the Assembly under agenda item 7 and of the Council.",
    signature=("(Signed) Jane Q. Morrow", "Permanent Representative"),
    annex_heading="Annex I",
    annex_title="Joint communiqué of the ministers of transport",
    annex_body=(
        "The ministers met in the capital on 1 March 2025 and reviewed the progress made since "
        "their previous meeting on the opening of the northern corridor to freight traffic.",
        "They agreed to harmonize the rules on transit permits before the end of the year and "
        "to report on the results at their next meeting.",
    ),
    annex_signature=("(Signed) Peter Roe", "Minister of Transport"),
)


def draw_organ_letter(letter: OrganLetter, path: Path) -> Path:
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    page = Page(canvas)
    for left, right in zip(letter.left, letter.right, strict=True):
        page.line(left, MARGIN, font=SMALL, size=11.0)
        page.text(right, 380.0, font=SMALL, size=11.0)
    for text in letter.agenda:
        page.line(text, MARGIN, font=SMALL, size=11.0)
    page.y += 36.0
    page.centred(letter.title)
    page.y += 18.0
    page.paragraph(letter.intro)
    for item in letter.items:
        page.paragraph(item)
    page.paragraph(letter.request)
    page.y += 24.0
    for text in letter.signature:
        page.line(text, 330.0)
    canvas.showPage()
    page = Page(canvas, top=90.0)
    page.centred(letter.annex_heading, font=BOLD)
    page.y += 12.0
    page.centred(letter.annex_title, font=BOLD)
    for text in letter.annex_body:
        page.paragraph(text)
    page.y += 24.0
    for text in letter.annex_signature:
        page.line(text, 330.0)
    canvas.showPage()
    canvas.save()
    return path


def test_covering_letter_under_a_masthead_keeps_its_parts(tmp_path: Path) -> None:
    letter = ORGAN_LETTER
    pdf = draw_organ_letter(letter, tmp_path / "organ.pdf")
    document = process_bytes(pdf.read_bytes(), "organ.pdf", Config(ocr=OcrMode.NEVER))
    sections = document.sections

    assert sorted(sections.preamble) == sorted(letter.left + letter.right + letter.agenda)
    assert sections.title == letter.title
    assert sections.closing == letter.request  # a request to issue the letter closes it
    assert sections.signature == "\n".join(letter.signature)
    body = [p.text for p in sections.body]
    annex = [letter.annex_heading, letter.annex_title, *letter.annex_body]
    assert body[: 1 + len(letter.items) + len(annex)] == [letter.intro, *letter.items, *annex]
    assert "\n".join(letter.annex_signature) in "\n".join(body)
    assert document.metadata.symbol is not None
    assert document.metadata.symbol.value == "E/2025/41"
    assert document.metadata.date is not None
    assert document.metadata.date.value == "2025-03-04"


@pytest.mark.slow
def test_covering_letter_under_a_masthead_as_a_scan(tmp_path: Path) -> None:
    letter = ORGAN_LETTER
    pdf = draw_organ_letter(letter, tmp_path / "organ.pdf")
    scan = make_scan_tiff(tmp_path / "organ.tif", pdf)
    sections = process_path(scan, Config(ocr=OcrMode.ALWAYS)).sections

    preamble = " ".join(sections.preamble)
    for text in letter.left + letter.right + letter.agenda:
        assert text.split()[-1] in preamble
    assert sections.title == letter.title
    assert sections.signature == "\n".join(letter.signature)
    body = [p.text for p in sections.body]
    assert body[0] == letter.intro
    assert any(text.startswith(letter.annex_heading) for text in body)  # maybe with its title
    assert "Peter Roe" in " ".join(body)


# --- a ministry letter with back matter at the page foot -------------------------------------


@dataclass(frozen=True)
class MinistryLetter:
    letterhead: tuple[str, ...]
    reference: str
    recipient: tuple[str, ...]
    salutation: str
    body: tuple[str, ...]
    closing: str
    function: str
    name: str
    foot: tuple[str, ...]


MINISTRY_LETTERS = {
    "ru": MinistryLetter(
        letterhead=("Министерство примерных дел", "Республики Примерия"),
        reference="№ 12-04/2231 от 5 марта 2025 г.",
        recipient=("Председателю Комитета", "по вопросам образования", "И. И. Иванову"),
        salutation="Уважаемый Иван Иванович!",
        body=(
            "В ответ на Ваше обращение сообщаем, что запрошенные Вами сведения о ходе "
            "подготовки соглашения направлены в профильный департамент для изучения.",
            "О результатах рассмотрения Вашего обращения Вы будете проинформированы "
            "дополнительно в установленный срок.",
        ),
        closing="С уважением",
        function="Первый заместитель Министра",
        name="П. П. Петров",
        foot=(
            "Исп. С. С. Сидоров",
            "+7 495 123-45-67",
            "sidorov@example.org",
            "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
            "Сертификат 0A1B2C3D4E",
            "Действителен с 01.02.2025 по 01.02.2026",
        ),
    ),
    "uk": MinistryLetter(
        letterhead=("Міністерство прикладних справ", "Республіки Прикладія"),
        reference="№ 31-07/118 від 12 травня 2025 р.",
        recipient=("Голові Комітету", "з питань освіти", "О. О. Коваленку"),
        salutation="Шановний Олександре Олександровичу!",
        body=(
            "У відповідь на Ваше звернення повідомляємо, що запитані Вами відомості про хід "
            "підготовки угоди передано до профільного департаменту для опрацювання.",
            "Про результати розгляду Вашого звернення Вас буде поінформовано додатково у "
            "встановлений строк.",
        ),
        closing="З повагою",
        function="Перший заступник Міністра",
        name="Петро ПЕТРЕНКО",
        foot=(
            "Вик. І. Шевченко",
            "+380 44 123 45 67",
            "shevchenko@example.org",
            "ДОКУМЕНТ ПІДПИСАНО ЕЛЕКТРОННИМ ПІДПИСОМ",
            "Сертифікат 0A1B2C3D4E",
            "Дійсний з 01.02.2025 по 01.02.2026",
        ),
    ),
}


def draw_ministry_letter(letter: MinistryLetter, path: Path) -> Path:
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    page = Page(canvas)
    for text in letter.letterhead:
        page.centred(text, font=SMALL, size=11.0)
    page.y += 24.0
    page.line(letter.reference, size=10.0)
    page.y += 12.0
    for text in letter.recipient:
        page.line(text, 320.0)
    page.y += 24.0
    page.centred(letter.salutation)
    for text in letter.body:
        page.paragraph(text)
    page.y += 24.0
    page.line(letter.closing, MARGIN + 30.0)
    page.y += 12.0
    page.line(f"{letter.function}          {letter.name}")
    page.y = HEIGHT - 170.0  # the foot of the page, in small type
    for text in letter.foot:
        page.line(text, size=8.0)
    canvas.showPage()
    canvas.save()
    return path


@pytest.mark.parametrize("language", sorted(MINISTRY_LETTERS))
def test_ministry_letter_back_matter_leaves_the_body(tmp_path: Path, language: str) -> None:
    letter = MINISTRY_LETTERS[language]
    pdf = draw_ministry_letter(letter, tmp_path / "letter.pdf")
    document = process_bytes(pdf.read_bytes(), "letter.pdf", Config(ocr=OcrMode.NEVER))
    sections = document.sections

    assert [p.text for p in sections.body] == list(letter.body)
    assert sections.address == letter.salutation
    assert sections.closing == letter.closing
    assert sections.signature is not None
    assert sections.signature.split() == f"{letter.function} {letter.name}".split()
    assert sections.back_matter == letter.foot
    assert sections.preamble[-len(letter.recipient) :] == letter.recipient
    assert_nothing_lost(document, letter)


def assert_nothing_lost(document: Document, letter: MinistryLetter) -> None:
    """Every word drawn is in the result's plain text."""
    text = document.to_text()
    for line in (*letter.foot, letter.closing, letter.name):
        for word in line.split():
            assert word in text


@pytest.mark.slow
def test_ministry_letter_back_matter_leaves_the_body_of_a_scan(tmp_path: Path) -> None:
    letter = MINISTRY_LETTERS["uk"]
    pdf = draw_ministry_letter(letter, tmp_path / "letter.pdf")
    scan = make_scan_tiff(tmp_path / "letter.tif", pdf)
    sections = process_path(scan, Config(ocr=OcrMode.ALWAYS)).sections

    assert len(sections.body) == len(letter.body)
    assert sections.closing == letter.closing
    assert sections.signature is not None
    assert sections.signature.startswith(letter.function)
    assert len(sections.back_matter) == len(letter.foot)
    assert sections.back_matter[0].startswith("Вик.")
    assert "example.org" in sections.back_matter[2]


def test_back_matter_is_in_every_rendering_and_the_review_page(tmp_path: Path) -> None:
    letter = MINISTRY_LETTERS["ru"]
    pdf = draw_ministry_letter(letter, tmp_path / "letter.pdf")
    document = process_bytes(pdf.read_bytes(), "letter.pdf", Config(ocr=OcrMode.NEVER))
    data = document.to_dict("test")

    Draft202012Validator(json_schema()).validate(data)
    assert data["back_matter"] == list(letter.foot)
    back_regions = [r for r in data["regions"] if r["role"] == "back_matter"]  # type: ignore[union-attr]
    assert [r["text"] for r in back_regions] == list(letter.foot)
    assert all(r["box"]["top"] > 600 for r in back_regions)  # at the foot of the page
    assert document.to_text().rstrip().endswith("\n".join(letter.foot))
    front = document.to_markdown().split("\n---\n")[0]
    assert "back_matter:" in front
    assert all(json.dumps(line, ensure_ascii=False) in front for line in letter.foot)
    page = review_page(DocumentModel.model_validate(data), pdf.read_bytes())
    for index, line in enumerate(letter.foot):
        assert f'data-ref="back_matter{index}"' in page
        assert html.escape(line) in page
