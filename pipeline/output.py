"""JSON and JSONL serialisation, atomic file writes and the run's index.

A file is written to a temporary name in its own folder, synced, then renamed over the target:
a crash leaves either the old complete file or the new complete file, never half of one.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import OutputNotWritableError
from pipeline.inputs import INDEX_NAME, display_path
from pipeline.ownership import is_own_file, stale_temp_files

JSON_INDENT = 1
"""One space per level: readable, yet a long document stays compact."""
TEMP_SUFFIX = ".tmp"
TEMP_TOKEN_BYTES = 6
"""Random bytes in a temporary name: concurrent writers never pick the same one."""


def to_json(obj: Mapping[str, object]) -> str:
    """Pretty JSON as UTF-8 text (not ASCII-escaped) with a trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=JSON_INDENT) + "\n"


def to_jsonl(obj: Mapping[str, object]) -> str:
    """One compact JSON line with its newline, for streams and the index."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` so that readers only ever see a complete file.

    Raises OutputNotWritableError when the folder cannot be created or written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp_path, fd = _create_temp_beside(path)
    except OSError as exc:
        raise OutputNotWritableError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_path, path)
    except OSError as exc:
        _remove_quietly(temp_path)
        raise OutputNotWritableError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        # Ctrl-C between write and rename: leave no temporary file behind.
        _remove_quietly(temp_path)
        raise
    _sync_folder(path.parent)


FILESYSTEM_WIDE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})
"""Write failures that every later write would meet too (a full disk, a quota, a read-only or
failing filesystem): they stop the run. Others (a folder name taken by a file, a name too long,
one folder without permission) concern one output only."""


def fails_every_write(error: OutputNotWritableError) -> bool:
    """True when ``error`` (from ``write_atomic``) means no other output can be written either."""
    cause = error.__cause__
    return isinstance(cause, OSError) and cause.errno in FILESYSTEM_WIDE_ERRNOS


def leaves_folder(folder: Path, relpath: Path) -> bool:
    """True when ``folder/relpath`` would land outside ``folder`` (through a symbolic link on
    the way, or ``..``), so that nothing is ever written outside the output folder.

    Checked before any folder is created: ``realpath`` resolves the parts that exist.
    """
    root = Path(os.path.realpath(folder))
    return not Path(os.path.realpath(folder / relpath)).is_relative_to(root)


def read_result(path: Path) -> dict[str, object] | None:
    """A result written earlier (a JSON object), or None when absent, unreadable or not one."""
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _create_temp_beside(path: Path) -> tuple[Path, int]:
    """A new hidden file in the target's folder (same filesystem, so the rename is atomic).

    Opened with mode 0o666 so the umask decides the permissions, as for any ordinary file
    (``tempfile.mkstemp`` would leave results readable by their owner only).
    """
    while True:
        temp_path = path.with_name(
            f".{path.name}.{secrets.token_hex(TEMP_TOKEN_BYTES)}{TEMP_SUFFIX}"
        )
        try:
            return temp_path, os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _remove_quietly(path: Path) -> None:
    path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Persist the rename itself (the folder entry), where the OS allows syncing folders."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(fd)


def prepare_output_dir(out_dir: Path) -> None:
    """Create ``out_dir``, prove it is writable and that its index may be replaced, and remove
    the temporary files a killed run left in it; else raise OutputNotWritableError.

    Checked before any document is processed, so a read-only target fails fast.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise OutputNotWritableError(
            f"output folder {display_path(out_dir)} is not writable: {exc.strerror or exc}"
        ) from exc
    check_replaceable(out_dir / INDEX_NAME)
    for stale in stale_temp_files(out_dir):
        _remove_quietly(stale)


def check_replaceable(path: Path) -> None:
    """OutputNotWritableError unless ``path`` is absent or a file this tool wrote: the user's
    own files in the output folder are never replaced."""
    if not os.path.lexists(path) or is_own_file(path, INDEX_NAME):
        return
    raise OutputNotWritableError(
        f"{display_path(path)} exists and was not written by pipeline: left as it is "
        "(move it, or choose another --out)"
    )


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One input's line in ``index.jsonl``.

    Paths are printable text: undecodable bytes in a name show as U+FFFD
    (``inputs.display_path``), while the files on disk keep their names byte for byte.
    """

    path: str  # the input, relative to the input folder
    status: str
    output: str  # the JSON file, relative to the output folder
    error: Mapping[str, str] | None = None
    skipped: bool = False  # unchanged since its result was written: not processed again

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status,
            "output": self.output,
            "error": None if self.error is None else dict(self.error),
            "skipped": self.skipped,
        }


def write_index(out_dir: Path, entries: Iterable[IndexEntry]) -> Path:
    """Write ``OUT/index.jsonl`` (one line per entry, in the given order); return its path."""
    index_path = out_dir / INDEX_NAME
    check_replaceable(index_path)
    write_atomic(index_path, "".join(to_jsonl(entry.to_dict()) for entry in entries))
    return index_path
