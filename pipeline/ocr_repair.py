"""OCR repairs: confusions of Tesseract's that a line's own context settles.

These run on OCR lines only: a text layer's "|" or lone Latin letter is what the author typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.lexicon import script_language, script_of, zipf
from pipeline.linefix import LineFix
from pipeline.lookalikes import LETTER_RUN, LOOKALIKE_MIN_ZIPF, TO_CYRILLIC, TO_LATIN

PIPE_AS_I = re.compile(r"(?:(?<=^)|(?<=[\s.!?“\"(]))\|(?=\s+[a-z])")


LONE_LETTER = re.compile(r"(?<![^\W\d_])[^\W\d_](?![^\W\d_])")
ROMAN_LETTERS = frozenset("IVXLDM")
"""Lone letters that stay as they are: in a Russian line "глава I" is a numeral, not a typo."""


def fix_ocr_confusions(text: str) -> str:
    """OCR's confusions that a line's own context settles.

    A lone capital I read as a vertical bar, and a one-letter word read in the wrong script
    (Latin "O" for the Russian preposition "О"): it takes the script of the rest of the line.

    >>> fix_ocr_confusions("| have the honour, and | think so")
    'I have the honour, and I think so'
    >>> fix_ocr_confusions("a | B table cell, a||b")
    'a | B table cell, a||b'
    >>> fix_ocr_confusions("O правах национальных меньшинств") == "О правах национальных меньшинств"
    True
    >>> fix_ocr_confusions("глава I и глава V, plan B")
    'глава I и глава V, plan B'
    """
    return prepare_fix_ocr_confusions(text.split("\n"))(text)


def prepare_fix_ocr_confusions(lines: Sequence[str]) -> LineFix:
    """The confusions above, plus whole words read in the twin letters of the wrong script
    ("ТНЕ" for "THE" in an English document), which only the document's language settles.

    >>> prepare_fix_ocr_confusions(["Thank you, Mr. Chair.", "МАКЕ IT"])("МАКЕ IT") == "MAKE IT"
    True
    >>> prepare_fix_ocr_confusions(["Благодарю за внимание.", "PC.DEL/1187/23"])("PC.DEL/1187/23")
    'PC.DEL/1187/23'
    """
    language = script_language("\n".join(lines))

    def fix(text: str) -> str:
        text = PIPE_AS_I.sub("I", text)
        context = line_word_script(text)
        text = LONE_LETTER.sub(lambda m: _lone_letter_in_script(m.group(), context), text)
        if language is None:
            return text
        return LETTER_RUN.sub(lambda m: _word_in_document_script(m.group(), language), text)

    return fix


def _word_in_document_script(word: str, language: str) -> str:
    """A word of twin letters only, in the script that is not the document's, converted when
    the document's language knows the converted word better than the word's own language
    knows the word."""
    foreign = "latin" if language == "ru" else "cyrillic"
    if len(word) < 2 or script_of(word) != foreign:
        return word
    converted = word.translate(TO_CYRILLIC if language == "ru" else TO_LATIN)
    if script_of(converted) == foreign:
        return word  # not every letter has a twin
    known = zipf(converted, language)
    if known >= LOOKALIKE_MIN_ZIPF and known > zipf(word):
        return converted
    return word


def line_word_script(line: str) -> str:
    """The script of a line's words of two letters or more: the context a lone letter takes.

    Lone letters never count, so two of them cannot each convert the other back and forth.
    """
    return script_of(" ".join(w for w in LETTER_RUN.findall(line) if len(w) > 1))


def _lone_letter_in_script(letter: str, line_script: str) -> str:
    if letter in ROMAN_LETTERS:
        return letter
    if script_of(letter) == "latin" and line_script == "cyrillic":
        return letter.translate(TO_CYRILLIC)
    if script_of(letter) == "cyrillic" and line_script == "latin":
        return letter.translate(TO_LATIN)
    return letter
