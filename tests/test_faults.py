"""Fault injection: hostile files, misbehaving workers and unwritable outputs in real runs.

Each case is one file made by ``tests/faults.py``; every run must end with exactly one result
per input, a clear reason for each failure, the good files done, and exit code 1.
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

import pipeline.output as output
from pipeline import batch
from pipeline.batch import Limits
from pipeline.cli import app
from pipeline.config import Config
from pipeline.errors import ExitCode, OutputNotWritableError
from pipeline.schema import json_schema
from tests import faults, misbehaving, readable_pdfs

runner = CliRunner()
FAULT_RUN_TIMEOUT = "120"
"""Seconds: far above what any case here needs, so only the hanging case meets a deadline."""
SMALL_MEMORY_MB = 1024
"""Per worker: enough for any good document (about 350 MB), and the Flate bomb fails fast."""
SHORT_TIMEOUT = 2.0
FUZZ_SEED = 20240611
FUZZ_MUTANTS = 30
FUZZ_CONFIG = Config(ocr_dpi=72)
"""Damaged text layers go to OCR; at 72 dpi it reads nothing much, but quickly."""


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def read_index(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "index.jsonl").read_text("utf-8").splitlines()
    return {entry["path"]: entry for entry in map(json.loads, lines)}


def all_files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file() or path.is_symlink()}


def assert_valid_outputs(out: Path, index: dict[str, dict[str, Any]]) -> None:
    """One JSON result per index line (but those that could not be written), each meeting the
    schema and agreeing with its index line."""
    validator = Draft202012Validator(json_schema())
    results = {}
    for path in out.rglob("*.json"):
        document = json.loads(path.read_text("utf-8"))
        assert list(validator.iter_errors(document)) == [], path
        results[document["source"]["path"]] = document
    expected = {
        name: entry
        for name, entry in index.items()
        if not (entry["error"] and entry["error"]["stage"] == "output")
    }
    assert sorted(results) == sorted(expected)
    for name, document in results.items():
        assert document["status"] == expected[name]["status"]


# --- one run over every hostile file ---------------------------------------------------------


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path, Path, Path]:
    """(result, input folder, output folder, folder outside both) of one CLI run."""
    base = tmp_path_factory.mktemp("faults")
    root, out, outside = base / "in", base / "out", base / "outside"
    root.mkdir()
    outside.mkdir()
    for fault in faults.FAULTS:
        fault.make(root / fault.name)
    faults.odd_bytes_name(root)
    faults.link_out_of_tree(root, outside)
    faults.good_text(root / "good" / "statement.txt")
    faults.good_pdf(root / "good" / "statement.pdf")
    before_outside = {path: path.read_bytes() for path in all_files(outside)}
    result = invoke(
        "run", root, "--out", out, "--workers", "2",
        "--timeout", FAULT_RUN_TIMEOUT, "--max-memory", str(SMALL_MEMORY_MB),
    )  # fmt: skip
    assert {path: path.read_bytes() for path in all_files(outside)} == before_outside
    return result, root, out, outside


@pytest.mark.parametrize("fault", faults.FAULTS, ids=[fault.label for fault in faults.FAULTS])
def test_each_hostile_file_has_its_own_clear_result(
    fault_run: tuple[Result, Path, Path, Path], fault: faults.Fault
) -> None:
    _, _, out, _ = fault_run
    entry = read_index(out)[fault.name]
    assert entry["status"] == fault.status, entry["error"]
    if fault.status == "failed":
        assert entry["error"]["type"] == fault.error_type
        assert fault.message is not None
        assert re.search(fault.message, entry["error"]["message"]), entry["error"]["message"]
    else:
        assert entry["error"] is None
    if fault.body is not None:
        document = json.loads((out / entry["output"]).read_text("utf-8"))
        body = "\n".join(paragraph["text"] for paragraph in document["body"])
        assert re.search(fault.body, body), body


def test_the_fault_run_goes_on_and_exits_1(fault_run: tuple[Result, Path, Path, Path]) -> None:
    result, root, out, _ = fault_run
    assert result.exit_code == ExitCode.SOME_FAILED, result.stderr
    index = read_index(out)
    assert len(index) == len(all_files(root))  # one result per input, the link included
    assert index["good/statement.txt"]["status"] == "ok"
    assert index["good/statement.pdf"]["status"] == "ok"
    assert index["d\ufffdclaration-\ufffd.txt"]["status"] == "ok"  # an odd name is no fault
    failed = [entry for entry in index.values() if entry["status"] == "failed"]
    assert {e["path"] for e in failed} == {
        *(fault.name for fault in faults.FAULTS if fault.status == "failed"),
        "link-to-secret.txt",
    }
    assert all(entry["error"]["message"] for entry in failed)
    assert f"{len(failed)} failed" in result.stderr
    assert_valid_outputs(out, index)


def test_a_link_out_of_the_tree_is_reported_not_followed(
    fault_run: tuple[Result, Path, Path, Path],
) -> None:
    _, _, out, _ = fault_run
    entry = read_index(out)["link-to-secret.txt"]
    assert entry["error"]["type"] == "UnreadableInputError"
    assert "outside the input folder: not followed" in entry["error"]["message"]
    written = json.loads((out / "link-to-secret.json").read_text("utf-8"))
    assert (written["source"]["bytes"], written["body"]) == (0, [])  # nothing read through it


def test_an_odd_byte_name_keeps_its_bytes_on_disk(
    fault_run: tuple[Result, Path, Path, Path],
) -> None:
    _, _, out, _ = fault_run
    assert (out / os.fsdecode(b"d\xe9claration-\xff.json")).is_file()


def test_encrypted_pdf_with_its_password_is_read(tmp_path: Path) -> None:
    faults.encrypted_pdf(tmp_path / "in" / "encrypted.pdf")
    result = invoke(
        "run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1",
        "--password", faults.PASSWORD,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    assert read_index(tmp_path / "out")["encrypted.pdf"]["status"] == "ok"


def test_a_password_is_tried_only_on_the_pdfs_that_need_one(tmp_path: Path) -> None:
    faults.encrypted_pdf(tmp_path / "in" / "encrypted.pdf")
    readable_pdfs.unencrypted_pdf(tmp_path / "in" / "plain.pdf")
    readable_pdfs.attachments_encrypted_pdf(tmp_path / "in" / "attachments.pdf")
    readable_pdfs.restricted_pdf(tmp_path / "in" / "restricted.pdf")
    result = invoke(
        "run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1",
        "--password", faults.PASSWORD,
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    index = read_index(tmp_path / "out")
    assert {name: entry["status"] for name, entry in index.items()} == {
        "attachments.pdf": "ok",
        "encrypted.pdf": "ok",
        "plain.pdf": "ok",
        "restricted.pdf": "ok",
    }


def test_a_document_that_never_ends_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    faults.self_referencing_pdf(tmp_path / "in" / "loop.pdf")
    faults.good_text(tmp_path / "in" / "good.txt")
    result = invoke(
        "run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1",
        "--timeout", str(SHORT_TIMEOUT),
    )  # fmt: skip
    assert result.exit_code == ExitCode.SOME_FAILED
    index = read_index(tmp_path / "out")
    assert index["loop.pdf"]["error"]["type"] == "TimeLimitError"
    assert "--timeout" in index["loop.pdf"]["error"]["message"]
    assert index["loop.pdf"]["error"]["stage"] == "batch"
    assert index["good.txt"]["status"] == "ok"  # after the timeout, a new worker went on


# --- workers that crash, hang or eat memory ------------------------------------------------


CRASHES = {
    misbehaving.CRASH_SEGFAULT: ("WorkerCrashError", "killed by SIGSEGV"),
    misbehaving.CRASH_EXIT: ("WorkerCrashError", "exit status 3"),
    misbehaving.CRASH_KILL: ("WorkerCrashError", "killed by SIGKILL"),
}
# One limit per run: a document that eats memory on a busy machine must not meet a deadline
# first, so that which limit stops it never depends on the machine's speed.
BY_LIMIT = {
    misbehaving.HANG: (Limits(timeout=SHORT_TIMEOUT), "TimeLimitError", "--timeout"),
    misbehaving.HOG: (Limits(max_memory_mb=SMALL_MEMORY_MB), "MemoryLimitError", "--max-memory"),
}


def run_misbehaving(root: Path, out: Path, limits: Limits) -> batch.RunSummary:
    for number in range(3):
        faults.good_text(root / f"good-{number}.txt")
    tasks = batch.plan_run(root, out)
    return batch.run_batch(
        tasks, out, Config(), workers=2, limits=limits, process=misbehaving.process_task
    )


def test_a_worker_that_dies_fails_only_its_document(tmp_path: Path) -> None:
    for name in CRASHES:
        faults.good_text(tmp_path / "in" / f"{name}.txt")
    summary = run_misbehaving(tmp_path / "in", tmp_path / "out", Limits(timeout=120.0))
    index = read_index(tmp_path / "out")
    for name, (error_type, message) in CRASHES.items():
        error = index[f"{name}.txt"]["error"]
        assert (error["type"], error["stage"]) == (error_type, "batch"), error
        assert message in error["message"]
    assert [index[f"good-{n}.txt"]["status"] for n in range(3)] == ["ok"] * 3
    assert (summary.total, summary.failed) == (6, 3)


def test_a_worker_killed_by_a_crash_at_its_memory_limit_is_told_by_the_limit(
    tmp_path: Path,
) -> None:
    """A C library that aborts (or segfaults) when an allocation fails kills its worker: the
    death is put down to the memory limit by how far the worker's memory grew, not by time;
    a crash without that growth stays a crash, under the same limit."""
    faults.good_text(tmp_path / "in" / f"{misbehaving.HOG_THEN_ABORT}.txt")
    faults.good_text(tmp_path / "in" / f"{misbehaving.CRASH_SEGFAULT}.txt")
    summary = run_misbehaving(
        tmp_path / "in", tmp_path / "out", Limits(max_memory_mb=SMALL_MEMORY_MB)
    )
    index = read_index(tmp_path / "out")
    error = index[f"{misbehaving.HOG_THEN_ABORT}.txt"]["error"]
    assert (error["type"], error["stage"]) == ("MemoryLimitError", "batch"), error
    assert "--max-memory" in error["message"]
    crash = index[f"{misbehaving.CRASH_SEGFAULT}.txt"]["error"]
    assert (crash["type"], crash["message"]) == (
        "WorkerCrashError",
        "the worker process died while reading this document (killed by SIGSEGV)",
    )
    assert [index[f"good-{n}.txt"]["status"] for n in range(3)] == ["ok"] * 3
    assert (summary.total, summary.failed) == (5, 2)


@pytest.mark.parametrize("misbehaviour", sorted(BY_LIMIT))
def test_a_document_over_a_limit_fails_by_that_limit_only(
    tmp_path: Path, misbehaviour: str
) -> None:
    limits, error_type, option = BY_LIMIT[misbehaviour]
    faults.good_text(tmp_path / "in" / f"{misbehaviour}.txt")
    summary = run_misbehaving(tmp_path / "in", tmp_path / "out", limits)
    index = read_index(tmp_path / "out")
    error = index[f"{misbehaviour}.txt"]["error"]
    assert (error["type"], error["stage"]) == (error_type, "batch"), error
    assert option in error["message"]
    assert [index[f"good-{n}.txt"]["status"] for n in range(3)] == ["ok"] * 3
    assert (summary.total, summary.failed) == (4, 1)


def test_start_up_does_not_count_against_a_small_memory_limit(tmp_path: Path) -> None:
    """A worker at rest maps ~350 MB (Python, pdfium, numpy): the limit is the document's."""
    faults.good_text(tmp_path / "in" / "small.txt")
    result = invoke(
        "run", tmp_path / "in", "--out", tmp_path / "out", "-w", "1", "--max-memory", "200",
    )  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    assert read_index(tmp_path / "out")["small.txt"]["status"] == "ok"


# --- outputs that cannot be written ----------------------------------------------------------


def test_a_full_disk_stops_the_run_and_a_rerun_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "in"
    for number in range(4):
        faults.good_text(root / f"{number}.txt")
    real_replace = os.replace
    replaced: list[str] = []

    def disk_fills_after_two(source: str | Path, target: str | Path) -> None:
        if len(replaced) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        replaced.append(str(target))
        real_replace(source, target)

    monkeypatch.setattr(output.os, "replace", disk_fills_after_two)
    tasks = batch.plan_run(root, tmp_path / "out")
    with pytest.raises(OutputNotWritableError, match="No space left"):
        batch.run_batch(tasks, tmp_path / "out", Config(), workers=1)
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == ["0.json", "1.json"]  # complete files, no temporary ones left
    monkeypatch.setattr(output.os, "replace", real_replace)
    summary = batch.run_batch(tasks, tmp_path / "out", Config(), workers=1)
    assert (summary.ok, summary.skipped) == (4, 2)


def test_a_full_disk_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    faults.good_text(tmp_path / "a.txt")

    def disk_full(source: str | Path, target: str | Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "replace", disk_full)
    result = invoke("run", tmp_path, "--out", tmp_path / "out", "-w", "1")
    assert result.exit_code == ExitCode.OUTPUT_NOT_WRITABLE
    assert "No space left" in result.stderr


@pytest.mark.parametrize("blocker", ["a regular file", "a link out of the output folder"])
def test_one_unwritable_output_fails_its_document_only(tmp_path: Path, blocker: str) -> None:
    root, out, outside = tmp_path / "in", tmp_path / "out", tmp_path / "outside"
    faults.good_text(root / "sub" / "a.txt")
    faults.good_text(root / "b.txt")
    out.mkdir()
    outside.mkdir()
    if blocker == "a regular file":
        (out / "sub").write_text("")  # where the folder sub/ should be
    else:
        (out / "sub").symlink_to(outside, target_is_directory=True)
    result = invoke("run", root, "--out", out, "-w", "2")
    assert result.exit_code == ExitCode.SOME_FAILED
    index = read_index(out)
    assert index["b.txt"]["status"] == "ok"
    error = index["sub/a.txt"]["error"]
    assert (index["sub/a.txt"]["status"], error["type"], error["stage"]) == (
        "failed",
        "OutputNotWritableError",
        "output",
    )
    assert list(outside.iterdir()) == []  # nothing written outside --out


# --- fuzzing ---------------------------------------------------------------------------------


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage: flipped bytes, a truncation, or a chunk duplicated elsewhere."""
    kind = rng.choice(["flip", "truncate", "duplicate"])
    if kind == "flip":
        mutant = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            mutant[rng.randrange(len(mutant))] ^= 1 << rng.randrange(8)
        return bytes(mutant)
    if kind == "truncate":
        return data[: rng.randrange(len(data))]
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 512)]
    at = rng.randrange(len(data))
    return data[:at] + chunk + data[at:]


def test_fuzzed_pdfs_each_get_exactly_one_result(tmp_path: Path) -> None:
    original = faults.good_pdf(tmp_path / "original.pdf").read_bytes()
    rng = random.Random(FUZZ_SEED)
    root = tmp_path / "in"
    root.mkdir()
    for number in range(FUZZ_MUTANTS):
        (root / f"mutant-{number:02}.pdf").write_bytes(mutate(original, rng))
    tasks = batch.plan_run(root, tmp_path / "out")
    summary = batch.run_batch(
        tasks,
        tmp_path / "out",
        FUZZ_CONFIG,
        workers=2,
        limits=Limits(timeout=float(FAULT_RUN_TIMEOUT), max_memory_mb=SMALL_MEMORY_MB),
    )
    index = read_index(tmp_path / "out")
    assert sorted(index) == [f"mutant-{number:02}.pdf" for number in range(FUZZ_MUTANTS)]
    assert summary.total == sum(summary.counts.values()) == FUZZ_MUTANTS
    assert_valid_outputs(tmp_path / "out", index)
    for entry in index.values():
        assert entry["status"] != "failed" or entry["error"]["message"]
