"""wordfreq's word lists as indexes on disk: a process asks about the words a document holds
without first loading a whole list into memory.

wordfreq answers a lookup from a dict of every word of the language, built at the language's
first lookup: 0.2 s of CPU for English, 0.6 s for Russian (713,000 words, 100 MB), paid by
every process that reads a document and again by each worker of a run, for a statement that
asks about a few thousand words. The index holds wordfreq's own numbers: it is written once
per machine from ``wordfreq.get_frequency_dict`` (a SQLite table, keyed by the list file's
name, size and time and by wordfreq's version), and wordfreq's lookup itself (tokenising,
combining the tokens of a compound, rounding) still does the asking: ``install`` hands it the
index in place of the dict. Where no index can be written (a read-only home, a full disk)
wordfreq loads its list as before; the answers are the same either way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path

import wordfreq

CACHE_ENV = "STATEMENT_PIPELINE_CACHE"
"""Environment variable naming the folder for the indexes (default: the user's cache folder)."""
SCHEMA = 1
"""Bumped when the index's layout changes, so that an older index is rebuilt."""

FrequencyDict = Callable[..., Mapping[str, float]]


def cache_dir() -> Path:
    """Where the indexes live: ``$STATEMENT_PIPELINE_CACHE``, else the XDG cache folder."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "statement-pipeline"


class StoredFrequencies(Mapping[str, float]):
    """One language's word frequencies, read from its index as wordfreq asks for them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = -1

    def _db(self) -> sqlite3.Connection:
        # A connection must not cross a fork: a worker forked from a process that had one opens
        # its own.
        if self._connection is None or self._pid != os.getpid():
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._connection

    def _lookup(self, word: str) -> float | None:
        row = self._db().execute("SELECT freq FROM words WHERE word = ?", (word,)).fetchone()
        return None if row is None else float(row[0])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> float:
        found = self._lookup(word)
        if found is None:
            raise KeyError(word)
        return found

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db().execute("SELECT word FROM words ORDER BY word"))

    def __len__(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM words").fetchone()[0])


def index_path(list_file: Path, folder: Path) -> Path:
    """The index of one wordfreq list file, named after everything that would change it."""
    stat = list_file.stat()
    stem = list_file.name.split(".")[0]  # large_ru.msgpack.gz -> large_ru
    key = f"{stem}-{stat.st_size}-{stat.st_mtime_ns}-wordfreq{version('wordfreq')}-s{SCHEMA}"
    return folder / f"{key}.sqlite"


def write_index(freqs: Mapping[str, float], target: Path) -> None:
    """Write ``freqs`` as an index at ``target``, atomically (a reader never sees half)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(name)) as db:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute(
                "CREATE TABLE words (word TEXT PRIMARY KEY, freq REAL NOT NULL) WITHOUT ROWID"
            )
            # Sorted: the B-tree then fills in order, a third faster than in the dict's order.
            db.executemany("INSERT INTO words VALUES (?, ?)", sorted(freqs.items()))
            db.commit()
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def open_index(
    list_file: Path, load: Callable[[], Mapping[str, float]], folder: Path
) -> StoredFrequencies | None:
    """The index of ``list_file``, written from ``load()`` if there is none yet; None when the
    folder cannot hold one. Processes that want the same index at once write it once."""
    try:
        target = index_path(list_file, folder)
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / f".{target.stem}.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be writing it
                if not target.exists():
                    write_index(load(), target)
                    _remove_outdated(target)
        return StoredFrequencies(target)
    except (OSError, sqlite3.Error):
        return None


def _remove_outdated(current: Path) -> None:
    """Indexes of the same list written for another file or wordfreq version."""
    list_stem = current.name.split("-")[0]
    for other in current.parent.glob(f"{list_stem}-*.sqlite"):
        if other != current:
            with contextlib.suppress(OSError):
                other.unlink()


def stored_frequency_dict(original: FrequencyDict) -> FrequencyDict:
    """``wordfreq.get_frequency_dict`` answered from the indexes, falling back to ``original``
    for what they do not cover (another word list, a language code wordfreq must match)."""

    @cache
    def frequency_dict(
        lang: str, wordlist: str = "best", match_cutoff: None = None
    ) -> Mapping[str, float]:
        list_file = wordfreq.available_languages(wordlist).get(lang)
        if list_file is not None and match_cutoff is None:
            stored = open_index(Path(list_file), lambda: original(lang, wordlist), cache_dir())
            if stored is not None:
                return stored
        return original(lang, wordlist, match_cutoff)

    frequency_dict.original = original  # type: ignore[attr-defined]
    return frequency_dict


def install() -> None:
    """Make wordfreq's lookups read the indexes (once per process; later calls do nothing)."""
    current = wordfreq.get_frequency_dict
    if getattr(current, "original", None) is None:
        wordfreq.get_frequency_dict = stored_frequency_dict(current)  # type: ignore[assignment]
