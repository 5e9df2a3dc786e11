"""Renderings of a finished ``Document``: the JSON object, Markdown and plain text.

All three are made from the document model, never from one another. The plain text is the
reference the JSON's character offsets point into: ``to_text(doc)[start:end]`` is the paragraph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pipeline.errors import UsageError
from pipeline.models import (
    SCHEMA_VERSION,
    Box,
    Document,
    Kind,
    Metadata,
    MetaValue,
    RepairRecord,
)
from pipeline.output import to_json
from pipeline.provenance import MAX_CHANGES_PER_KIND, paragraph_provenance

BLOCK_SEPARATOR = "\n\n"
"""Between two paragraphs of the plain text and the Markdown."""

FORMATS = ("json", "md", "txt")
"""Output formats, named as the file suffixes they are written with."""


def parse_formats(value: str) -> tuple[str, ...]:
    """``"json,md"`` → ``("json", "md")``, in the given order without repeats; UsageError
    names an unknown format."""
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise UsageError(
            f"unknown output format {', '.join(unknown) or repr(value)}: "
            f"choose from {', '.join(FORMATS)}"
        )
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the rendered text and the section it belongs to."""

    role: str  # preamble | title | address | body | closing | signature | back_matter
    text: str
    paragraph: int | None = None  # index into the body
    kind: Kind | None = None


def text_blocks(document: Document) -> list[Block]:
    """The document's text in reading order, one block per paragraph."""
    s = document.sections
    blocks: list[Block] = []
    if s.preamble:
        blocks.append(Block("preamble", "\n".join(s.preamble)))
    if s.title:
        blocks.append(Block("title", s.title))
    if s.address:
        blocks.append(Block("address", s.address))
    blocks.extend(
        Block("body", p.text, paragraph=index, kind=p.kind) for index, p in enumerate(s.body)
    )
    if s.closing:
        blocks.extend(Block("closing", part) for part in s.closing.split("\n") if part.strip())
    if s.signature:
        blocks.append(Block("signature", s.signature))
    if s.back_matter:
        blocks.append(Block("back_matter", "\n".join(s.back_matter)))
    return blocks


def to_text(document: Document) -> str:
    """Plain text: paragraphs separated by a blank line, no markup, a final newline."""
    blocks = text_blocks(document)
    return BLOCK_SEPARATOR.join(block.text for block in blocks) + ("\n" if blocks else "")


def body_offsets(document: Document) -> list[tuple[int, int]]:
    """Start and end of each body paragraph in ``to_text(document)``."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for block in text_blocks(document):
        if block.paragraph is not None:
            offsets.append((position, position + len(block.text)))
        position += len(block.text) + len(BLOCK_SEPARATOR)
    return offsets


# --- Markdown ------------------------------------------------------------------------------

INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
"""Characters CommonMark could read as markup anywhere in a line (an ampersand only where it
would start an entity such as ``&amp;``)."""
BLOCK_START = re.compile(r"^(\s*)([#>+=~-]|\d+[.)](?=\s|$))")
"""A line start CommonMark would read as a heading, quote, list or rule."""
ORDERED_ITEM = re.compile(r"^(\d{1,9})[.)]\s+")
BULLET_ITEM = re.compile(r"^[-–—•*·]\s+")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as written (markup characters escaped)."""
    lines = []
    for line in text.split("\n"):
        line = INLINE_SPECIAL.sub(r"\\\1", line)
        lines.append(BLOCK_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), line))
    return "\n".join(lines)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def markdown_list_item(text: str) -> str:
    """A list item as Markdown: numbered items keep their number, others become bullets."""
    ordered = ORDERED_ITEM.match(text)
    if ordered:
        return f"{ordered.group(1)}. {escape_markdown(text[ordered.end() :])}"
    bullet = BULLET_ITEM.match(text)
    rest = text[bullet.end() :] if bullet else text
    return f"- {escape_markdown(rest)}"


def hard_breaks(text: str) -> str:
    """Lines kept apart in one Markdown paragraph (a backslash at the end of each but the last)."""
    return "\\\n".join(text.split("\n"))


def front_matter(document: Document) -> str:
    """YAML front matter with the metadata, the preamble and the back matter (values as JSON
    strings, which YAML reads as they are)."""
    fields: list[str] = []
    for name, value in metadata_values(document.metadata):
        fields.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    if document.metadata.notes:
        fields.append("notes:")
        fields.extend(
            f"  - {json.dumps(note.value, ensure_ascii=False)}" for note in document.metadata.notes
        )
    if document.language:
        fields.append(f"language: {json.dumps(document.language)}")
    for name, lines in (
        ("preamble", document.sections.preamble),
        ("back_matter", document.sections.back_matter),
    ):
        if lines:
            fields.append(f"{name}:")
            fields.extend(f"  - {json.dumps(line, ensure_ascii=False)}" for line in lines)
    return "---\n" + "\n".join(fields) + "\n---" if fields else ""


def metadata_values(metadata: Metadata) -> list[tuple[str, str]]:
    """The single-valued metadata fields that are known, in a fixed order."""
    named = (
        ("symbol", metadata.symbol),
        ("date", metadata.date),
        ("place", metadata.place),
        ("issuer", metadata.issuer),
        ("original_language", metadata.original_language),
    )
    return [(name, value.value) for name, value in named if value is not None]


def to_markdown(document: Document) -> str:
    """Markdown: front matter, the title as a heading, then salutation, body, closing, signature."""
    front = front_matter(document)
    parts = [front] if front else []
    for block in text_blocks(document):
        if block.role in ("preamble", "back_matter"):
            continue  # in the front matter
        if block.role == "title":
            parts.append("# " + escape_markdown(" ".join(block.text.split())))
        elif block.kind is Kind.LIST_ITEM:
            parts.append(markdown_list_item(block.text))
        else:
            parts.append(hard_breaks(escape_markdown(block.text)))
    return BLOCK_SEPARATOR.join(parts) + ("\n" if parts else "")


# --- JSON ----------------------------------------------------------------------------------


def box_dict(box: Box | None) -> dict[str, float] | None:
    if box is None:
        return None
    return {
        "x0": round(box.x0, 2),
        "top": round(box.top, 2),
        "x1": round(box.x1, 2),
        "bottom": round(box.bottom, 2),
    }


def meta_dict(value: MetaValue | None) -> dict[str, str] | None:
    return None if value is None else {"value": value.value, "source": value.source}


def metadata_dict(metadata: Metadata) -> dict[str, object]:
    return {
        "symbol": meta_dict(metadata.symbol),
        "date": meta_dict(metadata.date),
        "place": meta_dict(metadata.place),
        "issuer": meta_dict(metadata.issuer),
        "original_language": meta_dict(metadata.original_language),
        "notes": [{"value": n.value, "source": n.source} for n in metadata.notes],
    }


def body_dicts(document: Document) -> list[dict[str, object]]:
    offsets = body_offsets(document)
    paragraphs: list[dict[str, object]] = []
    for paragraph, (start, end) in zip(document.sections.body, offsets, strict=True):
        provenance = paragraph_provenance(paragraph)
        paragraphs.append(
            {
                "text": paragraph.text,
                "kind": paragraph.kind.value,
                "pages": list(paragraph.pages),
                "known_share": paragraph.known_share,
                "provenance": {
                    "start": start,
                    "end": end,
                    "spans": [
                        {"page": span.page, "box": box_dict(span.box), "method": span.method}
                        for span in provenance.spans
                    ],
                    "confidence_mean": provenance.confidence_mean,
                    "confidence_min": provenance.confidence_min,
                },
            }
        )
    return paragraphs


def repair_dict(record: RepairRecord) -> dict[str, object]:
    return {
        "kind": record.kind,
        "count": record.count,
        "changes": [
            {
                "page": change.page,
                "paragraph": change.paragraph,
                "before": change.before,
                "after": change.after,
            }
            for change in record.changes[:MAX_CHANGES_PER_KIND]
        ],
        "changes_cap": MAX_CHANGES_PER_KIND,
    }


def document_dict(document: Document, version: str, config: str | None) -> dict[str, object]:
    """The JSON object of the output schema (``schema.DocumentModel``)."""
    s = document.sections
    source = document.source
    return {
        "schema_version": SCHEMA_VERSION,
        "source": {
            "path": source.path,
            "sha256": source.sha256,
            "bytes": source.bytes,
            "media_type": source.media_type,
            "pages": source.pages,
            "encoding": source.encoding,
        },
        "status": document.status.value,
        "language": document.language,
        "metadata": metadata_dict(document.metadata),
        "preamble": list(s.preamble),
        "title": s.title,
        "address": s.address,
        "body": body_dicts(document),
        "closing": s.closing,
        "signature": s.signature,
        "back_matter": list(s.back_matter),
        "regions": [
            {"role": r.role, "text": r.text, "page": r.page, "box": box_dict(r.box)}
            for r in document.regions
        ],
        "furniture": [
            {"text": f.text, "page": f.page, "role": f.role.value, "box": box_dict(f.box)}
            for f in document.furniture
        ],
        "noise": [{"text": n.text, "page": n.page} for n in document.noise],
        "pages": [
            {
                "number": p.number,
                "method": p.method,
                "chars": p.chars,
                "reason": p.reason,
                "confidence": p.confidence,
                "width": p.width,
                "height": p.height,
            }
            for p in document.pages
        ],
        "repairs": [repair_dict(record) for record in document.repairs],
        "warnings": list(document.warnings),
        "error": (
            None
            if document.error is None
            else {
                "type": document.error.type,
                "message": document.error.message,
                "stage": document.error.stage,
            }
        ),
        "pipeline": {"version": version, "config": config},
    }


def render(document: Document, fmt: str, version: str = "", config: str | None = None) -> str:
    """The document in one of ``FORMATS`` (``version`` and ``config`` go into the JSON)."""
    if fmt == "md":
        return to_markdown(document)
    if fmt == "txt":
        return to_text(document)
    return to_json(document_dict(document, version, config))
