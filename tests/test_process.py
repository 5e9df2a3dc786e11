"""One document through every stage: small statements in memory, and inputs that must fail."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.models import Document, Furniture, FurnitureRole, Kind, Status
from pipeline.process import process_bytes, process_path, process_text

CONFIG = Config()

# A page break falls inside a sentence, with a page number and a running header between its
# halves; the second page begins after a form feed.
RU_STATEMENT = """PC.DEL/1187/23

Выступление представителя Российской Федерации

О ситуации в сфере безопасности

Господин Председатель,

Мы внимательно ознакомились с докладом и хотели бы отметить ряд моментов,
касающихся развития взаимо-
действия государств-участников в сфере безопасности.

Считаем важным продолжить диалог по всем вопросам повестки дня и
- 1 -
\fPC.DEL/1187/23
поддерживаем усилия Председательства по поиску консенсуса.

Благодарю за внимание.
"""

EN_STATEMENT = """FSC.DEL/41/23

Statement by the Delegation of Canada

On the security situation in the region

Mr. Chair,

We have carefully studied the report and would like to note several points
concerning the govern-
ment's approach to co-operation among the participating States.

We consider it important to continue the dialogue on all items of the agenda and
Page 1 of 2
FSC.DEL/41/23
we support the efforts of the Chairmanship to find consensus.

Thank you, Mr. Chair.
"""


def repair_counts(document: Document) -> dict[str, int]:
    return {record.kind: record.count for record in document.repairs}


def test_russian_statement() -> None:
    document = process_text(RU_STATEMENT, CONFIG, name="ru.txt")
    assert document.status is Status.OK
    assert document.error is None
    assert document.language == "ru"
    assert document.source.path == "ru.txt"
    assert document.source.pages == 2
    sections = document.sections
    assert sections.preamble == ("PC.DEL/1187/23", "Выступление представителя Российской Федерации")
    assert sections.title == "О ситуации в сфере безопасности"
    assert sections.address == "Господин Председатель,"
    assert [(p.text, p.kind, p.pages) for p in sections.body] == [
        (
            "Мы внимательно ознакомились с докладом и хотели бы отметить ряд моментов, "
            "касающихся развития взаимодействия государств-участников в сфере безопасности.",
            Kind.PARAGRAPH,
            (1,),
        ),
        (
            "Считаем важным продолжить диалог по всем вопросам повестки дня и поддерживаем "
            "усилия Председательства по поиску консенсуса.",
            Kind.PARAGRAPH,
            (1, 2),
        ),
    ]
    assert sections.closing == "Благодарю за внимание."
    assert document.furniture == (
        Furniture("- 1 -", 1, FurnitureRole.PAGE_NUMBER),
        Furniture("PC.DEL/1187/23", 2, FurnitureRole.HEADER),
    )
    assert repair_counts(document) == {"dehyphenated": 1, "furniture_removed": 2}


def test_english_statement() -> None:
    document = process_bytes(EN_STATEMENT.encode("utf-8"), "en.txt", CONFIG)
    assert document.status is Status.OK
    assert document.language == "en"
    assert document.source.encoding == "utf-8"
    sections = document.sections
    assert sections.preamble == ("FSC.DEL/41/23", "Statement by the Delegation of Canada")
    assert sections.title == "On the security situation in the region"
    assert sections.address == "Mr. Chair,"
    assert [p.text for p in sections.body] == [
        "We have carefully studied the report and would like to note several points concerning "
        "the government's approach to co-operation among the participating States.",
        "We consider it important to continue the dialogue on all items of the agenda and we "
        "support the efforts of the Chairmanship to find consensus.",
    ]
    assert sections.closing == "Thank you, Mr. Chair."
    assert {(f.text, f.role) for f in document.furniture} == {
        ("Page 1 of 2", FurnitureRole.PAGE_NUMBER),
        ("FSC.DEL/41/23", FurnitureRole.HEADER),
    }
    assert repair_counts(document) == {"dehyphenated": 1, "furniture_removed": 2}


def test_switches_turn_repairs_off() -> None:
    config = replace(CONFIG, remove_furniture=False, dehyphenate=False)
    document = process_text(EN_STATEMENT, config)
    assert document.furniture == ()
    assert "furniture_removed" not in repair_counts(document)
    assert "dehyphenated" not in repair_counts(document)
    assert "govern- ment's" in document.sections.body[0].text


def test_no_word_is_lost_between_input_and_output() -> None:
    document = process_text(RU_STATEMENT, CONFIG)
    s = document.sections
    output = [
        *s.preamble,
        s.title or "",
        s.address or "",
        *(p.text for p in s.body),
        s.closing or "",
    ]
    output += [f.text for f in document.furniture]
    # the only change to the words: "взаимо-" + "действия" became one word
    expected_words = RU_STATEMENT.replace("взаимо-\n", "взаимо").split()
    assert sorted(" ".join(output).split()) == sorted(expected_words)


def test_path_and_bytes_give_the_same_document(tmp_path: Path) -> None:
    source = tmp_path / "statement.txt"
    source.write_text(EN_STATEMENT, encoding="utf-8")
    from_path = process_path(source, CONFIG, display_path="statement.txt")
    from_bytes = process_bytes(EN_STATEMENT.encode("utf-8"), "statement.txt", CONFIG)
    assert from_path == from_bytes


def test_cp1251_text_is_decoded() -> None:
    document = process_bytes(RU_STATEMENT.encode("cp1251"), "ru.txt", CONFIG)
    assert document.status is Status.OK
    assert document.source.encoding == "cp1251"
    assert document.sections.address == "Господин Председатель,"


# --- inputs that fail ---------------------------------------------------------------------------

PNG_HEADER = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


@pytest.mark.parametrize(
    ("data", "name", "error_type"),
    [
        pytest.param(b"", "empty.txt", "EmptyInputError", id="empty bytes"),
        pytest.param(b" \n\n\t\n", "blank.txt", "EmptyInputError", id="only whitespace"),
        pytest.param(
            random.Random(7).randbytes(4096),
            "noise.bin",
            "UnsupportedInputError",
            id="random binary bytes",
        ),
        pytest.param(
            random.Random(8).randbytes(4096),
            "noise.txt",
            "UnsupportedInputError",
            id="random bytes named .txt",
        ),
        pytest.param(PNG_HEADER, "scan.png", "DamagedDocumentError", id="truncated PNG image"),
        pytest.param(
            PNG_HEADER, "scan.txt", "DamagedDocumentError", id="truncated PNG image named .txt"
        ),
    ],
)
def test_failed_inputs(data: bytes, name: str, error_type: str) -> None:
    document = process_bytes(data, name, CONFIG)
    assert document.status is Status.FAILED
    assert document.error is not None
    assert document.error.type == error_type
    assert document.error.message
    assert document.sections.body == ()
    assert document.source.path == name
    assert document.source.bytes == len(data)


def test_missing_file_is_a_failed_document(tmp_path: Path) -> None:
    document = process_path(tmp_path / "absent.txt", CONFIG)
    assert document.status is Status.FAILED
    assert document.error is not None
    assert document.error.type == "UnreadableInputError"
