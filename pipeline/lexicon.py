"""The lexicon behind hyphenation and encoding decisions: wordfreq's Zipf frequencies.

Zipf 0 means "never seen"; everyday words sit at 3-6. Lookups are cached because reflow and
repair ask about the same words many times. The frequencies are read from an index on disk
(``wordstore``) instead of loading the whole list into each process; most words are answered
from it without loading wordfreq at all, the rest by wordfreq reading the same index. Only the
commands that read documents import this module (``pipeline --version`` and ``--help`` do not).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline import wordstore

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


LANGUAGES_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "cyrillic": ("ru", "uk", "bg", "mk"),
    "latin": (
        "en", "de", "fr", "es", "it", "pt", "pl", "nl", "cs", "sk", "sl", "ro", "hu", "fi",
        "sv", "da", "nb", "lt", "lv", "tr", "ca", "id",
    ),
}  # fmt: skip
"""The wordfreq languages a text may be reported in, by script; the first is the usual one
(this tool's statements are Russian or English) and is tried before loading the others."""
CLOSE_RIVALS: dict[str, tuple[str, ...]] = {"ru": ("uk",), "en": ()}
"""Languages always weighed against the usual one: Ukrainian text is mostly words Russian
knows a little, so a confident Russian reading alone does not settle it."""
CONFIDENT_KNOWN_SHARE = 0.6
"""A language whose lexicon knows this share of a text's words (Zipf ≥ 1) is taken without
weighing the other languages of its script."""
LANGUAGE_SAMPLE_WORDS = 300
"""Distinct words (3+ letters) a language decision reads: enough, and keeps it fast."""


def language_of_word(word: str, language: str | None = None) -> str:
    """The lexicon to ask about a word: ``language`` when the word is in its script, else
    Russian for Cyrillic and English otherwise."""
    script = "cyrillic" if CYRILLIC.search(word) else "latin"
    if language is not None and language in LANGUAGES_BY_SCRIPT[script]:
        return language
    return "ru" if script == "cyrillic" else "en"


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str | None = None) -> float:
    """Zipf frequency of ``word`` (case-folded) in ``lang``, guessed from its script if None."""
    lowered = word.lower()
    language = lang or language_of_word(word)
    answer = wordstore.plain_zipf(lowered, language)
    return wordfreq_zipf(lowered, language) if answer is None else answer


def wordfreq_zipf(word: str, lang: str) -> float:
    """wordfreq's own answer, its lists read from the indexes (wordfreq loads on first use)."""
    from wordfreq import zipf_frequency

    wordstore.install()
    return float(zipf_frequency(word, lang))


def known_share(text: str, min_zipf: float = 1.0, language: str | None = None) -> float:
    """Share of a text's words (3+ letters) that the lexicon knows; 0.0 for a text with none.

    Each word is looked up in ``language`` when it is written in that language's script, else
    in Russian or English by its script (a Russian text quotes English names and back)."""
    words = [w for w in WORD.findall(text) if len(w) >= 3]
    if not words:
        return 0.0
    return sum(zipf(w, language_of_word(w, language)) >= min_zipf for w in words) / len(words)


def script_language(text: str) -> str | None:
    """'ru' or 'en' by which script dominates the letters; None for a text without letters.

    What the script repairs need (which twin letters a word should take), not the language
    reported to the user (``detect_language``)."""
    cyr = len(CYRILLIC.findall(text))
    lat = len(LATIN.findall(text))
    if cyr == lat == 0:
        return None
    return "ru" if cyr >= lat else "en"


def detect_language(text: str) -> str | None:
    """The text's language as a wordfreq code ("ru", "uk", "en", "pl", ...): among the languages
    of its dominant script, the one whose lexicon knows its words best; None without letters."""
    usual = script_language(text)
    if usual is None:
        return None
    script = "cyrillic" if usual == "ru" else "latin"
    words = list(
        dict.fromkeys(
            w.lower() for w in WORD.findall(text) if len(w) >= 3 and script_of(w) == script
        )
    )[:LANGUAGE_SAMPLE_WORDS]
    if not words:
        return usual
    candidates = (usual, *CLOSE_RIVALS[usual])
    best = _best_language(words, candidates)
    if _share_known(words, best) < CONFIDENT_KNOWN_SHARE:
        best = _best_language(words, LANGUAGES_BY_SCRIPT[script])
    return best


def _best_language(words: list[str], languages: tuple[str, ...]) -> str:
    """The language whose lexicon gives ``words`` the highest mean frequency (the first wins
    ties, so the usual language is kept when nothing speaks against it)."""
    return max(languages, key=lambda lang: sum(zipf(word, lang) for word in words))


def _share_known(words: list[str], language: str) -> float:
    return sum(zipf(word, language) >= 1.0 for word in words) / len(words)
