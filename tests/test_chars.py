"""The text layer's characters read from pdfplumber's layout objects (``pipeline.chars``) are
the characters ``page.chars`` gives, duplicates dropped as ``dedupe_chars`` drops them: the
lines extracted are the same as through the old path, on the PDFs the tests draw."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import dedupe_chars
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import extract
from pipeline.chars import layout_chars, page_chars, unique_chars
from pipeline.config import Config
from tests.pdfgen import english_statement, make_text_pdf, register_fonts, russian_statement
from tests.pdfgen import make_statement_pdf as draw_statement

READ_KEYS = ("text", "fontname", "size", "upright", "x0", "x1", "top", "bottom", "doctop")
"""What the pipeline reads of a character (``pipeline.chars`` builds only these)."""
ROW_TOLERANCE = 3.0


def old_unique_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The path before ``pipeline.chars``: ``page.chars``, ``dedupe_chars`` row by row, back
    into content-stream order."""
    stream_order = {id(char): index for index, char in enumerate(chars)}
    rows = cluster_objects(chars, itemgetter("doctop"), ROW_TOLERANCE)
    unique = [char for row in rows for char in dedupe_chars(row)]
    return sorted(unique, key=lambda char: stream_order[id(char)])


def old_page_chars(page: Any) -> list[dict[str, Any]]:
    return old_unique_chars(page.chars)


def only_read_keys(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: char[key] for key in READ_KEYS} for char in chars]


# --- PDFs with what the char reader must get right -----------------------------------------


def shift_mediabox(path: Path) -> Path:
    """The same page with its MediaBox moved off the origin (as cropped scans come): the
    coordinates pdfminer gives are then relative to the box, pdfplumber's to the page."""
    data = path.read_bytes()
    shifted = data.replace(
        b"/MediaBox [ 0 0 595.2756 841.8898 ]", b"/MediaBox [ 9 9 604.2756 850.8898 ]"
    )
    assert shifted != data
    path.write_bytes(shifted)  # same length: the cross-reference offsets still hold
    return path


def draw_odd_page(path: Path) -> Path:
    """Text in a form XObject (a figure), rotated text, twin glyphs on two rows, a fake bold."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    canvas.setFont("DejaVuSerif", 12)
    canvas.beginForm("stamp")
    canvas.setFont("DejaVuSans", 9)
    canvas.drawString(400, 800, "Stamp inside a form XObject")
    canvas.endForm()
    canvas.doForm("stamp")
    for row, text in enumerate(["aaa bbb aaa", "aaa bbb aaa", "Итоги aaa"]):
        y = 700 - row * 1.5 * 12
        canvas.drawString(72, y, text)
        canvas.drawString(72.4, y, text)  # printed twice, 0.4 pt apart: one glyph each
    canvas.saveState()
    canvas.translate(40, 300)
    canvas.rotate(90)
    canvas.drawString(0, 0, "Vertical margin note")
    canvas.restoreState()
    canvas.drawString(72, 200, "Close twins: x  x")
    canvas.showPage()
    canvas.save()
    return path


PdfMaker = Callable[[Path], Path]
PDFS: dict[str, PdfMaker] = {
    "english statement": lambda p: draw_statement(p, english_statement()),
    "russian statement": lambda p: draw_statement(p, russian_statement()),
    "fake bold": lambda p: make_text_pdf(
        p, [["Overprinted words, every one.", "Вторая строка."]] * 2, overprint=0.5
    ),
    "figure, rotation, twins": draw_odd_page,
    "shifted MediaBox": lambda p: shift_mediabox(draw_odd_page(p)),
}


@pytest.fixture(params=sorted(PDFS), scope="module")
def pdf_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    name: str = request.param
    return PDFS[name](tmp_path_factory.mktemp("chars") / "doc.pdf")


def test_layout_chars_are_page_chars_with_the_values_the_pipeline_reads(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            expected = only_read_keys(page.chars)
            assert expected, "the generated page has a text layer"
            assert list(layout_chars(page)) == expected


def test_page_chars_drop_the_duplicates_the_old_path_dropped(pdf_path: Path) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            assert page_chars(page) == only_read_keys(old_page_chars(page))


def test_extraction_gives_the_same_lines_as_the_old_char_path(
    pdf_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = pdf_path.read_bytes()
    new = extract.extract_pdf(data, Config())
    monkeypatch.setattr(extract, "page_chars", old_page_chars)
    old = extract.extract_pdf(data, Config())
    assert new == old
    assert any(page.lines for page in new.pages)


def test_fake_bold_twins_become_one_glyph_each(tmp_path: Path) -> None:
    pdf_path = make_text_pdf(tmp_path / "bold.pdf", [["Twice printed"]], overprint=0.5)
    with pdfplumber.open(pdf_path) as pdf:
        chars = page_chars(pdf.pages[0])
    assert "".join(char["text"] for char in chars) == "Twice printed"


# --- the linear-time de-duplication against pdfplumber's own, on random characters ----------

coordinates = st.sampled_from([0.0, 0.3, 0.9, 1.0, 1.6, 2.5, 3.2, 7.0, 12.0])
random_chars = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.sampled_from(["a", "b", " "]),
            "fontname": st.sampled_from(["F1", "F1-Bold"]),
            "size": st.sampled_from([10.0, 12.0]),
            "upright": st.booleans(),
            "x0": coordinates,
            "doctop": coordinates,
        }
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(random_chars)
def test_unique_chars_keeps_what_dedupe_chars_row_by_row_keeps(
    chars: list[dict[str, Any]],
) -> None:
    for char in chars:
        char["x1"], char["top"], char["bottom"] = char["x0"] + 5, char["doctop"], char["doctop"]
    assert [id(c) for c in unique_chars(chars)] == [id(c) for c in old_unique_chars(chars)]
