"""PDF text-layer extraction: the per-page verdict, lines with geometry, and unreadable PDFs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Literal

import pytest
from PIL import Image

from pipeline.config import Config, OcrMode
from pipeline.errors import (
    DamagedDocumentError,
    DocumentError,
    EmptyInputError,
    EncryptedDocumentError,
    UnsupportedInputError,
)
from pipeline.extract import USABLE_LAYER, extract_pdf, text_layer_problem
from pipeline.models import Extraction, Line, Origin, Page
from tests import pdfbytes, readable_pdfs
from tests.pdfgen import (
    SOFT_HYPHEN,
    EncryptedPdf,
    GeneratedStatement,
    english_statement,
    generate_statement,
    iter_lines,
    make_text_pdf,
)

RUSSIAN_TEXT = (
    "Российская Федерация внимательно ознакомилась с докладом и благодарит Секретариат\n"
    "за подробное изложение итогов работы. Мы считаем, что меры доверия должны укреплять\n"
    "безопасность всех государств региона, а не служить инструментом давления.\n"
    "Рассчитываем на продолжение профессионального диалога экспертов в рамках форума."
)
ENGLISH_TEXT = (
    "The European Union thanks the Co-ordinator for the comprehensive report and for the\n"
    "continued engagement of the Office with participating States across the region.\n"
    "Good governance remains the foundation of economic co-operation, and we encourage\n"
    "the Office to continue its assistance in implementing these commitments."
)
PRIVATE_USE_TEXT = "\ue001\ue002\ue003 " * 10


def shifted_to_latin(text: str) -> str:
    """Cyrillic as a broken font encoding shows it: each letter moved down into ASCII
    ("Российской" -> "Jhkkbckdhc"), the garbage of real PDFs without a Unicode map."""
    return "".join(chr(ord(ch) - 0x3D6) if "А" <= ch <= "я" else ch for ch in text)


def cid_codes(count: int) -> str:
    return "".join(f"(cid:{10 + n % 50})" for n in range(count))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(RUSSIAN_TEXT, None, id="russian"),
        pytest.param(ENGLISH_TEXT, None, id="english"),
        pytest.param("1\n2 345 678\n2022\n- 3 -\n17.11.2022", None, id="numbers-only"),
        pytest.param("Thank you.", None, id="too-few-words-to-judge"),
        pytest.param(ENGLISH_TEXT + cid_codes(5), None, id="a-few-stray-cid-codes"),
        pytest.param(ENGLISH_TEXT + "\ufffd", None, id="one-replacement-char"),
        pytest.param("", "no text layer", id="empty"),
        pytest.param(" \n\t\n", "no text layer", id="whitespace-only"),
        pytest.param(cid_codes(40), "(cid:NN) codes: 100% of characters", id="cid-only"),
        pytest.param(cid_codes(30) + "x" * 70, "(cid:NN) codes: 30% of characters", id="cid-30"),
        pytest.param(
            "\ufffd\ufffd text \ufffd\ufffd\ufffd " * 20,
            "replacement characters U+FFFD",
            id="replacement-chars",
        ),
        pytest.param(PRIVATE_USE_TEXT, "private-use characters", id="private-use"),
    ],
)
def test_text_layer_problem(text: str, expected: str | None) -> None:
    assert text_layer_problem(text) == expected


def test_shifted_latin_garbage_has_few_known_words() -> None:
    garbage = shifted_to_latin(RUSSIAN_TEXT)
    assert garbage.startswith("JhkkbckdZy")  # the garbage real broken PDFs show
    problem = text_layer_problem(garbage)
    assert problem is not None
    assert problem.startswith("few known words (")


# --- generated statements -------------------------------------------------------------------


def extract(path: Path, config: Config | None = None) -> Extraction:
    return extract_pdf(path.read_bytes(), config or Config())


@cache
def extract_once(path: Path) -> Extraction:
    """The session's fixtures never change, so each is extracted once (values are frozen)."""
    return extract(path)


def all_lines(extraction: Extraction) -> list[Line]:
    return [line for page in extraction.pages for line in page.lines]


@pytest.fixture(scope="module", params=["ru", "en"])
def statement(
    request: pytest.FixtureRequest,
    ru_statement_pdf: GeneratedStatement,
    en_statement_pdf: GeneratedStatement,
) -> GeneratedStatement:
    return ru_statement_pdf if request.param == "ru" else en_statement_pdf


@pytest.fixture(scope="module")
def extraction(statement: GeneratedStatement) -> Extraction:
    return extract_once(statement.path)


def test_every_drawn_line_comes_back_in_reading_order(
    statement: GeneratedStatement, extraction: Extraction
) -> None:
    drawn = sorted(
        (page, line.baseline, line.x, line.text) for page, line in iter_lines(statement.layout)
    )
    assert [(line.page, line.text) for line in all_lines(extraction)] == [
        (page, text) for page, _, _, text in drawn
    ]


def test_pages_are_text_pages_with_their_size(
    statement: GeneratedStatement, extraction: Extraction
) -> None:
    layout = statement.spec.layout
    assert extraction.media_type == "application/pdf"
    assert [page.number for page in extraction.pages] == list(
        range(1, statement.expected.pages + 1)
    )
    for page in extraction.pages:
        assert (page.method, page.reason) == ("text", USABLE_LAYER)
        assert (page.width, page.height) == pytest.approx((layout.page_width, layout.page_height))
        assert all(line.page == page.number for line in page.lines)
    assert extraction.warnings == ()


def test_lines_carry_boxes_and_font_sizes(
    statement: GeneratedStatement, extraction: Extraction
) -> None:
    layout = statement.spec.layout
    drawn = {(page, line.text): line for page, line in iter_lines(statement.layout)}
    for line in all_lines(extraction):
        assert line.origin is Origin.TEXT_LAYER
        assert line.box is not None
        assert 0 <= line.box.x0 < line.box.x1 <= layout.page_width
        assert 0 <= line.box.top < line.box.bottom <= layout.page_height
        source = drawn[(line.page, line.text)]
        assert line.size == pytest.approx(source.size, abs=0.01)
        assert line.box.x0 == pytest.approx(source.x, abs=0.5)
        # the baseline lies inside the box, in its lower part
        assert line.box.top < source.baseline <= line.box.bottom


def test_only_the_title_is_bold(statement: GeneratedStatement, extraction: Extraction) -> None:
    bold = [line.text for line in all_lines(extraction) if line.bold]
    title_lines = [line.text for _, line in iter_lines(statement.layout) if line.role == "title"]
    assert bold == title_lines
    assert " ".join(bold) == statement.expected.title


def test_line_end_breaks_survive_with_their_hyphens(
    statement: GeneratedStatement, extraction: Extraction
) -> None:
    furniture = {(item.page, item.text) for item in statement.expected.furniture}
    # A break at a page's foot continues after the page number and the next running header.
    texts = [line.text for line in all_lines(extraction) if (line.page, line.text) not in furniture]
    breaks = statement.expected.breaks
    assert {b.kind for b in breaks} == {"soft", "compound"}  # the fixture covers both kinds
    for brk in breaks:
        ends = [i for i, text in enumerate(texts) if text.endswith(" " + brk.head)]
        assert ends, f"no line ends with {brk.head!r}"
        assert any(texts[i + 1].startswith(brk.tail) for i in ends)


def test_line_end_hyphen_is_the_character_drawn(
    statement: GeneratedStatement, extraction: Extraction
) -> None:
    """A soft hyphen (U+00AD) comes back as itself, never turned into "-" or dropped."""
    texts = [line.text for line in all_lines(extraction)]
    soft_breaks = sum(b.kind == "soft" for b in statement.expected.breaks)
    drawn = statement.spec.layout.hyphen
    assert soft_breaks > 0
    assert sum(text.endswith(SOFT_HYPHEN) for text in texts) == (
        soft_breaks if drawn == SOFT_HYPHEN else 0
    )
    assert not any(SOFT_HYPHEN in text[:-1] for text in texts)


def test_header_and_page_number_on_one_row_stay_two_lines(
    ru_statement_pdf: GeneratedStatement,
) -> None:
    extraction = extract_once(ru_statement_pdf.path)
    assert len(extraction.pages) > 1
    for page in extraction.pages[1:]:
        number_line, header_line = page.lines[:2]
        assert number_line.text == f"– {page.number} –"
        assert header_line.text == ru_statement_pdf.spec.doc_code
        assert number_line.box is not None
        assert header_line.box is not None
        assert number_line.box.top == pytest.approx(header_line.box.top, abs=1)


@pytest.mark.parametrize(
    ("number_format", "position", "label"),
    [
        ("{n}", "bottom", "1"),
        ("- {n} -", "bottom", "- 1 -"),
        ("– {n} –", "top", "– 1 –"),
        ("Page {n} of {total}", "bottom", "Page 1 of 1"),
        ("Стр. {n}", "top", "Стр. 1"),
    ],
)
def test_page_number_is_a_line_of_its_own(
    tmp_path: Path, number_format: str, position: Literal["top", "bottom"], label: str
) -> None:
    spec = english_statement(
        replace(
            english_statement().layout,
            page_number_format=number_format,
            page_number_position=position,
            number_first_page=True,
        )
    )
    one_page = replace(spec, paragraphs=spec.paragraphs[:1])
    page = extract(generate_statement(tmp_path / "numbered.pdf", one_page).path).pages[0]
    assert page.lines[0 if position == "top" else -1].text == label
    assert [line.text for line in page.lines].count(label) == 1


def test_garbage_page_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    good = RUSSIAN_TEXT.splitlines()
    path = make_text_pdf(tmp_path / "mixed.pdf", [good, [shifted_to_latin(t) for t in good]])
    extraction = extract(path)
    first, second = extraction.pages
    assert first.method == "text"
    assert [line.text for line in first.lines] == good
    assert second.method == "none"
    assert second.lines == ()
    assert second.reason is not None
    assert second.reason.startswith("few known words")
    assert len(extraction.warnings) == 1
    assert extraction.warnings[0].startswith("page 2: ")
    assert "4 lines" in extraction.warnings[0]


def test_fake_bold_duplicates_are_read_once(tmp_path: Path) -> None:
    lines = ENGLISH_TEXT.splitlines()
    path = make_text_pdf(tmp_path / "overprinted.pdf", [lines], overprint=0.4)
    assert [line.text for line in all_lines(extract(path))] == lines


def test_image_only_page_has_no_text_layer(image_only_pdf: Path) -> None:
    extraction = extract(image_only_pdf)
    assert [(p.method, p.reason, p.lines) for p in extraction.pages] == [
        ("none", "no text layer", ())
    ]
    assert extraction.warnings == ()  # nothing was set aside


# --- unreadable PDFs ------------------------------------------------------------------------


def test_encrypted_pdf_without_password(encrypted_pdf: EncryptedPdf) -> None:
    with pytest.raises(EncryptedDocumentError, match=r"needs a password \(--password\)"):
        extract(encrypted_pdf.path)


def test_encrypted_pdf_with_wrong_password(encrypted_pdf: EncryptedPdf) -> None:
    with pytest.raises(EncryptedDocumentError, match="password"):
        extract(encrypted_pdf.path, replace(Config(), password="not-" + encrypted_pdf.password))


def test_encrypted_pdf_with_password(encrypted_pdf: EncryptedPdf) -> None:
    extraction = extract(encrypted_pdf.path, replace(Config(), password=encrypted_pdf.password))
    texts = [line.text for line in all_lines(extraction)]
    assert texts[0] == english_statement().issuer
    assert english_statement().address in texts


@pytest.fixture(scope="module")
def unreadable(truncated_pdf: Path, random_bytes_pdf: Path) -> dict[str, bytes]:
    return {
        "truncated": truncated_pdf.read_bytes(),
        "random-bytes": random_bytes_pdf.read_bytes(),
        "empty": b"",
        "header-only": b"%PDF-1.4\nnothing else\n%%EOF\n",
    }


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("truncated", DamagedDocumentError, "damaged PDF: "),
        ("random-bytes", UnsupportedInputError, "not a PDF"),
        ("empty", EmptyInputError, "empty file"),
        ("header-only", DamagedDocumentError, "damaged PDF: "),
    ],
)
def test_unreadable_pdfs_raise_one_line_errors(
    unreadable: dict[str, bytes], name: str, error: type[DocumentError], message: str
) -> None:
    with pytest.raises(error) as info:
        extract_pdf(unreadable[name], Config())
    assert type(info.value) is error
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_too_many_pages(en_statement_pdf: GeneratedStatement) -> None:
    pages = en_statement_pdf.expected.pages
    with pytest.raises(DocumentError, match=f"{pages} pages, more than the limit of {pages - 1}"):
        extract(en_statement_pdf.path, replace(Config(), max_pages=pages - 1))
    assert len(extract(en_statement_pdf.path, replace(Config(), max_pages=pages)).pages) == pages


# --- what pdfminer trips on, other readers read ----------------------------------------------


def test_an_encrypt_entry_leading_nowhere_is_damage_not_encryption(tmp_path: Path) -> None:
    """pdfminer raises its encryption error; pdfium reads the file as plain: so do we."""
    data = pdfbytes.one_page_pdf(
        pdfbytes.stream(pdfbytes.lines_content(readable_pdfs.LOST_TEXT)), trailer=b"/Encrypt 9 0 R "
    )
    texts = [line.text for line in all_lines(extract_pdf(data, Config()))]
    assert texts == list(readable_pdfs.LOST_TEXT)


def test_an_encryption_method_we_cannot_open_is_still_encryption() -> None:
    data = pdfbytes.one_page_pdf(
        pdfbytes.stream(pdfbytes.lines_content(readable_pdfs.LOST_TEXT)),
        trailer=b"/Encrypt << /Filter /Adobe.PubSec /V 4 /R 4 >> ",
    )
    with pytest.raises(EncryptedDocumentError, match="an encryption method we cannot open"):
        extract_pdf(data, Config())


def test_a_page_pdfminer_cannot_parse_is_rendered_for_ocr(tmp_path: Path) -> None:
    data = readable_pdfs.short_length_hex_pdf(tmp_path / "short-length.pdf").read_bytes()
    read: list[tuple[int, int]] = []

    def read_image(image: Image.Image, number: int) -> Callable[[], Page]:
        read.append((number, image.width))
        return lambda: Page(number, (), "ocr")

    config = replace(Config(), ocr_dpi=72)
    extraction = extract_pdf(data, config, read_image)
    assert read == [(1, 612)]
    assert [(p.method, p.reason) for p in extraction.pages] == [
        ("ocr", "damaged page: its structure is malformed")
    ]
    unread = extract_pdf(data, replace(config, ocr=OcrMode.NEVER), read_image)
    assert [(p.method, p.reason) for p in unread.pages] == [
        ("none", "damaged page: its structure is malformed")
    ]
    assert unread.warnings == ("page 1: damaged page: its structure is malformed",)
