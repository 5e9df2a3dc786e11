"""Character-level repairs on lines: encoding damage, look-alike letters, invisible debris.

Each repair is a small pure function named verb_object. Some decisions need the whole
document (which code page damaged it, which language it is in), so every repair is written as
``document lines -> line function``; the plain ``str -> str`` form runs that on the lines of
one string. ``REPAIRS`` fixes the order, and ``repair_pages`` runs it and records, per kind,
how many lines each repair changed.

Order matters: the encoding repairs come first because they read C1 control characters and
soft hyphens as evidence of what went wrong; the control-character and space repairs must not
remove that evidence before them. Look-alikes come last, on words already free of invisible
characters.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # registers ftfy's "sloppy-windows-125x" codecs
from ftfy.fixes import fix_latin_ligatures
from ftfy.fixes import remove_control_chars as ftfy_remove_control_chars

from pipeline.config import Config
from pipeline.lexicon import WORD, detect_language, known_share, script_of, zipf
from pipeline.models import Line, Origin, Page, RepairChange, RepairRecord

LineFix = Callable[[str], str]

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


# --- 3. control characters, odd spaces, ligatures, soft hyphens ----------------------------

C1_CONTROLS = range(0x80, 0xA0)


def remove_control_chars(text: str) -> str:
    r"""Remove control characters (C0, C1, DEL, stray BOMs) but the tab; one that separates
    words (vertical tab, form feed, the information separators, NEL) becomes a space, so no
    two words are glued together.

    >>> remove_control_chars("Minist\x00ry\x85of")
    'Ministry of'
    >>> remove_control_chars("a\tb")
    'a\tb'
    """
    spaced = "".join(
        " " if (unicodedata.category(ch) == "Cc" and ch.isspace() and ch != "\t") else ch
        for ch in text
    )
    return ftfy_remove_control_chars(spaced).translate(dict.fromkeys(C1_CONTROLS))


ODD_SPACES = {
    **dict.fromkeys([0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x1680], " "),
    **dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]),
}
"""No-break and typographic spaces become a plain space; zero-width characters go."""


def normalize_odd_spaces(text: str) -> str:
    """Plain spaces for typographic and no-break ones, zero-width characters removed: search,
    comparison and the lexicon all need one kind of space.

    >>> normalize_odd_spaces("2023\u00a0г.\u2009— за\u200bявление")
    '2023 г. — заявление'
    >>> normalize_odd_spaces("plain text")
    'plain text'
    """
    return text.translate(ODD_SPACES)


def replace_ligatures(text: str) -> str:
    """Letters for Latin ligature characters (ﬁ ﬂ ﬀ ﬃ ﬄ), which PDF text layers leave behind.

    >>> replace_ligatures("ﬁnal ﬂow of eﬀort")
    'final flow of effort'
    >>> replace_ligatures("Æsop")
    'Æsop'
    """
    return fix_latin_ligatures(text)


SOFT_HYPHEN = "\u00ad"


def remove_soft_hyphens(text: str) -> str:
    """Remove soft hyphens inside a line; one at the end of the line is kept, because reflow
    reads it as a certain hyphenation point and removes it when it joins the lines.

    >>> remove_soft_hyphens("со\u00adтрудни\u00adчество")
    'сотрудничество'
    >>> remove_soft_hyphens("представитель\u00ad") == "представитель\u00ad"
    True
    """
    body = text.rstrip()
    tail = text[len(body) :]
    keep_last = body.endswith(SOFT_HYPHEN)
    cleaned = body.replace(SOFT_HYPHEN, "")
    return cleaned + (SOFT_HYPHEN if keep_last else "") + tail


# --- 4. Latin/Cyrillic look-alikes ---------------------------------------------------------

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
    language = detect_language("\n".join(lines))

    def fix(text: str) -> str:
        return LETTER_RUN.sub(
            lambda m: (
                _unify_word(m.group(), language) if script_of(m.group()) == "mixed" else m.group()
            ),
            text,
        )

    return fix


# --- the registry --------------------------------------------------------------------------


def _per_line(repair: LineFix) -> Callable[[Sequence[str]], LineFix]:
    """A repair that needs no document context, in the registry's shape."""
    return lambda _lines: repair


@dataclass(frozen=True, slots=True)
class Repair:
    kind: str
    prepare: Callable[[Sequence[str]], LineFix]
    enabled: Callable[[Config], bool]
    origins: frozenset[Origin] = frozenset(Origin)
    """The sources whose lines this repair touches; OCR confusions are not text-layer ones."""


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
    language = detect_language("\n".join(lines))

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


def _always(_config: Config) -> bool:
    return True


REPAIRS: tuple[Repair, ...] = (
    Repair("mojibake", prepare_fix_mojibake, lambda config: config.fix_encoding),
    Repair("single_byte_mojibake", prepare_fix_single_byte_mojibake, lambda c: c.fix_encoding),
    Repair("control_chars", _per_line(remove_control_chars), _always),
    Repair("odd_spaces", _per_line(normalize_odd_spaces), _always),
    Repair("ligatures", _per_line(replace_ligatures), _always),
    Repair("soft_hyphens", _per_line(remove_soft_hyphens), _always),
    Repair("lookalikes", prepare_fix_lookalikes, lambda config: config.fix_lookalikes),
    Repair(
        "ocr_confusions",
        prepare_fix_ocr_confusions,
        lambda config: config.fix_lookalikes,
        frozenset({Origin.OCR}),
    ),
)
"""Every repair, in the order they run (the module docstring says why this order)."""


def _run_on_text(prepare: Callable[[Sequence[str]], LineFix], text: str) -> str:
    lines = text.split("\n")
    fix = prepare(lines)
    return "\n".join(fix(line) for line in lines)


def fix_mojibake(text: str) -> str:
    """UTF-8 mojibake repaired, the lines of ``text`` taken as one document.

    >>> fix_mojibake("РџСЂРёРІРµС‚")
    'Привет'
    >>> fix_mojibake("the â€œsoftâ€\x9d issue")
    'the “soft” issue'
    >>> fix_mojibake("Привет, café")
    'Привет, café'
    """
    return _run_on_text(prepare_fix_mojibake, text)


def fix_single_byte_mojibake(text: str) -> str:
    """Wrong one-byte code page undone, the lines of ``text`` taken as one document.

    >>> fix_single_byte_mojibake("Ïðèâåò, ìèð")
    'Привет, мир'
    >>> fix_single_byte_mojibake("naïve façade")
    'naïve façade'
    """
    return _run_on_text(prepare_fix_single_byte_mojibake, text)


def fix_lookalikes(text: str) -> str:
    """Mixed-script words unified, the lines of ``text`` taken as one document.

    >>> fix_lookalikes("Poccия и Mоscow")
    'Россия и Moscow'
    >>> fix_lookalikes("ХХI век")
    'XXI век'
    >>> fix_lookalikes("Президент and President")
    'Президент and President'
    """
    return _run_on_text(prepare_fix_lookalikes, text)


def repair_text(text: str, config: Config | None = None) -> str:
    """Every enabled plain-text repair on ``text`` (its lines taken as one document)."""
    config = config or Config()
    for repair in REPAIRS:
        if repair.enabled(config) and Origin.PLAIN_TEXT in repair.origins:
            text = _run_on_text(repair.prepare, text)
    return text


MAX_REPAIR_ROUNDS = 3
"""Repairs run again until nothing changes (at most this many rounds): a later repair can
hand an earlier one something new (a control character that becomes a space after "Â" makes
ftfy's "Â + space" no-break-space mojibake), and a second run must change nothing."""


def repair_pages(
    pages: tuple[Page, ...], config: Config
) -> tuple[tuple[Page, ...], tuple[RepairRecord, ...]]:
    """Run the enabled repairs over a document's lines; one record per kind that changed any,
    counting the lines it changed."""
    texts = [line.text for page in pages for line in page.lines]
    origins = [line.origin for page in pages for line in page.lines]
    line_pages = [line.page for page in pages for line in page.lines]
    changed: dict[str, dict[int, tuple[str, str]]] = {}  # kind -> line -> (first before, after)
    for _round in range(MAX_REPAIR_ROUNDS):
        before_round = texts
        for repair in REPAIRS:
            if not repair.enabled(config):
                continue
            fix = repair.prepare(texts)
            repaired = [
                fix(text) if origin in repair.origins else text
                for text, origin in zip(texts, origins, strict=True)
            ]
            for index, (old, new) in enumerate(zip(texts, repaired, strict=True)):
                if old != new:
                    by_line = changed.setdefault(repair.kind, {})
                    by_line[index] = (by_line.get(index, (old, new))[0], new)
            texts = repaired
        if texts == before_round:
            break
    rebuilt = _rebuild(pages, texts)
    final = _final_lines(texts, rebuilt)
    records = tuple(
        RepairRecord(
            kind=repair.kind,
            count=len(changed[repair.kind]),
            changes=tuple(
                RepairChange(before, after, page=line_pages[index], line=final[index])
                for index, (before, after) in sorted(changed[repair.kind].items())
            ),
        )
        for repair in REPAIRS
        if repair.kind in changed
    )
    return rebuilt, records


def _final_lines(texts: Sequence[str], pages: tuple[Page, ...]) -> list[Line | None]:
    """For each line text, the rebuilt line holding it (None for a line left empty)."""
    remaining = iter(line for page in pages for line in page.lines)
    return [next(remaining) if text.strip() else None for text in texts]


def _rebuild(pages: tuple[Page, ...], texts: Sequence[str]) -> tuple[Page, ...]:
    """The pages with their lines' new texts; geometry untouched. A line left empty (it held
    only invisible characters) is dropped and counts as a blank line above the next one."""
    remaining = iter(texts)
    rebuilt = []
    for page in pages:
        lines: list[Line] = []
        carried = 0
        for line in page.lines:
            text = next(remaining)
            if not text.strip():
                carried += line.blank_before + 1
                continue
            if text != line.text or carried:
                line = replace(line, text=text, blank_before=line.blank_before + carried)
            lines.append(line)
            carried = 0
        rebuilt.append(replace(page, lines=tuple(lines)))
    return tuple(rebuilt)
