"""The command line as a user meets it: exit codes, files written, stdout carrying data only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from pipeline import __version__
from pipeline.cli import app
from pipeline.errors import ExitCode
from pipeline.schema import json_schema
from tests.pdfgen import make_text_pdf

STATEMENT = (
    "Заявление делегации Российской Федерации\n\n"
    "Уважаемый господин Председатель,\n\n"
    "Российская Федерация благодарит Председателя за созыв этого заседания.\n\n"
    "Благодарю за внимание.\n"
)

runner = CliRunner()


def invoke(*args: str | Path, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], input=stdin)


def write(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def good_inputs(root: Path) -> Path:
    return write(
        root,
        {
            "a.txt": STATEMENT.encode(),
            "a.pdf": STATEMENT.encode("cp1251"),  # shares the stem; content is text
            "sub/b.txt": STATEMENT.encode("utf-16"),
        },
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


# --- run ---------------------------------------------------------------------------------------


def test_run_all_good_exits_0_and_names_outputs(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == ExitCode.OK, result.stderr
    written = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.json")
    )
    assert written == ["a.pdf.json", "a.txt.json", "sub/b.json"]
    index = json_lines((tmp_path / "out" / "index.jsonl").read_text("utf-8"))
    assert [(line["path"], line["output"]) for line in index] == [
        ("a.pdf", "a.pdf.json"),
        ("a.txt", "a.txt.json"),
        ("sub/b.txt", "sub/b.json"),
    ]
    assert result.stdout == ""  # no --jsonl: nothing on stdout
    assert "3 documents: 3 ok, 0 partial, 0 failed" in result.stderr
    assert "index.jsonl" in result.stderr


def test_run_defaults_to_input_and_output_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good_inputs(tmp_path / "input")
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "--workers", "1", "--quiet")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert (tmp_path / "output" / "index.jsonl").is_file()
    assert result.stderr == ""  # --quiet


def test_a_bad_file_among_good_ones_exits_1_with_the_good_ones_written(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    write(tmp_path / "in", {"broken.pdf": b"%PDF-1.7\n1 0 obj <<", "empty.txt": b""})
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "--workers", "2")
    assert result.exit_code == ExitCode.SOME_FAILED
    index = {
        line["path"]: line for line in json_lines((tmp_path / "out" / "index.jsonl").read_text())
    }
    assert {path for path, line in index.items() if line["status"] == "failed"} == {
        "broken.pdf",
        "empty.txt",
    }
    for line in index.values():
        assert (tmp_path / "out" / line["output"]).is_file()
    assert "failed: broken.pdf:" in result.stderr
    assert "2 failed" in result.stderr


@pytest.mark.parametrize("case", ["missing folder", "empty folder"])
def test_no_input_exits_4(tmp_path: Path, case: str) -> None:
    if case == "empty folder":
        (tmp_path / "in").mkdir()
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == ExitCode.NO_INPUT
    assert str(tmp_path / "in") in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()  # nothing created for a run that cannot start


def test_output_under_a_regular_file_exits_5(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    (tmp_path / "blocker").write_text("")
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "blocker" / "out")
    assert result.exit_code == ExitCode.OUTPUT_NOT_WRITABLE
    assert "not writable" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_read_only_output_exits_5(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    (tmp_path / "out").mkdir(mode=0o500)
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out")
    assert result.exit_code == ExitCode.OUTPUT_NOT_WRITABLE


@pytest.mark.parametrize(
    "args",
    [["run", "--workers", "0"], ["run", "--no-such-flag"], ["clean"], ["frobnicate"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert invoke(*args).exit_code == ExitCode.USAGE


def test_run_jsonl_streams_one_document_per_line_and_nothing_else(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    write(tmp_path / "in", {"empty.txt": b""})
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "--jsonl", "-w", "1")
    assert result.exit_code == ExitCode.SOME_FAILED
    streamed = json_lines(result.stdout)  # fails on any line that is not JSON
    assert sorted(doc["source"]["path"] for doc in streamed) == [
        "a.pdf",
        "a.txt",
        "empty.txt",
        "sub/b.txt",
    ]
    on_disk = json.loads((tmp_path / "out" / "a.txt.json").read_text("utf-8"))
    assert next(doc for doc in streamed if doc["source"]["path"] == "a.txt") == on_disk
    assert "failed: empty.txt" in result.stderr  # logs went to stderr, not into the stream


# --- clean -------------------------------------------------------------------------------------


def test_clean_prints_the_json_on_stdout(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": STATEMENT.encode()})
    result = invoke("clean", tmp_path / "a.txt")
    assert result.exit_code == ExitCode.OK, result.stderr
    document = json.loads(result.stdout)
    assert document["source"]["path"] == str(tmp_path / "a.txt")
    assert document["language"] == "ru"
    assert result.stdout.count("\n") > 1  # pretty by default
    assert result.stderr == ""


def test_clean_jsonl_is_one_line(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": STATEMENT.encode()})
    result = invoke("clean", tmp_path / "a.txt", "--jsonl")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.count("\n") == 1
    assert json.loads(result.stdout)["status"] in {"ok", "partial"}


def test_clean_reads_stdin_with_dash() -> None:
    result = invoke("clean", "-", stdin=STATEMENT.encode("cp1251"))
    assert result.exit_code == ExitCode.OK
    document = json.loads(result.stdout)
    assert document["source"]["bytes"] == len(STATEMENT.encode("cp1251"))
    assert "Российская Федерация" in json.dumps(document, ensure_ascii=False)


def test_clean_a_failed_document_still_prints_it_and_exits_1(tmp_path: Path) -> None:
    write(tmp_path, {"empty.txt": b""})
    result = invoke("clean", tmp_path / "empty.txt")
    assert result.exit_code == ExitCode.SOME_FAILED
    document = json.loads(result.stdout)
    assert document["status"] == "failed"
    assert document["error"]["message"]


@pytest.mark.parametrize("case", ["missing", "folder"])
def test_clean_without_a_file_exits_4(tmp_path: Path, case: str) -> None:
    target = tmp_path / "x.pdf"
    if case == "folder":
        target.mkdir()
    result = invoke("clean", target)
    assert result.exit_code == ExitCode.NO_INPUT
    assert result.stdout == ""


# --- schema and version ------------------------------------------------------------------------


def test_schema_command_prints_a_valid_json_schema_that_outputs_meet(tmp_path: Path) -> None:
    result = invoke("schema")
    assert result.exit_code == ExitCode.OK
    schema = json.loads(result.stdout)
    assert schema == json_schema()
    Draft202012Validator.check_schema(schema)
    write(tmp_path, {"a.txt": STATEMENT.encode(), "bad.pdf": b"%PDF-"})
    for name in ("a.txt", "bad.pdf"):
        document = json.loads(invoke("clean", tmp_path / name).stdout)
        assert list(Draft202012Validator(schema).iter_errors(document)) == []


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.strip() == f"pipeline {__version__}"


# --- one real process, through stdin -----------------------------------------------------------


def test_python_m_pipeline_clean_stdin_smoke() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline", "clean", "-"],
        input=STATEMENT.encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": ""},
    )
    assert completed.returncode == ExitCode.OK, completed.stderr.decode()
    document = json.loads(completed.stdout.decode("utf-8"))  # stdout is exactly one document
    assert document["source"]["path"] == "<stdin>"
    assert "Российская Федерация" in completed.stdout.decode("utf-8")  # UTF-8, not escaped


# --- limits and resuming -----------------------------------------------------------------------


def test_a_rerun_skips_unchanged_inputs_and_force_redoes_them(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    args = ("run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1")
    assert invoke(*args).exit_code == ExitCode.OK
    again = invoke(*args, "--jsonl")
    assert again.exit_code == ExitCode.OK
    assert "3 documents: 3 ok, 0 partial, 0 failed (3 unchanged, not redone)" in again.stderr
    assert len(json_lines(again.stdout)) == 3  # the stream still has every document
    forced = invoke(*args, "--force")
    assert forced.exit_code == ExitCode.OK
    assert "3 documents: 3 ok, 0 partial, 0 failed; 3 pages, 0 read by OCR;" in forced.stderr


def test_max_pages_fails_a_longer_pdf(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    make_text_pdf(tmp_path / "in" / "two.pdf", [["Mr. Chairperson,"], ["Thank you."]])
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "--max-pages", "1")
    assert result.exit_code == ExitCode.SOME_FAILED
    index = json_lines((tmp_path / "out" / "index.jsonl").read_text("utf-8"))
    assert "more than the limit of 1" in index[0]["error"]["message"]


def test_results_record_the_settings_fingerprint(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": STATEMENT.encode()})
    plain = json.loads(invoke("clean", tmp_path / "a.txt").stdout)
    other = json.loads(invoke("clean", tmp_path / "a.txt", "--ocr", "never").stdout)
    assert plain["pipeline"]["version"] == __version__
    assert plain["pipeline"]["config"] != other["pipeline"]["config"]


def test_names_with_control_characters_cannot_act_on_the_terminal(tmp_path: Path) -> None:
    hostile = "clear\x1b[2J\nfailed: forged.txt"
    write(tmp_path / "in", {f"{hostile}.pdf": b"not a pdf at all \x00\x01\x02"})
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1")
    assert result.exit_code == ExitCode.SOME_FAILED
    assert "\x1b" not in result.stderr
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed_lines) == 1  # no forged line
    assert failed_lines[0].startswith("failed: clear\\x1b[2J\\nfailed: forged.txt.pdf: ")
    index = json_lines((tmp_path / "out" / "index.jsonl").read_text("utf-8"))
    assert index[0]["path"] == f"{hostile}.pdf"  # the data keeps the real name


def test_run_takes_files_and_folders_each_under_its_own_name(tmp_path: Path) -> None:
    write(tmp_path / "d1", {"a.txt": STATEMENT.encode()})
    write(tmp_path / "d2", {"a.txt": STATEMENT.encode(), "sub/b.txt": STATEMENT.encode()})
    write(tmp_path, {"single.txt": STATEMENT.encode()})
    result = invoke(
        "run", tmp_path / "d1", tmp_path / "d2", tmp_path / "single.txt",
        "--out", tmp_path / "out", "-w", "1",
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    index = json_lines((tmp_path / "out" / "index.jsonl").read_text("utf-8"))
    assert [(line["path"], line["output"]) for line in index] == [
        ("d1/a.txt", "d1/a.json"),
        ("d2/a.txt", "d2/a.json"),
        ("d2/sub/b.txt", "d2/sub/b.json"),
        ("single.txt", "single.json"),
    ]


def test_include_and_exclude_select_inputs_by_glob(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    result = invoke(
        "run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1",
        "--include", "*.txt", "--exclude", "sub/*",
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    index = json_lines((tmp_path / "out" / "index.jsonl").read_text("utf-8"))
    assert [line["path"] for line in index] == ["a.txt"]
    nothing = invoke("run", tmp_path / "in", "--out", tmp_path / "o2", "--include", "*.doc")
    assert nothing.exit_code == ExitCode.NO_INPUT
    assert "--include" in nothing.stderr


def test_verbose_prints_a_line_per_document_without_a_terminal(tmp_path: Path) -> None:
    good_inputs(tmp_path / "in")
    result = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1", "-v")
    assert result.exit_code == ExitCode.OK
    assert "ok: a.txt (1 page)" in result.stderr
    assert "ok: sub/b.txt (1 page)" in result.stderr
    again = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1", "-v")
    assert "unchanged: a.txt" in again.stderr


def test_clean_writes_to_a_file_with_o(tmp_path: Path) -> None:
    source = write(tmp_path, {"a.txt": STATEMENT.encode()}) / "a.txt"
    result = invoke("clean", source, "-o", tmp_path / "a.json")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == ""
    assert json.loads((tmp_path / "a.json").read_text("utf-8"))["status"] == "ok"


def test_an_encrypted_pdf_without_its_password_exits_8(tmp_path: Path) -> None:
    from tests import faults

    pdf = faults.encrypted_pdf(tmp_path / "in" / "locked.pdf")
    assert invoke("clean", pdf).exit_code == ExitCode.ENCRYPTED == 8
    run = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1")
    assert run.exit_code == ExitCode.ENCRYPTED
    faults.good_text(tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    mixed = invoke("run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1")
    assert mixed.exit_code == ExitCode.SOME_FAILED  # another failure: the general code


def test_help_mentions_scans_images_and_ocr() -> None:
    text = invoke("run", "--help").stdout + invoke("--help").stdout
    for word in ("scans", "images", "OCR"):
        assert word in text


def test_pages_reads_only_the_pages_asked_for(tmp_path: Path) -> None:
    pdf = make_text_pdf(
        tmp_path / "three.pdf",
        [("Page one of the statement.",), ("Page two of it.",), ("Page three of it.",)],
    )
    result = invoke("clean", pdf, "--pages", "1,3")
    assert result.exit_code == ExitCode.OK, result.stderr
    document = json.loads(result.stdout)
    assert [page["number"] for page in document["pages"]] == [1, 3]
    assert "two" not in json.dumps(document["body"])
    assert invoke("clean", pdf, "--pages", "2-1").exit_code == ExitCode.USAGE
    assert invoke("clean", pdf, "--pages", "x").exit_code == ExitCode.USAGE
