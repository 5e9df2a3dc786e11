"""A run's results as one SQLite database: documents, paragraphs, furniture and repairs, with
an FTS5 full-text index over the paragraphs.

It reads the published JSON results (validated against the output schema), never a stage's
internals. Exporting again replaces the rows of a document whose result changed (its hash
differs) and leaves the others alone, so rows are never duplicated.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import NoInputError, OutputNotWritableError
from pipeline.inputs import INDEX_NAME
from pipeline.schema import DocumentModel, RepairChangeModel

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- the input, as the result names it
    result TEXT NOT NULL,               -- the JSON result, relative to the exported folder
    result_sha256 TEXT NOT NULL,        -- hash of the result file: what "changed" means
    sha256 TEXT NOT NULL,               -- hash of the input
    media_type TEXT NOT NULL,
    pages INTEGER NOT NULL,
    status TEXT NOT NULL,
    language TEXT,
    title TEXT,
    address TEXT,
    closing TEXT,
    signature TEXT,
    preamble TEXT NOT NULL,             -- JSON list of lines
    back_matter TEXT NOT NULL DEFAULT '[]', -- JSON list of lines after the signature
    symbol TEXT,
    date TEXT,                          -- ISO 8601
    year INTEGER,
    place TEXT,
    issuer TEXT,
    original_language TEXT,
    metadata TEXT NOT NULL,             -- the whole metadata object, JSON
    error TEXT
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,          -- index in the body, from 0
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    pages TEXT NOT NULL,                -- JSON list of page numbers
    first_page INTEGER,
    start INTEGER NOT NULL,             -- offsets in the document's plain text
    end INTEGER NOT NULL,
    confidence_mean REAL,
    confidence_min REAL,
    UNIQUE (document_id, position)
);
CREATE TABLE IF NOT EXISTS furniture (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS repairs (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    count INTEGER NOT NULL,             -- how many times, in all
    page INTEGER,                       -- one row per listed change; NULLs when none listed
    paragraph INTEGER,
    before TEXT,
    after TEXT
);
CREATE INDEX IF NOT EXISTS paragraphs_document ON paragraphs(document_id);
CREATE INDEX IF NOT EXISTS furniture_document ON furniture(document_id);
CREATE INDEX IF NOT EXISTS repairs_document ON repairs(document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(
    text, content='paragraphs', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS paragraphs_fts_delete AFTER DELETE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""
"""The tables; the FTS index follows the paragraphs table through its triggers."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    documents: int
    added: int
    updated: int
    unchanged: int
    invalid: tuple[str, ...]  # results that are not documents of the output schema

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": list(self.invalid),
        }


def result_files(out_dir: Path) -> Iterator[Path]:
    """The JSON results of a run folder, in path order (the index and hidden files left out)."""
    if not out_dir.is_dir():
        raise NoInputError(f"{out_dir} is not a folder of results")
    for path in sorted(out_dir.rglob("*.json")):
        relative = path.relative_to(out_dir)
        if path.name != INDEX_NAME and not any(part.startswith(".") for part in relative.parts):
            yield path


def connect(database: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(database)
    except sqlite3.Error as exc:
        raise OutputNotWritableError(f"cannot open {database}: {exc}") from exc
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(SCHEMA_SQL)
    _add_missing_columns(connection)
    return connection


ADDED_COLUMNS = {"back_matter": "TEXT NOT NULL DEFAULT '[]'"}
"""Columns of ``documents`` newer than the first corpus databases (schema 1.2's back matter):
a database exported by an earlier version gains them, its rows keeping the default."""


def _add_missing_columns(connection: sqlite3.Connection) -> None:
    present = {row[1] for row in connection.execute("PRAGMA table_info(documents)")}
    for name, declaration in ADDED_COLUMNS.items():
        if name not in present:
            connection.execute(f"ALTER TABLE documents ADD COLUMN {name} {declaration}")


def export_results(out_dir: Path, database: Path) -> ExportSummary:
    """Load every result below ``out_dir`` into ``database``; changed results replace their
    rows, unchanged ones are left as they are."""
    files = list(result_files(out_dir))
    added = updated = unchanged = 0
    invalid: list[str] = []
    connection = connect(database)
    try:
        with connection:
            for path in files:
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                relative = path.relative_to(out_dir).as_posix()
                try:
                    document = DocumentModel.model_validate_json(data)
                except ValidationError:
                    invalid.append(relative)
                    continue
                known = connection.execute(
                    "SELECT id, result_sha256 FROM documents WHERE path = ?",
                    (document.source.path,),
                ).fetchone()
                if known is not None and known[1] == digest:
                    unchanged += 1
                    continue
                if known is not None:
                    connection.execute("DELETE FROM documents WHERE id = ?", (known[0],))
                    updated += 1
                else:
                    added += 1
                insert_document(connection, document, relative, digest)
    except sqlite3.Error as exc:
        raise OutputNotWritableError(f"cannot write {database}: {exc}") from exc
    finally:
        connection.close()
    return ExportSummary(added + updated + unchanged, added, updated, unchanged, tuple(invalid))


def _value(field: object) -> str | None:
    return None if field is None else str(getattr(field, "value", None))


def insert_document(
    connection: sqlite3.Connection, document: DocumentModel, result: str, digest: str
) -> None:
    """One document's rows: itself, its body paragraphs, furniture and repairs."""
    meta = document.metadata
    date = _value(meta.date)
    cursor = connection.execute(
        "INSERT INTO documents (path, result, result_sha256, sha256, media_type, pages, status,"
        " language, title, address, closing, signature, preamble, back_matter, symbol, date,"
        " year, place, issuer, original_language, metadata, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            document.source.path,
            result,
            digest,
            document.source.sha256,
            document.source.media_type,
            document.source.pages,
            document.status.value,
            document.language,
            document.title,
            document.address,
            document.closing,
            document.signature,
            json.dumps(document.preamble, ensure_ascii=False),
            json.dumps(document.back_matter, ensure_ascii=False),
            _value(meta.symbol),
            date,
            int(date[:4]) if date else None,
            _value(meta.place),
            _value(meta.issuer),
            _value(meta.original_language),
            meta.model_dump_json(),
            None if document.error is None else document.error.model_dump_json(),
        ),
    )
    document_id = cursor.lastrowid
    connection.executemany(
        "INSERT INTO paragraphs (document_id, position, kind, text, pages, first_page, start,"
        " end, confidence_mean, confidence_min) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                document_id,
                position,
                p.kind.value,
                p.text,
                json.dumps(p.pages),
                p.pages[0] if p.pages else None,
                p.provenance.start,
                p.provenance.end,
                p.provenance.confidence_mean,
                p.provenance.confidence_min,
            )
            for position, p in enumerate(document.body)
        ],
    )
    connection.executemany(
        "INSERT INTO furniture (document_id, page, role, text) VALUES (?, ?, ?, ?)",
        [(document_id, f.page, f.role.value, f.text) for f in document.furniture],
    )
    rows = []
    for repair in document.repairs:
        changes: list[RepairChangeModel | None] = [*repair.changes] or [None]
        for change in changes:
            rows.append(
                (
                    document_id,
                    repair.kind.value,
                    repair.count,
                    None if change is None else change.page,
                    None if change is None else change.paragraph,
                    None if change is None else change.before,
                    None if change is None else change.after,
                )
            )
    connection.executemany(
        "INSERT INTO repairs (document_id, kind, count, page, paragraph, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
