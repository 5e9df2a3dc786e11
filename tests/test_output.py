"""Serialisation, atomic writes and the run index."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pipeline.errors import OutputNotWritableError
from pipeline.output import (
    IndexEntry,
    prepare_output_dir,
    to_json,
    to_jsonl,
    write_atomic,
    write_index,
)

SAMPLE = {"title": "Заявление делегации «Российской Федерации»", "body": ["a\nb", "c"], "n": 1}


def test_to_json_is_readable_utf8_with_a_trailing_newline() -> None:
    text = to_json(SAMPLE)
    assert "Заявление делегации «Российской Федерации»" in text  # not \u-escaped
    assert text.endswith("}\n")
    assert '\n "title": ' in text  # one space per level
    assert json.loads(text) == SAMPLE


def test_to_jsonl_is_exactly_one_line_even_with_newlines_inside() -> None:
    line = to_jsonl(SAMPLE)
    assert line.endswith("\n")
    assert line.count("\n") == 1
    assert "Заявление" in line
    assert json.loads(line) == SAMPLE


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_write_atomic_writes_utf8_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "a.json"
    write_atomic(target, "Привет\n")
    assert target.read_bytes() == "Привет\n".encode()
    assert files_in(target.parent) == ["a.json"]


def test_write_atomic_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert files_in(tmp_path) == ["a.json"]


def test_write_atomic_gives_ordinary_permissions(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", "{}")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644


def test_a_crash_mid_write_keeps_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.json"
    target.write_text("complete old result")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "half of a new result")
    assert target.read_text() == "complete old result"
    assert files_in(tmp_path) == ["a.json"]


def test_a_failed_write_raises_output_not_writable_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputNotWritableError, match="No space left"):
        write_atomic(tmp_path / "a.json", "{}")
    assert files_in(tmp_path) == []


def test_write_atomic_under_a_regular_file_is_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputNotWritableError):
        write_atomic(blocker / "a.json", "{}")


def test_prepare_output_dir_creates_nested_folders(tmp_path: Path) -> None:
    out = tmp_path / "x" / "y"
    prepare_output_dir(out)
    assert out.is_dir()
    assert files_in(out) == []  # the writability probe is gone


def test_prepare_output_dir_under_a_regular_file_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputNotWritableError, match="not writable"):
        prepare_output_dir(blocker / "out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_prepare_output_dir_read_only_raises(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputNotWritableError):
            prepare_output_dir(tmp_path)
    finally:
        tmp_path.chmod(0o700)


def test_write_index_keeps_the_given_order_one_object_per_line(tmp_path: Path) -> None:
    entries = [
        IndexEntry("b.txt", "ok", "b.json"),
        IndexEntry("a/c.pdf", "failed", "a/c.json", {"type": "E", "message": "m", "stage": "s"}),
        IndexEntry("a.txt", "partial", "a.json", skipped=True),
    ]
    index_path = write_index(tmp_path, entries)
    assert index_path == tmp_path / "index.jsonl"
    lines = index_path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"path": "b.txt", "status": "ok", "output": "b.json", "error": None, "skipped": False},
        {
            "path": "a/c.pdf",
            "status": "failed",
            "output": "a/c.json",
            "error": {"type": "E", "message": "m", "stage": "s"},
            "skipped": False,
        },
        {"path": "a.txt", "status": "partial", "output": "a.json", "error": None, "skipped": True},
    ]
