"""The published output format: pydantic models mirroring ``Document.to_dict`` field for field.

``extra="forbid"`` everywhere, so a field added to ``to_dict`` without its model here fails
the schema tests instead of going out undocumented. ``pipeline schema`` prints ``json_schema()``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.models import SCHEMA_VERSION, FurnitureRole, Kind, Status

SCHEMA_ID = f"https://statement-pipeline.invalid/schema/document-{SCHEMA_VERSION}.json"
"""A stable identifier (not a download address: the schema ships with the tool)."""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

PageMethod = Literal["text", "ocr", "plain", "none"]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
"""A wordfreq (ISO 639-1) language code: ru, en, uk, pl, de, ..."""
PageNumber = Annotated[int, Field(ge=1)]
Count = Annotated[int, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceModel(_Model):
    """The input file as read."""

    path: str = Field(description="The input's path, relative to the input folder when batched.")
    sha256: str = Field(
        pattern=r"^(?:[0-9a-f]{64})?$",
        description="SHA-256 of the input bytes; empty when the file could not be read.",
    )
    bytes: Count = Field(description="Size of the input in bytes.")
    media_type: str = Field(description="Type sniffed from the content, e.g. application/pdf.")
    pages: Count = Field(description="Number of pages (1 for a text file, 0 if unreadable).")
    encoding: str | None = Field(description="Detected encoding of a text file; null for PDFs.")


class BodyParagraphModel(_Model):
    text: str = Field(description="The paragraph, line wraps and hyphenation undone.")
    kind: Kind = Field(description="paragraph, address (an in-body salutation) or list_item.")
    pages: list[PageNumber] = Field(description="Pages the paragraph spans, ascending.")
    confidence: float | None = Field(
        ge=0,
        le=100,
        description="OCR: mean confidence of its words (0-100); null for text layers and text.",
    )
    min_confidence: float | None = Field(
        ge=0, le=100, description="OCR: its least confident word's confidence."
    )
    known_share: float | None = Field(
        ge=0,
        le=1,
        description="Share of its words (3+ letters) the lexicon knows: a misreading lowers it.",
    )


class NoiseModel(_Model):
    text: str = Field(
        description="A line of scanner noise (specks, rules) set aside from the body."
    )
    page: PageNumber = Field(description="The page it was read on.")


class FurnitureModel(_Model):
    """A running header, footer or page number moved out of the text (never dropped)."""

    text: str
    page: PageNumber
    role: FurnitureRole


class PageModel(_Model):
    number: PageNumber
    method: PageMethod = Field(
        description="How the page's text was read: text layer, OCR, plain text, or none."
    )
    chars: Count = Field(description="Characters of text the page gave.")
    reason: str | None = Field(description="Why this method was chosen or why the page is empty.")
    confidence: float | None = Field(
        ge=0, le=100, description="OCR mean word confidence (0-100); null when not OCR."
    )


class RepairModel(_Model):
    kind: str = Field(description="The repair, e.g. mojibake, dehyphenation, soft_hyphen.")
    count: Annotated[int, Field(ge=1)] = Field(description="How many times it changed the text.")


class ErrorModel(_Model):
    type: str = Field(description="The error class, e.g. NeedsOcrError.")
    message: str = Field(description="What went wrong, for a person.")
    stage: str = Field(description="The stage that failed: input, extract, decode, ...")


class PipelineInfo(_Model):
    version: str = Field(description="Version of the pipeline that wrote this result.")
    config: str | None = Field(
        pattern=r"^[0-9a-f]{12}$",
        description="Short hash of the settings that change results (not the password itself, "
        "not performance settings); a rerun skips an input whose hash, content and version are "
        "unchanged. Null when not recorded.",
    )


class DocumentModel(_Model):
    """One cleaned statement (official speech, letter or note), one object per input."""

    model_config = ConfigDict(title="Cleaned statement", json_schema_extra={"$id": SCHEMA_ID})

    schema_version: Literal["1.0"] = Field(description="Version of this output format.")
    source: SourceModel = Field(description="The input: path, hash, size, type, pages, encoding.")
    status: Status = Field(
        description="ok; partial (some pages unreadable, see warnings); failed (see error)."
    )
    language: Language | None = Field(
        description="Detected language (ISO 639-1: ru, en, uk, pl, ...); null without text."
    )
    preamble: list[str] = Field(
        description="Lines above the title: issuer, document code, date, language note."
    )
    title: str | None = Field(description="The statement's title; null when it has none.")
    address: str | None = Field(description="The opening salutation.")
    body: list[BodyParagraphModel] = Field(description="The paragraphs of the body, in order.")
    closing: str | None = Field(
        description="The closing formula; two paragraphs are joined with a newline."
    )
    signature: str | None = Field(
        description="The signatory block printed after the closing (name, function, "
        "'(Signed)'), lines joined with a newline; null when there is none."
    )
    furniture: list[FurnitureModel] = Field(
        description="Running headers, footers and page numbers moved out of the text."
    )
    noise: list[NoiseModel] = Field(
        description="OCR lines of scanner noise (no known word, mostly symbols, read far below "
        "the page's confidence), kept here instead of in the body.",
    )
    pages: list[PageModel] = Field(description="How each page was read.")
    repairs: list[RepairModel] = Field(description="Repairs that changed something.")
    warnings: list[str] = Field(description="Problems that did not stop the document.")
    error: ErrorModel | None = Field(description="Why the document failed; null otherwise.")
    pipeline: PipelineInfo = Field(description="The tool that wrote this result.")


def json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of one output document."""
    schema = DocumentModel.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}
