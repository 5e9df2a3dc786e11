"""Latin/Cyrillic look-alike letters: words read or typed in the twin letters of the other script.

Whatever the source (a broken font's text layer, a typed text, OCR), one word in two scripts is
damage: "Poccия" for "Россия". The twin-letter tables are shared with the OCR repairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.lexicon import script_language, script_of, zipf
from pipeline.linefix import LineFix, run_on_text

LATIN_TWINS = "AaBCcEeHKMOoPpTXxYy"
CYRILLIC_TWINS = "АаВСсЕеНКМОоРрТХхУу"
"""Letters drawn alike in both scripts (OCR and broken fonts swap them), pair by pair."""

TO_CYRILLIC = str.maketrans(LATIN_TWINS, CYRILLIC_TWINS)
TO_LATIN = str.maketrans(CYRILLIC_TWINS, LATIN_TWINS)
ROMAN_NUMERAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
ROMAN_TWINS = str.maketrans("ХСМІ", "XCMI")

LOOKALIKE_MIN_ZIPF = 1.5
"""A script unification is confirmed when the lexicon knows the result at least this well."""

LETTER_RUN = re.compile(r"[^\W\d_]+")


def _unify_word(word: str, language: str | None) -> str:
    """One mixed-script word in a single script, or unchanged if no clean choice exists."""
    roman = word.translate(ROMAN_TWINS)
    if roman.isascii() and roman.isupper() and ROMAN_NUMERAL.fullmatch(roman):
        return roman
    as_cyrillic, as_latin = word.translate(TO_CYRILLIC), word.translate(TO_LATIN)
    options = {
        script: text
        for script, text in (("cyrillic", as_cyrillic), ("latin", as_latin))
        if script_of(text) == script
    }
    if len(options) == 1:
        return next(iter(options.values()))
    if not options:
        return word
    known = {
        script: zipf(text, "ru" if script == "cyrillic" else "en")
        for script, text in options.items()
    }
    best = max(known, key=lambda script: known[script])
    if known[best] >= LOOKALIKE_MIN_ZIPF and known[best] > min(known.values()):
        return options[best]
    cyrillic_letters = sum(script_of(ch) == "cyrillic" for ch in word)
    latin_letters = sum(script_of(ch) == "latin" for ch in word)
    if cyrillic_letters != latin_letters:
        return options["cyrillic" if cyrillic_letters > latin_letters else "latin"]
    return options["cyrillic" if language == "ru" else "latin"]


def prepare_fix_lookalikes(lines: Sequence[str]) -> LineFix:
    """Latin letters in a Cyrillic word or the reverse ("Poccия", "Mоscow"), as OCR and broken
    fonts produce: the word takes one script, the one the lexicon knows it in, else its
    majority's, else the document's. Single-script words are never touched."""
    language = script_language("\n".join(lines))

    def fix(text: str) -> str:
        return LETTER_RUN.sub(
            lambda m: (
                _unify_word(m.group(), language) if script_of(m.group()) == "mixed" else m.group()
            ),
            text,
        )

    return fix


def fix_lookalikes(text: str) -> str:
    """Mixed-script words unified, the lines of ``text`` taken as one document.

    >>> fix_lookalikes("Poccия и Mоscow")
    'Россия и Moscow'
    >>> fix_lookalikes("ХХI век")
    'XXI век'
    >>> fix_lookalikes("Президент and President")
    'Президент and President'
    """
    return run_on_text(prepare_fix_lookalikes, text)
