"""Metadata from the preamble: symbols, dates in Russian and English forms, place, issuer,
original language and notes, each with its source line; on generated statements end to end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.metadata import find_date, find_symbol, read_metadata
from pipeline.models import Furniture, FurnitureRole, MetaValue, Sections
from pipeline.process import process_path
from tests.pdfgen import english_statement, generate_statement, russian_statement


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("6 марта 2024 года", "2024-03-06"),
        ("Вена, 17 ноября 2022 г.", "2022-11-17"),
        ("New York, 12 October 2023", "2023-10-12"),
        ("March 6, 2024", "2024-03-06"),
        ("Delivered on: 15 January 2025", "2025-01-15"),
        ("06.03.2024", "2024-03-06"),
        ("2024-03-06", "2024-03-06"),
        ("1 МАЯ 2023 ГОДА", "2023-05-01"),
    ],
)
def test_dates_in_russian_and_english_forms_become_iso(line: str, iso: str) -> None:
    found = find_date(line)
    assert found is not None
    assert found[0] == iso


@pytest.mark.parametrize("line", ["31.02.2024", "PC.DEL/1532/24", "30-ю годовщину", "No. 12"])
def test_what_is_no_date_gives_none(line: str) -> None:
    assert find_date(line) is None


@pytest.mark.parametrize(
    ("line", "symbol"),
    [
        ("PC.DEL/1532/24", "PC.DEL/1532/24"),
        ("A/79/123", "A/79/123"),
        ("Distr.: General A/C.3/79/L.5", "A/C.3/79/L.5"),
        ("FSC.JOUR/1050", "FSC.JOUR/1050"),
        ("№ 04-11/287", "04-11/287"),
        ("Ref.: VIE-OSZE 312.0-07", "VIE-OSZE 312.0-07"),
        ("Note No. 014/2025", "014/2025"),
    ],
)
def test_symbols_and_reference_numbers(line: str, symbol: str) -> None:
    assert find_symbol(line) == symbol


@pytest.mark.parametrize("line", ["17 ноября 2022 года", "Постоянное представительство", "и/или"])
def test_lines_without_symbol(line: str) -> None:
    assert find_symbol(line) is None


def test_every_field_keeps_its_source_line() -> None:
    preamble = (
        "Постоянное представительство Российской Федерации при ОБСЕ",
        "PC.DEL/1402/24",
        "Вена, 7 ноября 2024 года",
        "Язык оригинала: русский",
        "Неофициальный перевод",
    )
    meta = read_metadata(Sections(preamble=preamble))
    assert meta.issuer == MetaValue(preamble[0], preamble[0])
    assert meta.symbol == MetaValue("PC.DEL/1402/24", preamble[1])
    assert meta.date == MetaValue("2024-11-07", preamble[2])
    assert meta.place == MetaValue("Вена", preamble[2])
    assert meta.original_language == MetaValue("ru", preamble[3])
    assert meta.notes == (MetaValue("unofficial translation", preamble[4]),)


def test_english_head_with_notes() -> None:
    preamble = (
        "Statement by the Delegation of Norway",
        "Original: ENGLISH",
        "New York, 12 October 2023",
        "Check against delivery",
    )
    meta = read_metadata(Sections(preamble=preamble))
    assert meta.issuer is not None
    assert meta.issuer.value == preamble[0]
    assert meta.original_language == MetaValue("en", preamble[1])
    assert meta.place == MetaValue("New York", preamble[2])
    assert [note.value for note in meta.notes] == ["check against delivery"]


def test_unknown_stays_none_and_header_gives_the_symbol() -> None:
    assert read_metadata(Sections()) == read_metadata(Sections(preamble=()))
    meta = read_metadata(Sections(), [Furniture("PC.DEL/9/24", 2, FurnitureRole.HEADER)])
    assert meta.symbol == MetaValue("PC.DEL/9/24", "PC.DEL/9/24")
    assert meta.date is None
    assert meta.place is None
    assert meta.issuer is None


GENERATED_HEADS = [
    (russian_statement, "PC.DEL/1532/24", "6 марта 2024 года", "2024-03-06"),
    (russian_statement, "FSC.DEL/187/24", "Вена, 22 мая 2024 г.", "2024-05-22"),
    (russian_statement, "№ 04-11/287", "Минск, 19 февраля 2024 года", "2024-02-19"),
    (english_statement, "A/79/123", "New York, 12 October 2023", "2023-10-12"),
    (english_statement, "PC.DEL/1187/22", "17 November 2022", "2022-11-17"),
    (english_statement, "MC.DEL/27/24", "December 5, 2024", "2024-12-05"),
]


@pytest.mark.parametrize(("make", "code", "date", "iso"), GENERATED_HEADS)
def test_generated_statements_get_their_symbol_and_date(
    tmp_path: Path, make: object, code: str, date: str, iso: str
) -> None:
    spec = replace(make(), doc_code=code, date=date)  # type: ignore[operator]
    spec = replace(spec, paragraphs=spec.paragraphs[:2])
    statement = generate_statement(tmp_path / "s.pdf", spec)
    document = process_path(statement.path, Config())
    meta = document.metadata
    assert meta.symbol is not None
    assert meta.symbol.source == code
    assert meta.symbol.value == code.removeprefix("№ ")
    assert meta.date is not None
    assert meta.date.value == iso
    assert meta.date.source == date
    assert document.to_dict("t")["metadata"]["date"] == {"value": iso, "source": date}  # type: ignore[index]


def test_two_preamble_lines_read_as_one_give_issuer_and_reference() -> None:
    line = "Permanent Mission of Uruguay to the United Nations Note No. 014/2025"
    meta = read_metadata(Sections(preamble=(line,)))
    assert meta.symbol == MetaValue("014/2025", line)
    assert meta.issuer == MetaValue("Permanent Mission of Uruguay to the United Nations", line)


@pytest.mark.parametrize("line", ["Ministry building No. 5", "No. of items"])
def test_a_bare_small_number_is_no_reference(line: str) -> None:
    assert find_symbol(line) is None
