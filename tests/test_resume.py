"""Resumable, incremental runs: unchanged inputs are not redone; a killed run finishes later."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from pipeline import batch
from pipeline.batch import ItemResult, Limits, config_fingerprint
from pipeline.config import Config, OcrMode
from pipeline.errors import ExitCode
from pipeline.schema import json_schema
from tests import faults, misbehaving

PARAGRAPH = (
    "The Delegation of {country} welcomes the report of the Secretary-General and thanks the "
    "Secretariat for its work on this important matter."
)
COUNTRIES = ("Norway", "Iceland", "Chile", "Peru", "Ghana", "Kenya", "Nepal", "Fiji")
LONG_STATEMENT_PARAGRAPHS = 20
"""Enough text that each file takes a good fraction of a second, so that a run can be killed
between two of them."""
POLL_SECONDS = 0.005
KILL_WAIT_SECONDS = 120


def statement(country: str, paragraphs: int = 2) -> str:
    body = "\n\n".join(PARAGRAPH.format(country=country) for _ in range(paragraphs))
    return f"Statement by the Delegation of {country}\n\nMr. Chairperson,\n\n{body}\n\nThank you.\n"


def make_folder(root: Path, paragraphs: int = 2) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for country in COUNTRIES:
        path = root / f"{country.lower()}.txt"
        path.write_text(statement(country, paragraphs), encoding="utf-8")
        paths.append(path)
    return paths


def read_index(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "index.jsonl").read_text("utf-8").splitlines()
    return {entry["path"]: entry for entry in map(json.loads, lines)}


def stamps(out: Path) -> dict[str, int]:
    """Each result file's modification time (ns): changes when it is rewritten."""
    return {path.name: path.stat().st_mtime_ns for path in out.glob("*.json")}


def run(root: Path, out: Path, config: Config | None = None, **options: Any) -> batch.RunSummary:
    tasks = batch.plan_run(root, out)
    return batch.run_batch(tasks, out, config or Config(), workers=1, **options)


# --- skipping what is up to date -----------------------------------------------------------


def test_a_second_run_skips_every_unchanged_input(tmp_path: Path) -> None:
    make_folder(tmp_path / "in")
    faults.empty_file(tmp_path / "in" / "empty.txt")
    first = run(tmp_path / "in", tmp_path / "out")
    before = stamps(tmp_path / "out")
    reported: list[ItemResult] = []
    second = run(tmp_path / "in", tmp_path / "out", on_result=reported.append)
    assert stamps(tmp_path / "out") == before  # nothing rewritten
    assert (second.skipped, second.total) == (9, 9)
    assert second.counts == first.counts  # the skipped count by their earlier status
    assert second.exit_code is ExitCode.SOME_FAILED  # the empty file still failed
    index = read_index(tmp_path / "out")
    assert all(entry["skipped"] for entry in index.values())
    assert index["empty.txt"]["status"] == "failed"
    assert sorted(r.position for r in reported) == list(range(9))
    assert all(r.skipped for r in reported)


def test_only_changed_inputs_are_redone(tmp_path: Path) -> None:
    paths = make_folder(tmp_path / "in")
    run(tmp_path / "in", tmp_path / "out")
    before = stamps(tmp_path / "out")
    paths[0].write_text(statement("Sweden"), encoding="utf-8")
    summary = run(tmp_path / "in", tmp_path / "out")
    after = stamps(tmp_path / "out")
    assert [name for name in before if before[name] != after[name]] == [f"{paths[0].stem}.json"]
    assert summary.skipped == len(paths) - 1
    redone = json.loads((tmp_path / "out" / f"{paths[0].stem}.json").read_text("utf-8"))
    assert "Sweden" in json.dumps(redone)


@pytest.mark.parametrize(
    ("label", "change", "redone"),
    [
        ("a setting that changes results", {"dehyphenate": False}, True),
        ("the OCR languages", {"ocr_lang": "eng"}, True),
        ("a page limit", {"max_pages": 5}, True),
        ("a password given", {"password": "x"}, True),
        ("pages read in parallel", {"page_workers": 4}, False),
    ],
)
def test_changed_settings_redo_everything_unless_only_speed_changed(
    tmp_path: Path, label: str, change: dict[str, Any], redone: bool
) -> None:
    make_folder(tmp_path / "in")
    run(tmp_path / "in", tmp_path / "out")
    summary = run(tmp_path / "in", tmp_path / "out", replace(Config(), **change))
    assert summary.skipped == (0 if redone else len(COUNTRIES)), label


def test_force_redoes_everything(tmp_path: Path) -> None:
    make_folder(tmp_path / "in")
    run(tmp_path / "in", tmp_path / "out")
    summary = run(tmp_path / "in", tmp_path / "out", force=True)
    assert summary.skipped == 0
    assert not any(entry["skipped"] for entry in read_index(tmp_path / "out").values())


@pytest.mark.parametrize("damage", ["another pipeline version", "another input's result"])
def test_a_result_that_does_not_match_is_redone(tmp_path: Path, damage: str) -> None:
    make_folder(tmp_path / "in")
    run(tmp_path / "in", tmp_path / "out")
    target = tmp_path / "out" / "norway.json"
    if damage == "another pipeline version":
        document = json.loads(target.read_text("utf-8"))
        document["pipeline"]["version"] = "0.0.0-old"
        target.write_text(json.dumps(document), encoding="utf-8")
    else:
        target.write_bytes((tmp_path / "out" / "chile.json").read_bytes())
    summary = run(tmp_path / "in", tmp_path / "out")
    assert summary.skipped == len(COUNTRIES) - 1
    assert not read_index(tmp_path / "out")["norway.txt"]["skipped"]
    assert json.loads(target.read_text("utf-8"))["source"]["path"] == "norway.txt"


def test_a_file_that_is_not_a_result_of_ours_is_kept_and_its_document_fails(
    tmp_path: Path,
) -> None:
    make_folder(tmp_path / "in")
    run(tmp_path / "in", tmp_path / "out")
    target = tmp_path / "out" / "norway.json"
    target.write_text("{ not a result", encoding="utf-8")
    summary = run(tmp_path / "in", tmp_path / "out")
    assert summary.skipped == len(COUNTRIES) - 1
    assert read_index(tmp_path / "out")["norway.txt"]["status"] == "failed"
    assert target.read_text("utf-8") == "{ not a result"


def test_a_document_stopped_by_a_limit_is_tried_again(tmp_path: Path) -> None:
    make_folder(tmp_path / "in")
    faults.good_text(tmp_path / "in" / f"{misbehaving.HANG}.txt")
    limits = Limits(timeout=1.0)
    first = run(tmp_path / "in", tmp_path / "out", limits=limits, process=misbehaving.process_task)
    assert first.failed == 1
    second = run(tmp_path / "in", tmp_path / "out")  # in-process now, nothing hangs
    index = read_index(tmp_path / "out")
    assert not index[f"{misbehaving.HANG}.txt"]["skipped"]
    assert index[f"{misbehaving.HANG}.txt"]["status"] == "ok"
    assert (second.skipped, second.failed) == (len(COUNTRIES), 0)


# --- the settings fingerprint ------------------------------------------------------------


def changed_value(name: str, value: object) -> object:
    """Some other valid value for a Config field."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, OcrMode):
        return OcrMode.NEVER if value is not OcrMode.NEVER else OcrMode.ALWAYS
    if isinstance(value, int | float):
        return value + 1
    if value is None:
        return 7 if name == "max_pages" else "secret"
    return f"{value}+x"


def test_every_setting_but_speed_changes_the_fingerprint() -> None:
    base = Config()
    for setting in fields(Config):
        other = replace(
            base, **{setting.name: changed_value(setting.name, getattr(base, setting.name))}
        )
        changes = config_fingerprint(other) != config_fingerprint(base)
        assert changes is (setting.name != "page_workers"), setting.name


def test_the_fingerprint_is_short_stable_and_hides_the_password() -> None:
    with_password = config_fingerprint(Config(password="hunter2"))
    assert with_password == config_fingerprint(Config(password="another one"))
    assert len(with_password) == 12
    assert config_fingerprint(Config()) == config_fingerprint(Config())


# --- kill -9 in the middle of a run --------------------------------------------------------


def start_run(root: Path, out: Path) -> subprocess.Popen[bytes]:
    """``pipeline run`` in a process of its own, in-process mode (one worker, no limits: the
    quickest start); in every mode the run's own process is the only one writing files."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(root), "--out", str(out),
         "--workers", "1", "--timeout", "0", "--max-memory", "0", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_for_first_result(process: subprocess.Popen[bytes], out: Path) -> None:
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    while not list(out.glob("*.json")):
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no result appeared"
        time.sleep(POLL_SECONDS)


def test_a_run_killed_with_sigkill_finishes_the_rest_when_started_again(tmp_path: Path) -> None:
    root, out = tmp_path / "in", tmp_path / "out"
    make_folder(root, LONG_STATEMENT_PARAGRAPHS)
    killed = start_run(root, out)
    wait_for_first_result(killed, out)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    done_before = stamps(out)
    assert 0 < len(done_before) < len(COUNTRIES)
    assert not (out / "index.jsonl").exists()  # the index comes at the end

    restarted = start_run(root, out)
    _, stderr = restarted.communicate(timeout=KILL_WAIT_SECONDS)
    assert restarted.returncode == ExitCode.OK, stderr.decode()
    after = stamps(out)
    assert sorted(after) == sorted(f"{country.lower()}.json" for country in COUNTRIES)
    assert {name: after[name] for name in done_before} == done_before  # not redone
    index = read_index(out)
    assert {path for path, entry in index.items() if entry["skipped"]} == {
        name.replace(".json", ".txt") for name in done_before
    }
    validator = Draft202012Validator(json_schema())
    for name in after:
        document = json.loads((out / name).read_text("utf-8"))
        assert list(validator.iter_errors(document)) == [], name
        assert document["status"] == "ok"
