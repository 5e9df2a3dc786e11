"""Values passed between stages: frozen, picklable, no behaviour beyond small derived properties.

Geometry (boxes, font size, boldness, page) travels with every line from extraction to
paragraph building; plain text gets ``box=None`` and carries its blank-line rhythm instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Origin(StrEnum):
    """Where a line's text came from."""

    TEXT_LAYER = "text"
    OCR = "ocr"
    PLAIN_TEXT = "plain"


class Status(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


class Kind(StrEnum):
    """What a body paragraph is."""

    PARAGRAPH = "paragraph"
    ADDRESS = "address"
    LIST_ITEM = "list_item"


class FurnitureRole(StrEnum):
    HEADER = "header"
    FOOTER = "footer"
    PAGE_NUMBER = "page_number"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in PDF points, origin at the top-left (OCR boxes are converted to points)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Line:
    """One visual line of a page, with whatever layout its source could tell."""

    text: str
    page: int  # 1-based
    origin: Origin
    box: Box | None = None
    size: float | None = None  # dominant font size (points), when known
    bold: bool = False
    confidence: float | None = None  # OCR mean word confidence, 0-100
    blank_before: int = 0  # plain text: whitespace-only lines just above this one


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a source; ``width``/``height`` are known for PDFs and images only."""

    number: int  # 1-based
    lines: tuple[Line, ...]
    method: str  # "text" | "ocr" | "plain" | "none"
    width: float | None = None
    height: float | None = None
    reason: str | None = None  # why this method was chosen, or why the page is empty
    confidence: float | None = None

    @property
    def chars(self) -> int:
        return sum(len(line.text) for line in self.lines)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor hands to the shared stages."""

    pages: tuple[Page, ...]
    media_type: str
    encoding: str | None = None  # plain text only: the detected source encoding
    warnings: tuple[str, ...] = ()
    repairs: tuple[RepairRecord, ...] = ()  # made while extracting (stray control characters)


@dataclass(frozen=True, slots=True)
class RepairRecord:
    """A repair that changed something, and how many times."""

    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class Furniture:
    text: str
    page: int
    role: FurnitureRole


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph built by reflow; keeps its lines so later stages can read the layout."""

    text: str
    lines: tuple[Line, ...]
    kind: Kind = Kind.PARAGRAPH

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({line.page for line in self.lines}))


@dataclass(frozen=True, slots=True)
class BodyParagraph:
    text: str
    kind: Kind
    pages: tuple[int, ...]
    # The lines it was built from, for provenance (boxes, confidence); not part of its identity.
    lines: tuple[Line, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    path: str
    sha256: str
    bytes: int
    media_type: str
    pages: int
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class PageInfo:
    number: int
    method: str
    chars: int
    reason: str | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    type: str
    message: str
    stage: str


@dataclass(frozen=True, slots=True)
class Sections:
    """What the sections stage makes of a document's paragraphs."""

    preamble: tuple[str, ...] = ()
    title: str | None = None
    address: str | None = None
    body: tuple[BodyParagraph, ...] = ()
    closing: str | None = None
    signature: str | None = None  # the signatory block after the closing, lines joined by "\n"


@dataclass(frozen=True, slots=True)
class Document:
    """The result for one input; ``to_dict`` gives the published JSON shape."""

    source: SourceInfo
    status: Status
    language: str | None = None
    sections: Sections = field(default_factory=Sections)
    furniture: tuple[Furniture, ...] = ()
    pages: tuple[PageInfo, ...] = ()
    repairs: tuple[RepairRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    error: ErrorInfo | None = None

    def to_dict(self, version: str, config: str | None = None) -> dict[str, object]:
        """The JSON object of the output schema (``schema.DocumentModel``); ``config`` is the
        fingerprint of the settings that made it (``batch.config_fingerprint``)."""
        s = self.sections
        return {
            "schema_version": SCHEMA_VERSION,
            "source": {
                "path": self.source.path,
                "sha256": self.source.sha256,
                "bytes": self.source.bytes,
                "media_type": self.source.media_type,
                "pages": self.source.pages,
                "encoding": self.source.encoding,
            },
            "status": self.status.value,
            "language": self.language,
            "preamble": list(s.preamble),
            "title": s.title,
            "address": s.address,
            "body": [
                {"text": p.text, "kind": p.kind.value, "pages": list(p.pages)} for p in s.body
            ],
            "closing": s.closing,
            "signature": s.signature,
            "furniture": [
                {"text": f.text, "page": f.page, "role": f.role.value} for f in self.furniture
            ],
            "pages": [
                {
                    "number": p.number,
                    "method": p.method,
                    "chars": p.chars,
                    "reason": p.reason,
                    "confidence": p.confidence,
                }
                for p in self.pages
            ],
            "repairs": [{"kind": r.kind, "count": r.count} for r in self.repairs],
            "warnings": list(self.warnings),
            "error": (
                None
                if self.error is None
                else {
                    "type": self.error.type,
                    "message": self.error.message,
                    "stage": self.error.stage,
                }
            ),
            "pipeline": {"version": version, "config": config},
        }


SCHEMA_VERSION = "1.0"
