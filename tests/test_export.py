"""`pipeline export`: one row per document and per body paragraph, a working FTS5 index, and
re-exports that change nothing unless a result changed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ExitCode
from pipeline.export import export_results
from tests.pdfgen import GeneratedStatement

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()
TABLES = ("documents", "paragraphs", "furniture", "repairs")


@pytest.fixture(scope="module")
def run_out(
    tmp_path_factory: pytest.TempPathFactory,
    en_statement_pdf: GeneratedStatement,
    ru_statement_pdf: GeneratedStatement,
) -> Path:
    folder = tmp_path_factory.mktemp("export-in")
    shutil.copy(GOLDEN / "seed.txt", folder / "seed.txt")
    shutil.copy(en_statement_pdf.path, folder / "en.pdf")
    (folder / "sub").mkdir()
    shutil.copy(ru_statement_pdf.path, folder / "sub" / "ru.pdf")
    out = tmp_path_factory.mktemp("export-out")
    result = runner.invoke(app, ["run", str(folder), "--out", str(out), "-w", "1", "-q"])
    assert result.exit_code == 0, result.output
    return out


def results(out: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_bytes()) for p in sorted(out.rglob("*.json"))]


def snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(database) as connection:
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}


def test_one_row_per_document_and_per_paragraph(run_out: Path, tmp_path: Path) -> None:
    database = tmp_path / "corpus.db"
    result = runner.invoke(app, ["export", str(run_out), "--sqlite", str(database)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "documents": 3, "added": 3, "updated": 0, "unchanged": 0, "invalid": []
    }  # fmt: skip
    published = results(run_out)
    rows = snapshot(database)
    assert len(rows["documents"]) == len(published) == 3
    with sqlite3.connect(database) as connection:
        for document in published:
            body = document["body"]
            assert isinstance(body, list)
            stored = connection.execute(
                "SELECT p.text, p.kind FROM paragraphs p JOIN documents d ON d.id = p.document_id"
                " WHERE d.path = ? ORDER BY p.position",
                (document["source"]["path"],),  # type: ignore[index]
            ).fetchall()
            assert stored == [(p["text"], p["kind"]) for p in body]
        symbol, date, year = connection.execute(
            "SELECT symbol, date, year FROM documents WHERE path = 'en.pdf'"
        ).fetchone()
        assert (symbol, date, year) == ("PC.DEL/1187/22", "2022-11-17", 2022)
        furniture = connection.execute("SELECT count(*) FROM furniture").fetchone()[0]
        assert furniture == sum(len(d["furniture"]) for d in published)  # type: ignore[arg-type]


def test_full_text_query_finds_the_paragraphs_holding_a_word(run_out: Path, tmp_path: Path) -> None:
    database = tmp_path / "corpus.db"
    export_results(run_out, database)
    for word in ("Aarhus", "Казахстан"):
        with sqlite3.connect(database) as connection:
            found = connection.execute(
                "SELECT p.text FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid"
                " WHERE paragraphs_fts MATCH ? ORDER BY p.id",
                (word,),
            ).fetchall()
            holding = connection.execute(
                "SELECT text FROM paragraphs WHERE text LIKE ? ORDER BY id", (f"%{word}%",)
            ).fetchall()
        # the FTS tokenizer matches whole words: "Казахстан" but not "Казахстана"
        assert found
        assert set(found) <= set(holding)
        assert all(word in text for (text,) in found)


def test_second_export_changes_nothing(run_out: Path, tmp_path: Path) -> None:
    database = tmp_path / "corpus.db"
    export_results(run_out, database)
    before = snapshot(database)
    summary = export_results(run_out, database)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 3)
    assert snapshot(database) == before


def test_a_changed_result_replaces_its_rows_only(run_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(run_out, out)
    database = tmp_path / "corpus.db"
    export_results(out, database)
    seed_path = out / "seed.json"
    seed = json.loads(seed_path.read_bytes())
    seed["body"] = seed["body"][:2]
    seed_path.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    summary = export_results(out, database)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 2)
    with sqlite3.connect(database) as connection:
        count = connection.execute(
            "SELECT count(*) FROM paragraphs p JOIN documents d ON d.id = p.document_id"
            " WHERE d.path = 'seed.txt'"
        ).fetchone()[0]
        orphans = connection.execute(
            "SELECT count(*) FROM paragraphs_fts WHERE rowid NOT IN (SELECT id FROM paragraphs)"
        ).fetchone()[0]
        documents = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert (count, orphans, documents) == (2, 0, 3)


def test_a_file_that_is_no_result_is_left_out(run_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(run_out, out)
    (out / "notes.json").write_text('{"hello": 1}')
    summary = export_results(out, tmp_path / "c.db")
    assert summary.invalid == ("notes.json",)
    assert summary.documents == 3


def test_export_of_a_missing_folder_is_no_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path / "nope"), "--sqlite", "x.db"])
    assert result.exit_code == ExitCode.NO_INPUT


def test_back_matter_reaches_the_corpus(run_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(run_out, out)
    seed_path = out / "seed.json"
    seed = json.loads(seed_path.read_bytes())
    seed["back_matter"] = ["Исп. И.И. Иванов", "+7 495 000-00-00"]
    seed_path.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    database = tmp_path / "corpus.db"
    export_results(out, database)
    with sqlite3.connect(database) as connection:
        stored = connection.execute(
            "SELECT back_matter FROM documents WHERE path = 'seed.txt'"
        ).fetchone()[0]
    assert json.loads(stored) == ["Исп. И.И. Иванов", "+7 495 000-00-00"]


def test_a_corpus_exported_before_back_matter_existed_gains_the_column(
    run_out: Path, tmp_path: Path
) -> None:
    database = tmp_path / "corpus.db"
    with sqlite3.connect(database) as connection:  # documents as the first version made it
        connection.execute(
            "CREATE TABLE documents (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
            " result TEXT NOT NULL, result_sha256 TEXT NOT NULL, sha256 TEXT NOT NULL,"
            " media_type TEXT NOT NULL, pages INTEGER NOT NULL, status TEXT NOT NULL,"
            " language TEXT, title TEXT, address TEXT, closing TEXT, signature TEXT,"
            " preamble TEXT NOT NULL, symbol TEXT, date TEXT, year INTEGER, place TEXT,"
            " issuer TEXT, original_language TEXT, metadata TEXT NOT NULL, error TEXT)"
        )
        connection.execute(
            "INSERT INTO documents (path, result, result_sha256, sha256, media_type, pages,"
            " status, preamble, metadata) VALUES ('old.pdf', 'old.json', 'x', 'y',"
            " 'application/pdf', 1, 'ok', '[]', '{}')"
        )
    summary = export_results(run_out, database)
    assert summary.added == 3
    with sqlite3.connect(database) as connection:
        rows = dict(connection.execute("SELECT path, back_matter FROM documents").fetchall())
    assert rows["old.pdf"] == "[]"
    assert len(rows) == 4
