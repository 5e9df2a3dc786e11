"""Encoding repairs: UTF-8 mojibake and single-byte code-page damage.

These undo what a wrong decoding did to text that was once digital: a text layer or a plain
text file. They never run on OCR lines, whose characters come from pixels, never from bytes:
there "’" is what Tesseract saw, and re-reading it as a code page only damages it
("Sequencer’s" → "Sequencer▓s").

Each repair is written as ``document lines -> line function`` because the decision needs the
whole document (which code page damaged it); ``fix_*`` run that on the lines of one string.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # registers ftfy's "sloppy-windows-125x" codecs

from pipeline.lexicon import WORD, known_share, zipf
from pipeline.linefix import LineFix, run_on_text

SOFT_HYPHEN = "\u00ad"

# --- 1. UTF-8 mojibake ---------------------------------------------------------------------

# Not lossy: curly quotes, dashes, « », full-width forms and ligatures stay as they are
# (ligatures are our own repair below, so the record says which repair did what); control
# characters are left for our repair, which runs after this one and needs none of them gone.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    explain=True,
)

MOJIBAKE_CODECS = ("sloppy-windows-1252", "sloppy-windows-1251")
"""The code pages UTF-8 is usually misread with (Western tools; Russian Windows tools)."""

MAX_LOST_BYTES_PER_WORD = 6
"""A word may have lost up to this many bytes (ones its code page has no glyph for) and still
be rebuilt ("беспристрастности" loses five "с" to cp1252); each lost byte multiplies the guesses
to check by about three."""

MIN_GUESSED_LETTER_ZIPF = 2.5
"""A guessed lost byte must give a letter at least this common on its own in its language."""

MIN_REBUILT_ZIPF = 1.0
"""A word rebuilt by guessing lost bytes must be at least this common (Zipf): a guess that
gives a rare word is no evidence."""


def _undefined_bytes(codec: str) -> bytes:
    """Bytes a code page has no character for: a tool reading UTF-8 with it drops them."""
    standard = codec.removeprefix("sloppy-")
    return bytes(b for b in range(0x80, 0x100) if not bytes([b]).decode(standard, "ignore"))


LOST_BYTES = {codec: _undefined_bytes(codec) for codec in MOJIBAKE_CODECS}


def _ftfy_fix(text: str) -> tuple[str, str | None]:
    """ftfy's repair of a line and the code page it undid (None if it changed no encoding)."""
    fixed, steps = ftfy.fix_and_explain(text, FTFY_CONFIG)
    codec = next((name for action, name in steps or () if action == "encode"), None)
    return fixed, codec


def _word_bytes(word: str, codec: str) -> bytes:
    """The bytes a misread word came from; characters the code page cannot hold were decoded
    right already (ftfy's partial repair), so they go back as UTF-8."""
    out = bytearray()
    for ch in word:
        try:
            out += ch.encode(codec)
        except UnicodeEncodeError:
            out += ch.encode("utf-8")
    return bytes(out)


def _gaps(data: bytes) -> list[int]:
    """Positions after a two-byte UTF-8 lead byte whose continuation byte is missing."""
    return [
        i + 1
        for i, byte in enumerate(data)
        if 0xC2 <= byte <= 0xDF and (i + 1 == len(data) or not 0x80 <= data[i + 1] <= 0xBF)
    ]


@lru_cache(maxsize=256)
def _guesses_after(lead: int, codec: str) -> tuple[int, ...]:
    """Lost bytes that, after ``lead``, give a letter the language really uses ("с", "я", "И";
    not "ѝ"): fewer guesses to check, and none that gives an archaic letter."""
    letters = ((byte, bytes([lead, byte]).decode("utf-8", "replace")) for byte in LOST_BYTES[codec])
    return tuple(
        byte for byte, ch in letters if ch.isalpha() and zipf(ch) >= MIN_GUESSED_LETTER_ZIPF
    )


def _decodings(data: bytes, codec: str) -> list[tuple[str, int]]:
    """Every strict UTF-8 reading of ``data`` with its lost bytes guessed, with the guess count."""
    gaps = _gaps(data)
    if len(gaps) > MAX_LOST_BYTES_PER_WORD:
        return []
    found = []
    options = [_guesses_after(data[gap - 1], codec) for gap in gaps]
    for guess in itertools.product(*options):
        filled = bytearray(data)
        for position, byte in sorted(zip(gaps, guess, strict=True), reverse=True):
            filled.insert(position, byte)
        try:
            found.append((bytes(filled).decode("utf-8"), len(gaps)))
        except UnicodeDecodeError:
            continue
    return found


def _word_zipf(text: str) -> float | None:
    """The Zipf frequency of a token's rarest word; None when it holds no word."""
    words = WORD.findall(text)
    return min(zipf(word) for word in words) if words else None


def _multibyte_count(text: str) -> int:
    return sum(len(ch.encode("utf-8")) > 1 for ch in text)


def _acceptable_decoding(token: str, candidate: str, guessed: int, damaged: bool) -> bool:
    """Whether ``candidate`` (a strict UTF-8 reading of ``token``'s bytes, ``guessed`` of them
    guessed) replaces it; ``damaged``: ftfy found mojibake elsewhere in the document."""
    if candidate == token or not candidate.isprintable() or any(c.isspace() for c in candidate):
        return False
    before, after = _word_zipf(token), _word_zipf(candidate)
    if guessed:
        # Guessing needs a damaged document, a known result, and at least as many bytes that
        # were not guessed around each guessed one.
        return (
            damaged
            and _multibyte_count(candidate) >= 2 * guessed
            and after is not None
            and after >= MIN_REBUILT_ZIPF
        )
    if after is None or before is None:
        # No word to ask the lexicon about ("в„–" → "№"): a strict UTF-8 reading of a
        # multi-byte character is the evidence, in a document ftfy found damaged.
        return damaged and _multibyte_count(candidate) > 0
    # A strict UTF-8 reading is strong evidence already; the lexicon has to prefer it, and
    # outside a damaged document it has to know the result.
    return after > before and (damaged or after >= MIN_REBUILT_ZIPF)


@lru_cache(maxsize=50_000)
def _redecode_token(token: str, codecs_in_order: tuple[str, ...], damaged: bool) -> str:
    """A token ftfy left alone, re-read as UTF-8 if the lexicon agrees; else unchanged."""
    if token.isascii():
        return token
    if token.endswith(SOFT_HYPHEN):
        # A soft hyphen ftfy already decoded would be re-encoded as a lone continuation byte.
        return _redecode_token(token[:-1], codecs_in_order, damaged) + SOFT_HYPHEN
    for codec in codecs_in_order:
        candidates = [
            (text, guessed)
            for text, guessed in _decodings(_word_bytes(token, codec), codec)
            if _acceptable_decoding(token, text, guessed, damaged)
        ]
        if candidates:
            return max(candidates, key=lambda c: (_word_zipf(c[0]) or 0.0, -c[1]))[0]
    return token


def _redecode_tokens(text: str, codecs_in_order: tuple[str, ...], damaged: bool) -> str:
    return re.sub(r"\S+", lambda m: _redecode_token(m.group(), codecs_in_order, damaged), text)


def prepare_fix_mojibake(lines: Sequence[str]) -> LineFix:
    """UTF-8 read with a one-byte code page ("РџСЂРёРІРµС‚", "â€œ"): ftfy first, line by line;
    then the words it left behind (too short to judge alone, or missing a byte the code page
    has no glyph for) are re-read as UTF-8 and kept when the lexicon prefers the result. Only
    in a document where ftfy found damage are lost bytes guessed and symbols re-read."""
    results = {line: _ftfy_fix(line) for line in set(lines)}
    damaged = any(fixed != line for line, (fixed, _) in results.items())
    votes = Counter(codec for _, codec in results.values() if codec in MOJIBAKE_CODECS)
    order = tuple(sorted(MOJIBAKE_CODECS, key=lambda codec: -votes[codec]))

    def fix(text: str) -> str:
        # ftfy first, then the words it left behind ("Ð Ð¾ÑÑÐ¸Ñ" needs its restoring of
        # no-break spaces). Where a lost byte made ftfy decode only part of a word ("Р" left
        # beside letters it decoded), re-reading whole words before ftfy does better: the
        # lexicon picks the reading with more known words, ftfy's first on a tie.
        after = _redecode_tokens(_ftfy_fix(text)[0], order, damaged)
        before = _redecode_tokens(
            _ftfy_fix(_redecode_tokens(text, order, damaged))[0], order, damaged
        )
        return before if known_share(before) > known_share(after) else after

    return fix


# --- 2. single-byte code-page damage -------------------------------------------------------

MISREAD_AS = ("cp1252", "latin-1", "cp1251", "koi8-r", "cp866", "mac-cyrillic", "iso8859-5")
"""Code pages a legacy file may have been wrongly decoded with."""

WRITTEN_IN = ("cp1251", "koi8-r", "cp866", "mac-cyrillic", "cp1252")
"""Code pages it may really have been written in."""

SINGLE_BYTE_MIN_GAIN = 0.3
"""Re-reading must raise the document's share of known words by at least this much. Real
Latin-1 or Russian text loses known words under any wrong re-reading, so only damage gains."""

SINGLE_BYTE_MIN_SHARE = 0.5
"""…and the re-read document must then be mostly known words."""

SINGLE_BYTE_VOTE_WORDS = 400
"""The vote reads at most this many distinct non-ASCII words: enough, and keeps it fast."""


def _reread(text: str, wrong: str, right: str) -> str:
    """``text`` decoded with ``wrong`` re-decoded with ``right``; unchanged if impossible, if
    the re-reading would split a word (put a space where a letter was) or turn a letter into a
    symbol (damage turns symbols into letters, never the reverse). Spaces may turn into
    letters: cp866 "а" read as cp1251 is a no-break space."""
    try:
        result = text.encode(wrong).decode(right)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    if (
        any(new.isspace() and not old.isspace() for old, new in zip(text, result, strict=True))
        or not result.isprintable()
        or _letter_count(result) < _letter_count(text)
    ):
        return text
    return result


def _letter_count(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _best_rereading(lines: Sequence[str]) -> tuple[str, str] | None:
    """The (wrong, right) code-page pair that makes the document's words known, if any."""
    words = list(dict.fromkeys(w for line in lines for w in WORD.findall(line) if not w.isascii()))
    sample = " ".join(words[:SINGLE_BYTE_VOTE_WORDS])
    if not sample:
        return None
    base = known_share(sample)
    if base > 1.0 - SINGLE_BYTE_MIN_GAIN:
        # No re-reading can gain enough over a text whose words are this well known already
        # (a share is at most 1): the usual, undamaged document is settled without one.
        return None
    scored = [
        (known_share(_reread(sample, wrong, right)), wrong, right)
        for wrong in MISREAD_AS
        for right in WRITTEN_IN
        if codecs.lookup(wrong).name != codecs.lookup(right).name
    ]
    share, wrong, right = max(scored, key=lambda item: item[0])
    if share - base >= SINGLE_BYTE_MIN_GAIN and share >= SINGLE_BYTE_MIN_SHARE:
        return wrong, right
    return None


def _has_scorable_words(text: str) -> bool:
    return any(len(word) >= 3 for word in WORD.findall(text))


def prepare_fix_single_byte_mojibake(lines: Sequence[str]) -> LineFix:
    """A legacy file decoded with the wrong one-byte code page ("Ïðèâåò" is cp1251 read as
    cp1252): ftfy declines these because any byte is valid in any such code page. The document
    votes once for a re-reading; a line takes it when its own words improve (or when it has no
    word to judge by), so an untouched Latin-1 line in the same document stays as it is."""
    pair = _best_rereading(lines)
    if pair is None:
        return lambda text: text
    wrong, right = pair

    def fix(text: str) -> str:
        result = _reread(text, wrong, right)
        if not _has_scorable_words(text) or known_share(result) > known_share(text):
            return result
        return text

    return fix


def fix_mojibake(text: str) -> str:
    """UTF-8 mojibake repaired, the lines of ``text`` taken as one document.

    >>> fix_mojibake("РџСЂРёРІРµС‚")
    'Привет'
    >>> fix_mojibake("the â€œsoftâ€\x9d issue")
    'the “soft” issue'
    >>> fix_mojibake("Привет, café")
    'Привет, café'
    """
    return run_on_text(prepare_fix_mojibake, text)


def fix_single_byte_mojibake(text: str) -> str:
    """Wrong one-byte code page undone, the lines of ``text`` taken as one document.

    >>> fix_single_byte_mojibake("Ïðèâåò, ìèð")
    'Привет, мир'
    >>> fix_single_byte_mojibake("naïve façade")
    'naïve façade'
    """
    return run_on_text(prepare_fix_single_byte_mojibake, text)
