"""Which files in an output folder this tool wrote, recognised by their content.

The output folder may hold the user's own files (it may even be the input folder): a file is
replaced only when it is one of ours, and our results are never taken for inputs. A name says
nothing (``report.json`` may be the user's), so the content decides: a result is a JSON object
with this tool's top-level fields; an index is JSON lines with the index's fields.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

RESULT_KEYS = frozenset({"schema_version", "source", "status", "pipeline"})
"""Top-level fields every result has (``Document.to_dict``)."""
INDEX_KEYS = frozenset({"path", "status", "output"})
"""Fields every line of ``index.jsonl`` has (``output.IndexEntry``)."""
MAX_OWN_FILE_BYTES = 256 * 1024 * 1024
"""Files larger than this are not read to decide: no result or index of ours is that large
(a 1000-page document makes a few MB)."""
STALE_TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
"""``output.write_atomic``'s temporary names (``.NAME.<12 hex>.tmp``): only a killed run
leaves one behind."""


def is_own_result(path: Path) -> bool:
    """True when ``path`` is a result this tool wrote (a JSON object with its fields)."""
    data = _read_small(path)
    if data is None:
        return False
    try:
        value = json.loads(data)
    except ValueError:
        return False
    return (
        isinstance(value, dict)
        and value.keys() >= RESULT_KEYS
        and isinstance(value.get("pipeline"), dict)
        and "version" in value["pipeline"]
    )


def is_own_index(path: Path) -> bool:
    """True when ``path`` is an index this tool wrote: non-empty JSON lines with its fields."""
    data = _read_small(path)
    if not data:
        return False
    try:
        lines = [json.loads(line) for line in data.splitlines() if line.strip()]
    except ValueError:
        return False
    return bool(lines) and all(
        isinstance(line, dict) and line.keys() >= INDEX_KEYS for line in lines
    )


def is_own_file(path: Path, index_name: str) -> bool:
    """A result or (under the index's name) an index of this tool."""
    return is_own_index(path) if path.name == index_name else is_own_result(path)


def stale_temp_files(folder: Path) -> Iterator[Path]:
    """Temporary files a killed run left in ``folder`` (recursively, links not followed)."""
    for parent, _, names in os.walk(folder, followlinks=False):
        for name in names:
            path = Path(parent) / name
            if STALE_TEMP_NAME.match(name) and not path.is_symlink():
                yield path


def _read_small(path: Path) -> bytes | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_OWN_FILE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None
