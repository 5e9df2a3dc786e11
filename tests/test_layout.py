"""Reading order by layout: columns found from the page's geometry, read one after the other."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.config import Config
from pipeline.layout import Gutter, find_gutters, order_page, reading_order
from pipeline.models import Box, Document, Line, Origin, Page
from pipeline.process import extract, process_path
from tests.pdfgen import ENGLISH_PARAGRAPHS, RUSSIAN_PARAGRAPHS, register_fonts, wrap_plain

FONT, SIZE, PITCH = "DejaVuSerif", 10.0, 13.0
MARGIN, GUTTER = 56.0, 24.0
TITLE = "Report of the Committee on the Peaceful Uses of Outer Space"
MAX_CER = 0.01


def column_page(
    path: Path, paragraphs: Sequence[str], columns: int, title: str | None = None
) -> Path:
    """One A4 page: an optional full-width title, then ``paragraphs`` flowing down
    ``columns`` columns (a blank line between paragraphs)."""
    register_fonts()
    width = (A4[0] - 2 * MARGIN - (columns - 1) * GUTTER) / columns
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(wrap_plain(paragraph, width, FONT, SIZE))
        lines.append("")
    top = A4[1] - MARGIN
    canvas = Canvas(str(path), pagesize=A4)
    if title:
        canvas.setFont("DejaVuSerif-Bold", 14)
        canvas.drawCentredString(A4[0] / 2, top, title)
        top -= 3 * PITCH
    per_column = -(-len(lines) // columns)
    canvas.setFont(FONT, SIZE)
    for index, text in enumerate(lines):
        column, row = divmod(index, per_column)
        canvas.drawString(MARGIN + column * (width + GUTTER), top - row * PITCH, text)
    canvas.showPage()
    canvas.save()
    return path


def drawn_text(paragraphs: Sequence[str], title: str | None = None) -> str:
    return " ".join(([title] if title else []) + list(paragraphs))


def document_text(document: Document) -> str:
    s = document.sections
    parts = [*s.preamble, s.title, s.address, *(p.text for p in s.body), s.closing, s.signature]
    return " ".join(part for part in parts if part)


def cer(got: str, want: str) -> float:
    """Character error rate: Levenshtein distance over the reference's length."""
    got, want = " ".join(got.split()), " ".join(want.split())
    previous = list(range(len(got) + 1))
    for i, wanted in enumerate(want, start=1):
        current = [i]
        for j, char in enumerate(got, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (wanted != char))
            )
        previous = current
    return previous[-1] / max(len(want), 1)


# --- pure geometry ---------------------------------------------------------------------------


def line_at(text: str, x0: float, x1: float, top: float) -> Line:
    return Line(text, page=1, origin=Origin.OCR, box=Box(x0, top, x1, top + 10), size=10)


def two_columns(rows: int = 5) -> list[Line]:
    left = [line_at(f"left {row}", 50, 280, 100 + 13 * row) for row in range(rows)]
    right = [line_at(f"right {row}", 310, 540, 100 + 13 * row) for row in range(rows)]
    return left + right


def test_gutter_between_two_columns_is_found() -> None:
    lines = two_columns()
    (gutter,) = find_gutters([line.box for line in lines if line.box])
    assert gutter.x0 >= 280
    assert gutter.x1 <= 310


def test_single_column_page_has_no_gutter() -> None:
    lines = [line_at(f"line {row}", 50, 540 - (row % 3) * 40, 100 + 13 * row) for row in range(20)]
    assert find_gutters([line.box for line in lines if line.box]) == ()


def test_letterhead_beside_a_date_is_not_two_columns() -> None:
    """Two short blocks side by side for a line or two are a letterhead, not columns."""
    lines = [
        line_at("Ministry of Foreign Affairs", 50, 200, 60),
        line_at("of the Republic", 50, 150, 73),
        line_at("Kyiv, 15 August 2022", 400, 540, 60),
    ] + [line_at(f"body {row}", 50, 540, 120 + 13 * row) for row in range(15)]
    page = Page(1, tuple(lines), "ocr")
    assert order_page(page) == page


def test_columns_read_one_after_the_other_title_and_footer_in_place() -> None:
    title = line_at("TITLE", 150, 440, 60)
    footer = line_at("- 1 -", 200, 390, 800)
    page = Page(1, (title, *two_columns(), footer), "ocr")
    texts = [line.text for line in order_page(page).lines]
    assert texts == ["TITLE", *(f"left {r}" for r in range(5)), *(f"right {r}" for r in range(5)),
                     "- 1 -"]  # fmt: skip


def test_full_width_block_between_column_bands_keeps_its_place() -> None:
    upper = two_columns(4)
    middle = line_at("A full-width heading across both columns", 50, 540, 170)
    lower = [
        line_at(f"{side} {row}", x0, x0 + 230, 190 + 13 * row)
        for side, x0 in (("lower-left", 50), ("lower-right", 310))
        for row in range(4)
    ]
    gutters = (Gutter(280, 310),)
    texts = [line.text for line in reading_order([*lower, middle, *upper], gutters)]
    assert texts.index("left 3") < texts.index("right 0") < texts.index(middle.text)
    assert texts.index(middle.text) < texts.index("lower-left 0") < texts.index("lower-right 0")


# --- generated pages through the pipeline ----------------------------------------------------


@pytest.mark.parametrize("columns", [2, 3])
def test_text_layer_columns_read_column_by_column(tmp_path: Path, columns: int) -> None:
    paragraphs = ENGLISH_PARAGRAPHS[:3]
    pdf = column_page(tmp_path / "columns.pdf", paragraphs, columns)
    document = process_path(pdf, Config(ocr="never"))
    assert cer(document_text(document), drawn_text(paragraphs)) <= MAX_CER


def test_full_width_title_over_two_columns(tmp_path: Path) -> None:
    """The title stays first, then the left column, then the right one (the reading order the
    shared stages get); the sections stage finds the title."""
    paragraphs = RUSSIAN_PARAGRAPHS[:3]
    pdf = column_page(tmp_path / "titled.pdf", paragraphs, 2, title=TITLE)
    data = pdf.read_bytes()
    (page,) = extract(data, "application/pdf", Config(ocr="never")).pages
    assert page.lines[0].text == TITLE
    reading = " ".join(line.text for line in page.lines)
    assert cer(reading, drawn_text(paragraphs, TITLE)) <= MAX_CER
    assert process_path(pdf, Config(ocr="never")).sections.title == TITLE


@pytest.mark.slow
def test_scanned_column_page_read_column_by_column(tmp_path: Path) -> None:
    paragraphs = ENGLISH_PARAGRAPHS[:2]
    pdf = column_page(tmp_path / "columns.pdf", paragraphs, 2, title=TITLE)
    document = process_path(pdf, Config(ocr="always"))
    assert [page.method for page in document.pages] == ["ocr"]
    assert cer(document_text(document), drawn_text(paragraphs, TITLE)) <= MAX_CER
