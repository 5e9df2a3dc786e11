"""Temporary folders: one per process, its runs' folders inside, only dead owners' removed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.scratch import (
    OWNER_FILE,
    OWNER_MARK,
    is_stale_folder,
    process_start_time,
    remove_stale_folders,
    socket_fits,
)
from tests import faults


@pytest.fixture
def temp_root() -> Iterator[Path]:
    """A private TMPDIR short enough for the forkserver's socket inside our folder."""
    root = Path(tempfile.mkdtemp(prefix="scr-", dir="/tmp"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def a_dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def folder_of(root: Path, pid: int, start: str | None, mark: str = OWNER_MARK) -> Path:
    folder = root / f"pipeline-{pid}-abcd_123"
    folder.mkdir(parents=True)
    if start is not None:
        (folder / OWNER_FILE).write_text(f"{mark} {pid} {start}\n")
    (folder / "page.pgm").write_bytes(b"P5")
    return folder


def test_only_folders_of_this_tool_whose_process_is_gone_are_removed(tmp_path: Path) -> None:
    dead = a_dead_pid()
    me, my_start = os.getpid(), process_start_time(os.getpid())
    assert my_start is not None
    gone = folder_of(tmp_path / "a", dead, "12345")
    reused = folder_of(tmp_path / "b", me, "1")
    alive = folder_of(tmp_path / "c", me, my_start)
    unmarked = folder_of(tmp_path / "d", dead, None)
    foreign = folder_of(tmp_path / "e", dead, "1", mark="other")
    assert is_stale_folder(gone)  # its process exited
    assert is_stale_folder(reused)  # the id now belongs to a process started later
    assert not is_stale_folder(alive)
    assert not is_stale_folder(unmarked)  # not provably ours
    assert not is_stale_folder(foreign)
    pymp = tmp_path / "a" / "pymp-abcd1234"
    pymp.mkdir()  # multiprocessing's own, outside ours: not ours to remove
    link = tmp_path / "a" / "pipeline-1-abcd_124"
    link.symlink_to(alive)
    assert remove_stale_folders(tmp_path / "a") == [gone]
    assert pymp.exists()
    assert link.is_symlink()
    assert alive.exists()


def test_a_long_temporary_path_keeps_the_forkserver_socket_where_multiprocessing_puts_it() -> None:
    assert socket_fits(Path("/tmp/pipeline-4194304-abcdefgh"))
    assert not socket_fits(Path("/tmp/" + "d" * 80 + "/pipeline-4194304-abcdefgh"))


RUNS_IN_ONE_PROCESS = """
import json, os, sys
from pathlib import Path
from pipeline import iter_documents
from pipeline.workers import Limits
root = Path(os.environ["TMPDIR"])
paths = sys.argv[1:]
seen = []
for _ in range(2):  # the second run reuses the forkserver and its socket
    documents = iter_documents(paths, workers=2, limits=Limits(600, None))
    statuses = sorted(d.status.value for d in documents)
    inside = sorted(p.name.split("-")[0] for p in root.glob("*/*"))
    seen.append([statuses, inside])
print(json.dumps(seen))
"""


def test_runs_in_one_process_share_its_folder_and_leave_nothing_after_it(
    tmp_path: Path, temp_root: Path
) -> None:
    paths = [faults.good_text(tmp_path / f"{n}.txt") for n in range(2)]
    env = {**os.environ, "TMPDIR": str(temp_root)}
    done = subprocess.run(
        [sys.executable, "-c", RUNS_IN_ONE_PROCESS, *map(str, paths)],
        capture_output=True, env=env, check=True, text=True,
    )  # fmt: skip
    # After each run: no run folder left, multiprocessing's folder (the socket) inside ours.
    assert json.loads(done.stdout) == [[["ok", "ok"], [".owner", "pymp"]]] * 2
    assert list(temp_root.iterdir()) == []  # the process removed its folder on exit
