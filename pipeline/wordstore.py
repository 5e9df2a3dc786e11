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

Most lookups need not load wordfreq at all, which costs a process 0.2 s of imports (its
tokeniser's expressions, langcodes' tables). A word of letters, or of letters joined by
hyphens, in a language whose wordfreq normalisation leaves such a word as it is, is answered
from the index with wordfreq's own arithmetic (``plain_zipf``); everything else (apostrophes,
digits, languages with their own normalisation) still goes to wordfreq. Which index holds a
language's best list, and whether its lookups are plain, a manifest beside the index says: it
is written when wordfreq itself chose the list, and is believed only while that list file is
unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

CACHE_ENV = "STATEMENT_PIPELINE_CACHE"
"""Environment variable naming the folder for the indexes (default: the user's cache folder)."""
SCHEMA = 1
"""Bumped when the index's layout changes, so that an older index is rebuilt."""
MINIMUM_FREQUENCY = 10**0.0 / 1e9
"""wordfreq's floor for a word it does not list: ``zipf_to_freq(0.0)``, Zipf 0."""
PLAIN_LETTERS_BELOW = "\u0800"
"""Letters of the alphabetic scripts before the Indic ones (Latin, Greek, Cyrillic, Armenian,
Hebrew, Arabic, ...): wordfreq's tokeniser keeps a run of them one token (a test checks each)."""
APOSTROPHE = re.compile("['’ʼ]")
"""Apostrophes wordfreq writes straight in its tokens (the modifier letter is Ukrainian's)."""
PLAIN_LANGUAGE_INFO = {
    "tokenizer": "regex",
    "normal_form": "NFC",
    "remove_marks": False,
    "dotless_i": False,
    "diacritics_under": None,
    "transliteration": None,
    "lookup_transliteration": None,
}
"""wordfreq's settings of a language whose lookup of a lower-case word of letters is the word
itself: Russian, Ukrainian, English and most others; not Turkish (dotted i), Romanian (commas
under letters), Serbian (transliterated)."""

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

    def frequency(self, word: str) -> float | None:
        """The word's frequency in the list, None when it is not listed."""
        row = self._db().execute("SELECT freq FROM words WHERE word = ?", (word,)).fetchone()
        return None if row is None else float(row[0])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.frequency(word) is not None

    def __getitem__(self, word: str) -> float:
        found = self.frequency(word)
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
    import wordfreq

    @cache
    def frequency_dict(
        lang: str, wordlist: str = "best", match_cutoff: None = None
    ) -> Mapping[str, float]:
        list_file = wordfreq.available_languages(wordlist).get(lang)
        if list_file is not None and match_cutoff is None:
            stored = open_index(Path(list_file), lambda: original(lang, wordlist), cache_dir())
            if stored is not None:
                if wordlist == "best":
                    record_best_list(lang, Path(list_file), stored.path, is_plain_language(lang))
                return stored
        return original(lang, wordlist, match_cutoff)

    frequency_dict.original = original  # type: ignore[attr-defined]
    return frequency_dict


def install() -> None:
    """Make wordfreq's lookups read the indexes (once per process; later calls do nothing)."""
    import wordfreq

    current = wordfreq.get_frequency_dict
    if getattr(current, "original", None) is None:
        wordfreq.get_frequency_dict = stored_frequency_dict(current)  # type: ignore[assignment]


# --- lookups without wordfreq ------------------------------------------------------------------


def is_plain_language(lang: str) -> bool:
    """Whether wordfreq looks a lower-case word of letters up in ``lang`` as it is written."""
    from wordfreq.language_info import get_language_info

    info = get_language_info(lang)
    return all(info.get(key) == value for key, value in PLAIN_LANGUAGE_INFO.items())


def manifest_path(lang: str, folder: Path) -> Path:
    return folder / f"best-{lang}-s{SCHEMA}.json"


def record_best_list(lang: str, list_file: Path, index: Path, plain: bool) -> None:
    """Note which index holds ``lang``'s best list (and the list file's size and time, which
    vouch for it), unless the manifest already says so."""
    stat = list_file.stat()
    record = {
        "list": str(list_file),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "index": index.name,
        "plain": plain,
    }
    target = manifest_path(lang, index.parent)
    if _read_record(target) == record:
        return
    handle, name = tempfile.mkstemp(dir=index.parent, prefix=f".{target.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(name, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


@cache
def best_index(lang: str) -> StoredFrequencies | None:
    """The index of ``lang``'s best list, when its manifest is current and the language's
    lookups are plain; None otherwise (wordfreq answers then)."""
    folder = cache_dir()
    record = _read_record(manifest_path(lang, folder))
    if record is None or record.get("plain") is not True:
        return None
    try:
        stat = os.stat(record["list"])
        index = folder / record["index"]
        current = (stat.st_size, stat.st_mtime_ns) == (record["size"], record["mtime_ns"])
        if not current or not index.is_file():
            return None
    except (OSError, KeyError, TypeError):
        return None
    return StoredFrequencies(index)


def is_plain_word(part: str) -> bool:
    """Lower-case letters of the alphabetic scripts, as wordfreq would write them itself."""
    return (
        part.isalpha()
        and max(part) < PLAIN_LETTERS_BELOW
        and not APOSTROPHE.search(part)
        and part == part.casefold()
        and unicodedata.is_normalized("NFC", part)
    )


def plain_tokens(word: str) -> list[str] | None:
    """The tokens wordfreq looks ``word`` up by, when it can be told without wordfreq: the
    word split at its hyphens, an apostrophe inside a token kept (written straight, as in
    wordfreq's lists); None otherwise, and for an apostrophe after a token's first one or two
    letters, which wordfreq may split off as an elision ("l'amour")."""
    tokens = []
    for token in word.split("-"):
        parts = APOSTROPHE.split(token)
        if not all(map(is_plain_word, parts)) or (len(parts) > 1 and len(parts[0]) <= 2):
            return None
        tokens.append("'".join(parts))
    return tokens


def plain_zipf(word: str, lang: str) -> float | None:
    """wordfreq's ``zipf_frequency(word, lang)`` read from the index alone, for a word whose
    tokens are plain (``plain_tokens``); None when only wordfreq can answer."""
    tokens = plain_tokens(word)
    if tokens is None:
        return None
    index = best_index(lang)
    if index is None:
        return None
    return zipf_of([index.frequency(token) for token in tokens])


def zipf_of(frequencies: Sequence[float | None]) -> float:
    """wordfreq's Zipf frequency (default minimum) of a word made of tokens with these list
    frequencies (None: not listed), computed as wordfreq computes it."""
    # wordfreq's _word_frequency: an unlisted token gives the minimum as it is; listed tokens
    # combine as 1/f = 1/f1 + 1/f2 + ..., rounded to 3 significant digits.
    listed = [frequency for frequency in frequencies if frequency is not None]
    if len(listed) < len(frequencies):
        frequency = MINIMUM_FREQUENCY
    else:
        one_over_result = 0.0
        for token_frequency in listed:
            one_over_result += 1.0 / token_frequency
        unrounded = max(1.0 / one_over_result, MINIMUM_FREQUENCY)
        leading_zeroes = math.floor(-math.log(unrounded, 10))
        frequency = round(unrounded, leading_zeroes + 3)
    # wordfreq's zipf_frequency: freq_to_zipf, rounded to centibels.
    return round(math.log(frequency, 10) + 9, 2)
