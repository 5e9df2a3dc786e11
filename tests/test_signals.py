"""Stopping a run from outside: Ctrl-C, SIGTERM and SIGHUP end it cleanly.

The run's own process handles each signal the same way: its workers and their Tesseracts are
killed, the index of the documents that finished is written, no temporary file stays in TMPDIR
or the output folder, and the exit code names the signal (130 for Ctrl-C, 128 + its number
otherwise). Processes are found by the temporary folder they inherit in their environment.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import StopRequested
from pipeline.scratch import socket_fits
from pipeline.stopping import signals_deferred, stop_signals_interrupt, tesseract_children
from tests import faults
from tests.pdfgen import make_image_only_pdf

WAIT_SECONDS = 120.0
"""Upper bound for anything here to happen; only a hang would reach it."""
POLL_SECONDS = 0.05


@pytest.fixture
def temp_root() -> Iterator[Path]:
    """A private TMPDIR for the run, short enough (unlike ``tmp_path``) for the forkserver's
    socket to live inside the run's own temporary folder."""
    root = Path(tempfile.mkdtemp(prefix="sig-", dir="/tmp"))
    assert socket_fits(root / "pipeline-1234567-abcdefgh")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def processes_using(temp_root: Path) -> list[int]:
    """Live processes whose environment names ``temp_root`` (the run and all it started)."""
    marker = f"TMPDIR={temp_root}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(item.startswith(marker) for item in environ.split(b"\0")):
            found.append(int(entry.name))
    return found


def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(POLL_SECONDS)


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)],
)
def test_a_signal_stops_workers_writes_the_index_and_leaves_no_temporary_file(
    tmp_path: Path, temp_root: Path, signum: int, exit_code: int
) -> None:
    root, out = tmp_path / "in", tmp_path / "out"
    faults.good_text(root / "a-good.txt")
    faults.self_referencing_pdf(root / "b-never-ends.pdf")  # keeps its worker busy
    faults.good_text(root / "c-never-reached.txt")
    env = {**os.environ, "TMPDIR": str(temp_root)}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(root), "--out", str(out),
         "--workers", "1", "--timeout", "600", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    wait_until(lambda: (out / "a-good.json").exists(), "the first result never came")
    wait_until(lambda: len(processes_using(temp_root)) >= 2, "no worker started")
    run.send_signal(signum)
    _, stderr = run.communicate(timeout=WAIT_SECONDS)

    assert run.returncode == exit_code, stderr.decode()
    assert "run the same command again to resume" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    wait_until(lambda: not processes_using(temp_root), "a worker outlived the run")
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert [(entry["path"], entry["status"]) for entry in index] == [("a-good.txt", "ok")]
    assert sorted(path.name for path in out.iterdir()) == ["a-good.json", "index.jsonl"]
    assert listing(temp_root) == {str(temp_root): []}  # nor multiprocessing's pymp-* folder


def listing(*folders: Path) -> dict[str, list[str]]:
    """Every file and folder under each of ``folders``, relative to it (hidden ones too)."""
    return {
        str(folder): sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))
        for folder in folders
    }


def test_the_next_run_removes_what_a_run_killed_with_sigkill_left(
    tmp_path: Path, temp_root: Path
) -> None:
    root, out = tmp_path / "in", tmp_path / "out"
    faults.good_text(root / "a-good.txt")
    faults.self_referencing_pdf(root / "b-never-ends.pdf")
    faults.good_text(root / "c-good.txt")  # three documents: a run too big to read in-process
    env = {**os.environ, "TMPDIR": str(temp_root)}
    command = [
        sys.executable, "-m", "pipeline", "run", str(root), "--out", str(out),
        "--workers", "1", "--timeout", "2", "--quiet",
    ]  # fmt: skip
    out.mkdir()
    before = listing(temp_root, out)
    killed = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=env)
    wait_until(lambda: (out / "a-good.json").exists(), "the first result never came")
    wait_until(lambda: len(processes_using(temp_root)) >= 2, "no worker started")
    (out / ".b-never-ends.json.0123456789ab.tmp").write_text("{")  # as a killed write leaves
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    wait_until(lambda: not processes_using(temp_root), "a worker outlived the killed run")
    # Nothing could remove the run's folder; multiprocessing's (the forkserver's socket) is
    # inside it, not beside it in TMPDIR.
    (left,) = temp_root.iterdir()
    assert left.name.startswith(f"pipeline-{killed.pid}-")
    assert [path.name for path in left.glob("pymp-*")]

    again = subprocess.run(command, capture_output=True, env=env, check=False)
    assert again.returncode == 1, again.stderr.decode()  # the endless PDF fails by the limit
    after = listing(temp_root, out)
    assert after[str(temp_root)] == before[str(temp_root)] == []
    assert after[str(out)] == ["a-good.json", "b-never-ends.json", "c-good.json", "index.jsonl"]


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def tesseracts_of(pid: int) -> list[int]:
    """Tesseract processes whose parent is ``pid``."""
    return tesseract_children(pid)


def test_sigterm_stops_clean_and_its_tesseracts(tmp_path: Path) -> None:
    scan = make_image_only_pdf(tmp_path / "scan.pdf", ["Mr. Chairperson,"] * 20)
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    env = {**os.environ, "TMPDIR": str(temp_root)}
    clean = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "clean", str(scan), "--dpi", "1200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    wait_until(lambda: tesseracts_of(clean.pid), "Tesseract never started")
    tesseracts = tesseracts_of(clean.pid)
    clean.send_signal(signal.SIGTERM)
    _, stderr = clean.communicate(timeout=WAIT_SECONDS)
    assert clean.returncode == 143, stderr.decode()
    assert "stopped by SIGTERM" in stderr.decode()
    assert not [pid for pid in tesseracts if running(pid)]


def test_a_stop_during_a_deferred_block_takes_effect_when_it_ends() -> None:
    done: list[str] = []

    def deferred_block() -> None:
        with stop_signals_interrupt():
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(POLL_SECONDS)  # the handler runs here, and waits
                done.append("the block finished")
            done.append("never reached")

    with pytest.raises(StopRequested) as stopped:
        deferred_block()
    assert done == ["the block finished"]
    assert stopped.value.exit_code == 143
