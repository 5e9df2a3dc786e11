"""The lexicon behind hyphenation and encoding decisions: wordfreq's Zipf frequencies.

Zipf 0 means "never seen"; everyday words sit at 3-6. Lookups are cached because reflow and
repair ask about the same words many times. A language's word list is loaded by wordfreq at the
first lookup of a word in that language, once per process (a worker reading only English
documents never loads the Russian list, the larger one), and only by the commands that read
documents: ``pipeline --version`` and ``--help`` do not import this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def script_of(word: str) -> str:
    """'cyrillic', 'latin', 'mixed' or 'none' by the letters a word holds."""
    cyr = bool(CYRILLIC.search(word))
    lat = bool(LATIN.search(word))
    if cyr and lat:
        return "mixed"
    return "cyrillic" if cyr else "latin" if lat else "none"


def language_of_word(word: str) -> str:
    """The lexicon to ask about a word: Russian for Cyrillic, English otherwise."""
    return "ru" if CYRILLIC.search(word) else "en"


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str | None = None) -> float:
    """Zipf frequency of ``word`` (case-folded) in ``lang``, guessed from its script if None."""
    return zipf_frequency(word.lower(), lang or language_of_word(word))


def known_share(text: str, min_zipf: float = 1.0) -> float:
    """Share of a text's words (3+ letters) that the lexicon knows; 0.0 for a text with none."""
    words = [w for w in WORD.findall(text) if len(w) >= 3]
    if not words:
        return 0.0
    return sum(zipf(w) >= min_zipf for w in words) / len(words)


def detect_language(text: str) -> str | None:
    """'ru' or 'en' by which script dominates the letters; None for a text without letters."""
    cyr = len(CYRILLIC.findall(text))
    lat = len(LATIN.findall(text))
    if cyr == lat == 0:
        return None
    return "ru" if cyr >= lat else "en"
