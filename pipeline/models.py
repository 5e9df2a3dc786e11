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
    min_confidence: float | None = None  # OCR: the least confident word's confidence, 0-100


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
    warnings: tuple[str, ...] = ()  # what a reader should know about how it was read

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


@dataclass(frozen=True, slots=True)
class RepairChange:
    """One change a repair made: the text before and after, and where."""

    before: str
    after: str
    page: int | None = None
    paragraph: int | None = None  # index into the body, once sections are known
    # The line the change ended up in, to find its body paragraph; not part of its identity.
    line: Line | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class RepairRecord:
    """A repair that changed something, how many times, and (up to a cap) the changes."""

    kind: str
    count: int
    # The log of what changed where; detail, not part of the record's identity (kind, count).
    changes: tuple[RepairChange, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Furniture:
    text: str
    page: int
    role: FurnitureRole
    box: Box | None = None  # where it was printed, when the page has geometry


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
    # Share of its words the lexicon knows (``quality.with_quality``): a misreading lowers it.
    known_share: float | None = None


@dataclass(frozen=True, slots=True)
class NoiseLine:
    """A line of scanner noise set aside from the body (``quality.is_noise``)."""

    text: str
    page: int


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
    width: float | None = None  # points; PDFs and images only
    height: float | None = None


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
    back_matter: tuple[str, ...] = ()  # lines after the signatory block: executor, cc, stamp


@dataclass(frozen=True, slots=True)
class MetaValue:
    """A metadata value and the preamble or furniture line it was read from."""

    value: str
    source: str


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the preamble and furniture say about the document; unknown stays None."""

    symbol: MetaValue | None = None
    date: MetaValue | None = None  # ISO 8601 (YYYY-MM-DD)
    place: MetaValue | None = None
    issuer: MetaValue | None = None
    original_language: MetaValue | None = None  # ISO 639-1 code when the name is known
    notes: tuple[MetaValue, ...] = ()


@dataclass(frozen=True, slots=True)
class Region:
    """Where a part of the document other than a body paragraph sits on a page."""

    role: str  # preamble | title | address | closing | signature | back_matter
    text: str
    page: int
    box: Box | None


@dataclass(frozen=True, slots=True)
class Document:
    """The result for one input; ``to_dict`` gives the published JSON shape."""

    source: SourceInfo
    status: Status
    language: str | None = None
    sections: Sections = field(default_factory=Sections)
    furniture: tuple[Furniture, ...] = ()
    noise: tuple[NoiseLine, ...] = ()
    pages: tuple[PageInfo, ...] = ()
    repairs: tuple[RepairRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    error: ErrorInfo | None = None
    metadata: Metadata = field(default_factory=Metadata)
    regions: tuple[Region, ...] = ()

    def to_dict(self, version: str, config: str | None = None) -> dict[str, object]:
        """The JSON object of the output schema (``schema.DocumentModel``); ``config`` is the
        fingerprint of the settings that made it (``batch.config_fingerprint``)."""
        from pipeline.render import document_dict  # render reads models: imported late

        return document_dict(self, version, config)

    def to_markdown(self) -> str:
        """The document as Markdown: metadata front matter, title heading, then the text."""
        from pipeline.render import to_markdown

        return to_markdown(self)

    def to_text(self) -> str:
        """The document as plain text, one paragraph per blank-line-separated block."""
        from pipeline.render import to_text

        return to_text(self)


SCHEMA_VERSION = "1.2"
