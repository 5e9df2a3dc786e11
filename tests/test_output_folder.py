"""The output folder holds the user's files too: nothing of theirs is replaced or taken."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ExitCode

STATEMENT = (
    "Statement by the Delegation of Norway\n\n"
    "Mr. Chairperson,\n\n"
    "Norway welcomes the report and thanks the Secretariat for its work.\n\n"
    "Thank you.\n"
)
runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run(*args: str | Path) -> int:
    return runner.invoke(app, ["run", *map(str, args), "--quiet", "-w", "1"]).exit_code


def test_out_equal_to_input_with_colliding_names_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "report.txt").write_text(STATEMENT)
    (folder / "report.json").write_text('{"mine": true}\n')
    (folder / "index.jsonl").write_text("my own notes\n")
    (folder / "data.json").write_text("[1, 2, 3]\n")
    before = snapshot(folder)
    result = runner.invoke(app, ["run", str(folder), "--out", str(folder), "-w", "1"])
    assert result.exit_code == ExitCode.USAGE
    assert "would write over" in result.output
    assert snapshot(folder) == before


def test_out_equal_to_input_without_collisions_runs_and_reruns(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text(STATEMENT)
    (folder / "notes.md").write_text(STATEMENT.replace("Norway", "Peru"))
    before = snapshot(folder)
    assert run(folder, "--out", folder) == ExitCode.OK
    after = snapshot(folder)
    assert {name: after[name] for name in before} == before  # inputs untouched
    assert json.loads(after["a.json"])["status"] == "ok"
    index = [json.loads(line) for line in after["index.jsonl"].splitlines()]
    assert [entry["path"] for entry in index] == ["a.txt", "notes.md"]  # not its own results
    assert run(folder, "--out", folder) == ExitCode.OK  # our results are recognised
    again = snapshot(folder)
    assert again.keys() == after.keys()
    assert {k: v for k, v in again.items() if k != "index.jsonl"} == {
        k: v for k, v in after.items() if k != "index.jsonl"
    }
    assert [json.loads(line)["skipped"] for line in again["index.jsonl"].splitlines()] == [
        True,
        True,
    ]


def test_a_foreign_file_where_a_result_goes_is_kept_and_that_document_fails(
    tmp_path: Path,
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STATEMENT)
    (tmp_path / "in" / "b.txt").write_text(STATEMENT)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.json").write_text('{"mine": true}\n')
    assert run(tmp_path / "in", "--out", tmp_path / "out") == ExitCode.SOME_FAILED
    assert (tmp_path / "out" / "a.json").read_text() == '{"mine": true}\n'
    lines = (tmp_path / "out" / "index.jsonl").read_text().splitlines()
    index = [json.loads(line) for line in lines]
    assert [entry["status"] for entry in index] == ["failed", "ok"]
    assert "not written by pipeline" in index[0]["error"]["message"]


def test_a_foreign_index_stops_the_run_before_any_document(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STATEMENT)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.jsonl").write_text("my own notes\n")
    assert run(tmp_path / "in", "--out", tmp_path / "out") == ExitCode.OUTPUT_NOT_WRITABLE
    assert snapshot(tmp_path / "out") == {"index.jsonl": b"my own notes\n"}


def test_out_inside_the_input_folder_is_not_read_as_input(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(STATEMENT)
    assert run(tmp_path / "d", "--out", tmp_path / "d" / "out") == ExitCode.OK
    assert run(tmp_path / "d", "--out", tmp_path / "d" / "out") == ExitCode.OK
    index = (tmp_path / "d" / "out" / "index.jsonl").read_text().splitlines()
    assert [json.loads(line)["path"] for line in index] == ["a.txt"]


def test_stale_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STATEMENT)
    stale = tmp_path / "out" / "sub" / ".b.json.0123456789ab.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_text('{"half": ')
    users = tmp_path / "out" / ".keep.tmp"
    users.write_text("not ours")
    assert run(tmp_path / "in", "--out", tmp_path / "out") == ExitCode.OK
    assert not stale.exists()
    assert users.read_text() == "not ours"
