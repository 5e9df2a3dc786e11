"""Plain-text decoding and line splitting, on files written in tmp_path in each encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import DecodingError, EmptyInputError, UnsupportedInputError
from pipeline.models import Line, Origin
from pipeline.text import decode_bytes, extract_text_file, text_to_pages

RUSSIAN_STATEMENT = (
    "Господин Председатель,\n"
    "Российская Федерация внимательно следит за работой миссии на местах.\n"
    "Мы считаем, что меры доверия должны укреплять безопасность всех государств.\n"
    "Благодарю за внимание.\n"
)
ENGLISH_STATEMENT = (
    "Mr. Chairperson,\n"
    "The delegation thanks the Secretary General for the report on the budget.\n"
    "We remain convinced that dialogue is the only way forward.\n"
    "Thank you.\n"
)
BOTH = RUSSIAN_STATEMENT + "\n" + ENGLISH_STATEMENT


@pytest.mark.parametrize(
    ("text", "codec", "expected_name"),
    [
        pytest.param(RUSSIAN_STATEMENT, "cp1251", "cp1251", id="cp1251"),
        pytest.param(RUSSIAN_STATEMENT, "koi8-r", "koi8-r", id="koi8-r"),
        pytest.param(RUSSIAN_STATEMENT, "cp866", "cp866", id="cp866"),
        pytest.param(RUSSIAN_STATEMENT, "mac-cyrillic", "mac-cyrillic", id="mac-cyrillic"),
        pytest.param(BOTH, "cp1251", "cp1251", id="cp1251 with English"),
        pytest.param(BOTH, "utf-8", "utf-8", id="utf-8"),
        pytest.param(BOTH, "utf-8-sig", "utf-8-sig", id="utf-8 with BOM"),
        pytest.param(BOTH, "utf-16", "utf-16", id="utf-16 with BOM"),
        pytest.param(BOTH, "utf-16-le", "utf-16", id="utf-16-le without BOM"),
        pytest.param(BOTH, "utf-16-be", "utf-16", id="utf-16-be without BOM"),
        pytest.param(ENGLISH_STATEMENT, "utf-16-le", "utf-16", id="English utf-16-le"),
        pytest.param(BOTH, "utf-32", "utf-32", id="utf-32 with BOM"),
        pytest.param(ENGLISH_STATEMENT, "utf-32-le", "utf-32", id="utf-32-le without BOM"),
        pytest.param(BOTH, "utf-32-be", "utf-32", id="utf-32-be without BOM"),
    ],
)
def test_file_decodes_and_reports_its_encoding(
    tmp_path: Path, text: str, codec: str, expected_name: str
) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(text.encode(codec))
    decoded, name = decode_bytes(path.read_bytes())
    assert decoded == text
    assert name == expected_name


def test_latin1_text_is_not_read_as_cyrillic(tmp_path: Path) -> None:
    text = "Déclaration de la délégation française à propos du marché et de la sécurité.\n"
    path = tmp_path / "fr.txt"
    path.write_bytes(text.encode("cp1252"))
    decoded, name = decode_bytes(path.read_bytes())
    assert decoded == text
    assert name in {"cp1252", "iso8859-1", "iso8859-15"}


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t\r\n  ", "  \n ".encode("utf-16"), b"\xef\xbb\xbf \n"],
    ids=["empty", "ascii whitespace", "utf-16 whitespace", "BOM and whitespace"],
)
def test_empty_input_raises(data: bytes) -> None:
    with pytest.raises(EmptyInputError):
        decode_bytes(data)


def test_binary_input_raises() -> None:
    # A PNG-like header followed by bytes with many NULs and control codes.
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4 + b"\x00\x01\x02\x03" * 50
    with pytest.raises(UnsupportedInputError):
        decode_bytes(data)


def test_lying_bom_raises_decoding_error() -> None:
    with pytest.raises(DecodingError):
        decode_bytes(b"\xef\xbb\xbfabc \xff\xfe\xfd")


def test_blank_lines_are_counted_and_leading_whitespace_dropped() -> None:
    (page,) = text_to_pages("Title\n\n\n   indented line  \n \t \nlast\n")
    assert page.lines == (
        Line(text="Title", page=1, origin=Origin.PLAIN_TEXT, blank_before=0),
        Line(text="indented line", page=1, origin=Origin.PLAIN_TEXT, blank_before=2),
        Line(text="last", page=1, origin=Origin.PLAIN_TEXT, blank_before=1),
    )
    assert page.method == "plain"


@pytest.mark.parametrize(
    "text",
    ["one\r\n\r\ntwo", "one\r\rtwo", "one\u2028\u2028two", "one\n\ntwo"],
    ids=["CRLF", "CR", "line separator", "LF"],
)
def test_line_endings_are_normalised(text: str) -> None:
    (page,) = text_to_pages(text)
    assert [(line.text, line.blank_before) for line in page.lines] == [("one", 0), ("two", 1)]


def test_form_feeds_make_pages() -> None:
    pages = text_to_pages("page one\nstill one\fpage two\f\n\npage three\f")
    assert [page.number for page in pages] == [1, 2, 3]
    assert [[line.text for line in page.lines] for page in pages] == [
        ["page one", "still one"],
        ["page two"],
        ["page three"],
    ]
    assert all(line.page == page.number for page in pages for line in page.lines)
    assert pages[2].lines[0].blank_before == 2


def test_no_form_feed_is_one_page() -> None:
    assert len(text_to_pages("a\nb\nc")) == 1


def test_soft_hyphen_at_line_end_survives_splitting() -> None:
    (page,) = text_to_pages("Российская Федерация придает ра\u00ad \n боте")
    assert [line.text for line in page.lines] == ["Российская Федерация придает ра\u00ad", "боте"]


def test_extract_text_file(tmp_path: Path) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(RUSSIAN_STATEMENT.encode("koi8-r"))
    extraction = extract_text_file(path.read_bytes())
    assert extraction.media_type == "text/plain"
    assert extraction.encoding == "koi8-r"
    assert [line.text for line in extraction.pages[0].lines] == RUSSIAN_STATEMENT.splitlines()
