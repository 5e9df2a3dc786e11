"""Plain-text input: ``.txt`` bytes → decoded text → pages of ``Line``s.

Decoding goes from the most certain evidence to the least: a byte-order mark, then strict
UTF-8, then UTF-16/32 recognised by the rhythm of their high bytes, and only then a legacy
single-byte code page guessed by charset-normalizer. Its guesses between the Cyrillic code
pages (cp1251, koi8-r, cp866, mac-cyrillic) are unreliable, so the lexicon picks among them:
the right code page is the one whose decoded text is made of words Russian and English know.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

from pipeline.errors import DecodingError, EmptyInputError, UnsupportedInputError
from pipeline.lexicon import WORD, known_share, zipf
from pipeline.models import Extraction, Line, Origin, Page

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

CYRILLIC_CODE_PAGES = ("cp1251", "koi8-r", "cp866", "mac-cyrillic")
"""Always tried beside charset-normalizer's guesses: it often mistakes one for another."""

MAX_DETECTOR_CANDIDATES = 5
"""How many of charset-normalizer's ranked guesses compete with the Cyrillic code pages."""

WIDE_HIGH_BYTE_SHARE = 0.9
"""UTF-16 without a BOM: at least this share of the high bytes (every other byte) must be
at most ``MAX_WIDE_HIGH_BYTE`` (0x00 for Latin text, 0x04 for Cyrillic). In single-byte
text, bytes that low are only tabs and line breaks, a few per cent."""

MAX_WIDE_HIGH_BYTE = 0x20
"""Alphabetic blocks lie below U+2000; general punctuation (dashes, quotes) at U+20xx."""

UTF32_NUL_SHARE = 0.95
"""UTF-32 without a BOM: the two top bytes of each 4-byte unit are NUL for any BMP text."""

BINARY_CONTROL_SHARE = 0.05
"""A file whose share of NUL and other non-text control bytes reaches this is binary. Text
files carry none except tab, newline, carriage return and form feed."""

SHORT_WORD_MIN_ZIPF = 1.0
"""A one- or two-letter word counts as known from this Zipf frequency (as ``known_share``)."""

MIN_PRINTABLE_SHARE = 0.95
"""A UTF-16/32 reading must give at least this share of printable characters."""

TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f")
LINE_BREAKS = re.compile(r"\r\n|\r|\u2028")
FORM_FEED = "\f"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; returns (text, normalised encoding name)."""
    if not data.strip():
        raise EmptyInputError("the file is empty")
    text, encoding = _decode_nonempty(data)
    if not text.strip():
        raise EmptyInputError("the file holds only whitespace")
    return text, encoding


def _decode_nonempty(data: bytes) -> tuple[str, str]:
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                raise DecodingError(f"the {name} byte-order mark lies: {exc}") from exc
    # UTF-16/32 of ASCII text is valid UTF-8 (NUL is a character there), so NULs send the
    # bytes to the wide decoders first.
    wide = _decode_wide_without_bom(data) if b"\x00" in data else None
    if wide is not None:
        return wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    wide = _decode_wide_without_bom(data)
    if wide is not None:
        return wide
    if _looks_binary(data):
        raise UnsupportedInputError("binary content (control bytes), not a text file")
    return _decode_single_byte(data)


def _decode_wide_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 recognised by where the NUL (or other constant high) bytes fall."""
    if len(data) % 4 == 0 and len(data) >= 4:
        for codec, offsets in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
            high = [data[i + k] for i in range(0, len(data), 4) for k in offsets]
            if high.count(0) / len(high) >= UTF32_NUL_SHARE:
                text = _decode_printable(data, codec)
                if text is not None:
                    return text, "utf-32"
    if len(data) % 2 == 0 and len(data) >= 2:
        for codec, high_offset in (("utf-16-le", 1), ("utf-16-be", 0)):
            high_bytes = data[high_offset::2]
            low_share = sum(byte <= MAX_WIDE_HIGH_BYTE for byte in high_bytes) / len(high_bytes)
            if low_share >= WIDE_HIGH_BYTE_SHARE:
                text = _decode_printable(data, codec)
                if text is not None:
                    return text, "utf-16"
    return None


def _decode_printable(data: bytes, codec: str) -> str | None:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _printable_share(text) >= MIN_PRINTABLE_SHARE else None


def _printable_share(text: str) -> float:
    printable = sum(ch.isprintable() or ch in "\t\n\r\f" for ch in text)
    return printable / len(text) if text else 0.0


def _looks_binary(data: bytes) -> bool:
    controls = sum(1 for byte in data if (byte < 0x20 and byte not in TEXT_CONTROL_BYTES))
    return controls / len(data) >= BINARY_CONTROL_SHARE


def _decode_single_byte(data: bytes) -> tuple[str, str]:
    """Legacy code page: charset-normalizer proposes, the lexicon disposes."""
    from charset_normalizer import from_bytes  # legacy files only: most text is UTF-8

    guesses = [match.encoding for match in from_bytes(data)][:MAX_DETECTOR_CANDIDATES]
    readings = []
    for rank, name in enumerate(_unique_codec_names([*guesses, *CYRILLIC_CODE_PAGES])):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        readings.append((_reading_score(text, name, rank), text, name))
    if not readings:
        raise DecodingError("no single-byte code page decodes this file")
    _, text, name = max(readings, key=lambda reading: reading[0])
    return text, name


def _reading_score(text: str, name: str, rank: int) -> tuple[float, float, bool, int]:
    """Known words first; then known short non-ASCII words ("à", "у"), which ``known_share``
    skips; then, on a tie, the common Cyrillic code pages over the detector's rarer relatives
    (cp1125 is cp866 plus Ukrainian letters); then the detector's own ranking."""
    short = [w for w in WORD.findall(text) if len(w) < 3 and not w.isascii()]
    short_known = sum(zipf(w) >= SHORT_WORD_MIN_ZIPF for w in short) / len(short) if short else 0.0
    return known_share(text), short_known, name in CYRILLIC_CODE_PAGES, -rank


def _unique_codec_names(names: Iterable[str]) -> list[str]:
    """Normalised codec names ("koi8_r" → "koi8-r"), first occurrence kept."""
    seen: list[str] = []
    for name in names:
        try:
            normal = codecs.lookup(name).name
        except LookupError:
            continue
        if normal not in seen:
            seen.append(normal)
    return seen


def _is_blank(line: str) -> bool:
    """Whitespace only, or only invisible format/control characters (a stray BOM, ZWSP)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in line)


def text_to_pages(text: str) -> tuple[Page, ...]:
    """Split decoded text into pages (form feeds) of non-blank lines with their blank rhythm."""
    normal = LINE_BREAKS.sub("\n", text)
    chunks = normal.split(FORM_FEED)
    # A form feed that ends the file closes the last page; it does not open an empty one.
    if len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    return tuple(_page_of(chunk, number) for number, chunk in enumerate(chunks, start=1))


def _page_of(chunk: str, number: int) -> Page:
    lines: list[Line] = []
    blanks = 0
    for raw in chunk.split("\n"):
        if _is_blank(raw):
            blanks += 1
            continue
        # Leading whitespace is dropped on purpose: in extracted or exported text it is noise
        # (centring, justification padding, a space after a wrapped word), not indentation.
        lines.append(
            Line(text=raw.strip(), page=number, origin=Origin.PLAIN_TEXT, blank_before=blanks)
        )
        blanks = 0
    return Page(number=number, lines=tuple(lines), method="plain")


def extract_text_file(data: bytes) -> Extraction:
    """A ``.txt`` file's bytes as an ``Extraction`` of plain-text pages (a stray NUL stays
    in for the repair stage, which removes control characters and counts them)."""
    text, encoding = decode_bytes(data)
    return Extraction(pages=text_to_pages(text), media_type="text/plain", encoding=encoding)
