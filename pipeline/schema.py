"""The published output format: pydantic models mirroring ``Document.to_dict`` field for field.

``extra="forbid"`` everywhere, so a field added to ``to_dict`` without its model here fails
the schema tests instead of going out undocumented. ``pipeline schema`` prints ``json_schema()``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

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


class BoxModel(_Model):
    """A rectangle on the page in PDF points, origin at the top-left corner."""

    x0: float = Field(description="Left edge, points from the page's left side.")
    top: float = Field(description="Top edge, points from the page's top.")
    x1: float = Field(description="Right edge, points from the page's left side.")
    bottom: float = Field(description="Bottom edge, points from the page's top.")


class SpanModel(_Model):
    """A paragraph's part on one page."""

    page: PageNumber = Field(description="The page (1-based).")
    box: BoxModel | None = Field(
        description="Union of the boxes of the paragraph's lines on this page, in points; "
        "null for plain text, which has no geometry."
    )
    method: PageMethod = Field(description="How these lines were read: text layer, OCR or plain.")


class ProvenanceModel(_Model):
    """Where a paragraph came from, so a reader can check it against the source."""

    start: Count = Field(
        description="Offset of the paragraph's first character in the document's plain-text "
        "rendering (`--to txt`, `Document.to_text()`)."
    )
    end: Count = Field(description="Offset just after its last character there.")
    spans: list[SpanModel] = Field(description="One entry per page the paragraph is on.")
    confidence_mean: float | None = Field(
        ge=0, le=100, description="OCR: mean word confidence of its lines (0-100); null if not OCR."
    )
    confidence_min: float | None = Field(
        ge=0, le=100, description="OCR: the least confident word's confidence; null if not OCR."
    )


class BodyParagraphModel(_Model):
    """One paragraph of the body."""

    text: str = Field(description="The paragraph, line wraps and hyphenation undone.")
    kind: Kind = Field(description="paragraph, address (an in-body salutation) or list_item.")
    pages: list[PageNumber] = Field(description="Pages the paragraph spans, ascending.")
    known_share: float | None = Field(
        ge=0,
        le=1,
        description="Share of its words (3+ letters) the lexicon knows, in the document's "
        "language: a misreading lowers it.",
    )
    provenance: ProvenanceModel = Field(description="Boxes, offsets, reading method, confidence.")


class MetaValueModel(_Model):
    """A metadata value with the line it was read from."""

    value: str = Field(description="The value, normalised (dates as ISO 8601, languages as codes).")
    source: str = Field(description="The preamble or header line it was read from.")


class MetadataModel(_Model):
    """What the document says about itself in its preamble; unknown values are null."""

    symbol: MetaValueModel | None = Field(
        description="Document symbol or reference number, e.g. PC.DEL/1532/24, A/79/123."
    )
    date: MetaValueModel | None = Field(description="The document's date, ISO 8601 (YYYY-MM-DD).")
    place: MetaValueModel | None = Field(description="Where it was issued or delivered.")
    issuer: MetaValueModel | None = Field(
        description="The line naming the mission, delegation, ministry or speaker."
    )
    original_language: MetaValueModel | None = Field(
        description="Language of the original (ISO 639-1 code when the name is known)."
    )
    notes: list[MetaValueModel] = Field(
        description="Notes on the text's standing: unofficial translation, check against "
        "delivery, as delivered, press release."
    )


class RegionModel(_Model):
    """Where a part of the document other than a body paragraph sits on a page."""

    role: Literal["preamble", "title", "address", "closing", "signature", "back_matter"] = Field(
        description="The section the text belongs to."
    )
    text: str = Field(description="The paragraph of that section found there.")
    page: PageNumber = Field(description="The page (1-based).")
    box: BoxModel | None = Field(description="Its box in points; null for plain text.")


class NoiseModel(_Model):
    text: str = Field(
        description="A line of scanner noise (specks, rules) set aside from the body."
    )
    page: PageNumber = Field(description="The page it was read on.")


class FurnitureModel(_Model):
    """A running header, footer or page number moved out of the text (never dropped)."""

    text: str = Field(description="The text as printed.")
    page: PageNumber = Field(description="The page it was printed on.")
    role: FurnitureRole = Field(description="header, footer or page_number.")
    box: BoxModel | None = Field(description="Where it was printed, in points; null if unknown.")


class PageModel(_Model):
    """How one page was read."""

    number: PageNumber = Field(description="The page number (1-based).")
    method: PageMethod = Field(
        description="How the page's text was read: text layer, OCR, plain text, or none."
    )
    chars: Count = Field(description="Characters of text the page gave.")
    reason: str | None = Field(description="Why this method was chosen or why the page is empty.")
    confidence: float | None = Field(
        ge=0, le=100, description="OCR mean word confidence (0-100); null when not OCR."
    )
    width: float | None = Field(description="Page width in points; null for plain text.")
    height: float | None = Field(description="Page height in points; null for plain text.")


class RepairKind(StrEnum):
    """Every repair the pipeline records; the JSON Schema gives each its description."""

    MOJIBAKE = "mojibake"
    SINGLE_BYTE_MOJIBAKE = "single_byte_mojibake"
    CONTROL_CHARS = "control_chars"
    ODD_SPACES = "odd_spaces"
    LIGATURES = "ligatures"
    SOFT_HYPHENS = "soft_hyphens"
    LOOKALIKES = "lookalikes"
    OCR_CONFUSIONS = "ocr_confusions"
    SOFT_HYPHEN_JOIN = "soft_hyphen_join"
    DEHYPHENATED = "dehyphenated"
    HYPHEN_KEPT = "hyphen_kept"
    FURNITURE_REMOVED = "furniture_removed"


REPAIR_KIND_DESCRIPTIONS: dict[RepairKind, str] = {
    RepairKind.MOJIBAKE: "UTF-8 text decoded as a legacy code page, decoded again (ftfy).",
    RepairKind.SINGLE_BYTE_MOJIBAKE: "Text in one single-byte code page read as another "
    "(cp1251 as latin-1), read again.",
    RepairKind.CONTROL_CHARS: "Control characters removed.",
    RepairKind.ODD_SPACES: "No-break, thin and other odd spaces made ordinary spaces.",
    RepairKind.LIGATURES: "Typographic ligatures (ﬁ, ﬂ) split into their letters.",
    RepairKind.SOFT_HYPHENS: "Soft hyphens inside lines removed.",
    RepairKind.LOOKALIKES: "Latin and Cyrillic look-alike letters in one word unified.",
    RepairKind.OCR_CONFUSIONS: "OCR letter confusions fixed (| for I, a lone letter in the "
    "wrong script).",
    RepairKind.SOFT_HYPHEN_JOIN: "A line ending in a soft hyphen joined to the next.",
    RepairKind.DEHYPHENATED: "A word hyphenated at a line end joined (the hyphen removed).",
    RepairKind.HYPHEN_KEPT: "A line-end hyphen kept as part of a compound word.",
    RepairKind.FURNITURE_REMOVED: "A running header, footer or page number moved out of "
    "the text into `furniture`.",
}

RepairKindField = Annotated[
    RepairKind,
    WithJsonSchema(
        {
            "title": "RepairKind",
            "oneOf": [
                {"const": kind.value, "description": REPAIR_KIND_DESCRIPTIONS[kind]}
                for kind in RepairKind
            ],
        }
    ),
]


class RepairChangeModel(_Model):
    """One change a repair made."""

    page: PageNumber | None = Field(description="The page the change was made on.")
    paragraph: Count | None = Field(
        description="Index into `body` of the paragraph holding the change; null when the "
        "changed text is not in the body (title, preamble, furniture)."
    )
    before: str = Field(description="The text before (a line, or the words around a hyphen).")
    after: str = Field(description="The text after; empty for removed furniture.")


class RepairModel(_Model):
    """A repair that changed something, with the changes it made."""

    kind: RepairKindField = Field(description="The repair (see the list of kinds).")
    count: Annotated[int, Field(ge=1)] = Field(description="How many times it changed the text.")
    changes: list[RepairChangeModel] = Field(
        description="The changes, in document order, at most `changes_cap` of them."
    )
    changes_cap: Annotated[int, Field(ge=1)] = Field(
        description="Most changes listed per kind; `count` above it means some were left out."
    )


class ErrorModel(_Model):
    """Why a document failed."""

    type: str = Field(description="The error class, e.g. NeedsOcrError.")
    message: str = Field(description="What went wrong, for a person.")
    stage: str = Field(description="The stage that failed: input, extract, decode, ...")


class PipelineInfo(_Model):
    """The tool that wrote the result."""

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

    schema_version: Literal["1.2"] = Field(description="Version of this output format.")
    source: SourceModel = Field(description="The input: path, hash, size, type, pages, encoding.")
    status: Status = Field(
        description="ok; partial (some pages unreadable, see warnings); failed (see error)."
    )
    language: Language | None = Field(
        description="Detected language (ISO 639-1: ru, en, uk, pl, ...); null without text."
    )
    metadata: MetadataModel = Field(
        description="Symbol, date, place, issuer, original language and notes read from the "
        "preamble, each with its source line."
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
    back_matter: list[str] = Field(
        description="Lines after the signatory block, as set: the executor's note and contacts, "
        "a distribution list, an enclosure note, a registration or e-signature stamp."
    )
    regions: list[RegionModel] = Field(
        description="Boxes of the preamble, title, address, closing, signature and back matter "
        "on their pages."
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
