"""The published JSON Schema describes real outputs exactly, and rejects what is not one."""

from __future__ import annotations

import io
import typing
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline import Config, __version__, process_bytes, process_path, process_text
from pipeline.models import SCHEMA_VERSION
from pipeline.schema import DocumentModel, json_schema

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

ENGLISH = """Statement by the Delegation of Canada

Mr. Chairperson,

Canada thanks the Chairperson for convening this meeting. We remain committed to
the principles of co-operation and dialogue that this Organization stands for.

Thank you, Mr. Chairperson.
"""

RUSSIAN = """Заявление делегации Российской Федерации

Уважаемый господин Председатель,

Российская Федерация благодарит Председателя за созыв этого заседания. Мы по-прежнему
привержены принципам сотрудничества и диалога.

Благодарю за внимание.
"""


def make_pdf(pages: list[list[str]]) -> bytes:
    """A text-layer PDF with one line of text per entry, DejaVu so Cyrillic renders."""
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_PATH)))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for lines in pages:
        pdf.setFont("DejaVu", 12)
        for number, line in enumerate(lines):
            pdf.drawString(72, 770 - 16 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def real_outputs() -> dict[str, dict[str, Any]]:
    """Real results of the public API on small inputs, good and bad."""
    config = Config()
    text_pdf = make_pdf([ENGLISH.splitlines(), ["Second page of the statement.", "", "2"]])
    documents = {
        "english text": process_text(ENGLISH, config),
        "russian cp1251 bytes": process_bytes(RUSSIAN.encode("cp1251"), "ru.txt", config),
        "text-layer pdf": process_bytes(text_pdf, "en.pdf", config),
        "empty file (failed)": process_bytes(b"", "empty.txt", config),
        "binary named .txt (failed)": process_bytes(bytes(range(256)) * 4, "x.txt", config),
        "pdf without text (failed)": process_bytes(make_pdf([[]]), "blank.pdf", config),
        "damaged pdf (failed)": process_bytes(text_pdf[: len(text_pdf) // 3], "cut.pdf", config),
        "missing file (failed)": process_path(Path("/nonexistent/x.pdf"), config),
    }
    return {label: doc.to_dict(__version__) for label, doc in documents.items()}


LABELS = [
    "english text",
    "russian cp1251 bytes",
    "text-layer pdf",
    "empty file (failed)",
    "binary named .txt (failed)",
    "pdf without text (failed)",
    "damaged pdf (failed)",
    "missing file (failed)",
]
FAILED = [label for label in LABELS if "(failed)" in label]


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict[str, Any]]:
    made = real_outputs()
    assert sorted(made) == sorted(LABELS)
    return made


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(json_schema())


def test_published_schema_is_valid_json_schema() -> None:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert str(schema["$id"]).endswith(f"document-{SCHEMA_VERSION}.json")
    assert schema["title"]


def test_every_top_level_field_is_required_and_described() -> None:
    schema = json_schema()
    properties = typing.cast(dict[str, dict[str, Any]], schema["properties"])
    assert set(typing.cast(list[str], schema["required"])) == set(properties)
    assert [name for name, prop in properties.items() if not prop.get("description")] == []


def test_schema_version_literal_matches_the_models() -> None:
    field = DocumentModel.model_fields["schema_version"]
    assert typing.get_args(field.annotation) == (SCHEMA_VERSION,)


@pytest.mark.parametrize("label", LABELS)
def test_real_outputs_validate(
    label: str, outputs: dict[str, dict[str, Any]], validator: Draft202012Validator
) -> None:
    document = outputs[label]
    errors = [error.message for error in validator.iter_errors(document)]
    assert errors == [], label
    DocumentModel.model_validate(document)  # the pydantic model agrees with the schema


def test_the_inputs_cover_both_outcomes(outputs: dict[str, dict[str, Any]]) -> None:
    statuses = {label: outputs[label]["status"] for label in LABELS}
    assert {statuses[label] for label in FAILED} == {"failed"}
    assert all(outputs[label]["error"] for label in FAILED)
    assert {statuses[label] for label in LABELS if label not in FAILED} <= {"ok", "partial"}


def broken(good: dict[str, Any], change: str) -> dict[str, Any]:
    """A real output with one thing wrong."""
    document = dict(good)
    if change == "extra field":
        document["confidence"] = 0.9
    elif change == "missing field":
        del document["furniture"]
    elif change == "unknown status":
        document["status"] = "done"
    elif change == "body as strings":
        document["body"] = ["a paragraph"]
    elif change == "unknown paragraph kind":
        document["body"] = [{"text": "x", "kind": "heading", "pages": [1]}]
    elif change == "page zero":
        document["furniture"] = [{"text": "2", "page": 0, "role": "page_number"}]
    elif change == "extra field in source":
        document["source"] = {**document["source"], "mtime": 0}
    elif change == "wrong schema version":
        document["schema_version"] = "0.9"
    return document


@pytest.mark.parametrize(
    "change",
    [
        "extra field",
        "missing field",
        "unknown status",
        "body as strings",
        "unknown paragraph kind",
        "page zero",
        "extra field in source",
        "wrong schema version",
    ],
)
def test_schema_rejects_a_broken_document(
    change: str, outputs: dict[str, dict[str, Any]], validator: Draft202012Validator
) -> None:
    document = broken(outputs["english text"], change)
    assert validator.is_valid(outputs["english text"])
    assert not validator.is_valid(document)
    with pytest.raises(ValidationError):
        DocumentModel.model_validate(document)
