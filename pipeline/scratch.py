"""Where temporary files go: one folder per process under TMPDIR, removed on every way out.

A process that runs documents gets one folder, ``TMPDIR/pipeline-<pid>-<random>``, made on
first use and holding every temporary file of its runs: a subfolder per run for the workers
(Tesseract's page images among them), and multiprocessing's own folder (``pymp-*``, where the
forkserver keeps its socket), which multiprocessing creates once per process and reuses for
every later run: so the folder lives as long as the process and is removed when it exits
(after multiprocessing has removed its own), while each run's subfolder goes when the run
ends. A command-line run is one run per process: there, every temporary file of the process
(OCR page images of a run in this process too) goes into the folder (``use_for_everything``).

A process killed with SIGKILL removes nothing; the next process that makes its folder removes
the folders of dead processes, and only those that are provably this tool's: the name's form,
an owner file naming the process by its id and start time (a reused process id is another
process), and the current user as owner.
"""

from __future__ import annotations

import multiprocessing.util
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

FOLDER_PREFIX = "pipeline-"
FOLDER_NAME = re.compile(r"^pipeline-(\d+)-[a-z0-9_]{8}$")
"""``FOLDER_PREFIX``, the owner's process id, a dash, ``mkdtemp``'s eight random characters."""
OWNER_FILE = ".owner"
OWNER_MARK = "statement-pipeline"
"""First word of the owner file: ``statement-pipeline <pid> <start time>``."""
RUN_PREFIX = "run-"
MULTIPROCESSING_PRIORITY = -100
"""``multiprocessing.util.get_temp_dir`` removes its folder at exit with this priority..."""
REMOVAL_PRIORITY = MULTIPROCESSING_PRIORITY - 100
"""...and ours goes after it (finalizers of lower priority run later), so neither finds the
other's folder gone."""

UNIX_SOCKET_PATH_MAX = 103
"""Bytes a Unix socket's path may have: macOS's limit (104 with the closing NUL; Linux 108)."""
SOCKET_SUFFIX = "/pymp-12345678/listener-12345678"
"""What multiprocessing adds to its folder's parent for the forkserver's socket."""


class _State:
    lock = threading.Lock()
    folder: Path | None = None
    pid: int | None = None  # the process the folder belongs to (a forked child makes its own)


def process_folder() -> Path:
    """This process's temporary folder, made (after removing stale ones) on first use."""
    with _State.lock:
        if _State.folder is None or _State.pid != os.getpid() or not _State.folder.is_dir():
            _State.folder, _State.pid = _make_folder(Path(tempfile.gettempdir())), os.getpid()
        return _State.folder


def make_run_folder() -> Path:
    """A new folder for one run's temporary files, inside the process's folder."""
    return Path(tempfile.mkdtemp(prefix=RUN_PREFIX, dir=process_folder()))


def use_for_everything() -> Path:
    """Every temporary file of this process, and of the programs it starts, goes into its
    folder: for a process that is one run (the command line), not for a library's caller."""
    folder = process_folder()
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    return folder


def _make_folder(root: Path) -> Path:
    remove_stale_folders(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=root))
    start = process_start_time(os.getpid())
    (folder / OWNER_FILE).write_text(f"{OWNER_MARK} {os.getpid()} {start}\n", encoding="ascii")
    multiprocessing.util.Finalize(
        None,
        shutil.rmtree,
        args=(str(folder),),
        kwargs={"ignore_errors": True},
        exitpriority=REMOVAL_PRIORITY,
    )
    _move_multiprocessing_temp_dir(folder)
    return folder


def socket_fits(folder: Path) -> bool:
    """True when the forkserver's socket, inside multiprocessing's folder inside ``folder``,
    has a path short enough for a Unix socket."""
    return len(os.fsencode(folder)) + len(SOCKET_SUFFIX) <= UNIX_SOCKET_PATH_MAX


def _move_multiprocessing_temp_dir(folder: Path) -> None:
    """Have multiprocessing make its folder (the forkserver's socket) inside ours, unless it
    already has one in this process (then it is in use and stays where it is) or the socket's
    path would be too long there (then it makes it beside ours, and removes it at exit, as
    it always did: only a SIGKILL leaves it behind)."""
    if not socket_fits(folder):
        return
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        multiprocessing.util.get_temp_dir()
    finally:
        tempfile.tempdir = saved


def remove_stale_folders(root: Path) -> list[Path]:
    """Remove the folders under ``root`` of this tool's processes that are gone; the list."""
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if is_stale_folder(entry):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def is_stale_folder(path: Path) -> bool:
    """True when ``path`` is a folder of this tool (name, owner file, our user) whose process
    is gone."""
    match = FOLDER_NAME.match(path.name)
    if match is None:
        return False
    try:
        if path.is_symlink() or not path.is_dir() or path.stat().st_uid != os.getuid():
            return False
        mark, pid, start = (path / OWNER_FILE).read_text(encoding="ascii").split()
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    if mark != OWNER_MARK or pid != match.group(1):
        return False
    return not _is_running(int(pid), start)


def _is_running(pid: int, start: str) -> bool:
    """True while the process ``pid`` that started at ``start`` exists (not a later one)."""
    now = process_start_time(pid)
    if now is not None:
        return now == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not Path("/proc").is_dir()  # /proc exists but lacks the process: it is gone


def process_start_time(pid: int) -> str | None:
    """When the process started (clock ticks since boot, from /proc; Linux only)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    start_field = 19  # field 22 of stat, counted after the command name's ")"
    return fields[start_field] if len(fields) > start_field else None
