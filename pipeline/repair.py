"""Character-level repairs on lines, each fitted to the source its lines came from.

The repairs live by responsibility: ``encoding`` undoes wrong decodings (text layers and
plain text only: OCR text never went through bytes), ``lookalikes`` unifies words typed or
read in two scripts (any source), ``ocr_repair`` settles Tesseract's confusions (OCR only);
this module holds the invisible-debris repairs and the registry. Some decisions need the whole
document, so every repair is written as ``document lines -> line function``; the plain
``str -> str`` form runs that on the lines of one string. ``REPAIRS`` fixes the order, and
``repair_pages`` runs it and records, per kind, how many lines each repair changed.

Order matters: the encoding repairs come first because they read C1 control characters and
soft hyphens as evidence of what went wrong; the control-character and space repairs must not
remove that evidence before them. Look-alikes come last, on words already free of invisible
characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ftfy.fixes import fix_latin_ligatures
from ftfy.fixes import remove_control_chars as ftfy_remove_control_chars

from pipeline.config import Config
from pipeline.encoding import (
    SOFT_HYPHEN,
    fix_mojibake,
    fix_single_byte_mojibake,
    prepare_fix_mojibake,
    prepare_fix_single_byte_mojibake,
)
from pipeline.linefix import LineFix, run_on_text
from pipeline.lookalikes import fix_lookalikes, prepare_fix_lookalikes
from pipeline.models import Line, Origin, Page, RepairChange, RepairRecord
from pipeline.ocr_repair import fix_ocr_confusions, prepare_fix_ocr_confusions

__all__ = [
    "REPAIRS",
    "fix_lookalikes",
    "fix_mojibake",
    "fix_ocr_confusions",
    "fix_single_byte_mojibake",
    "normalize_odd_spaces",
    "remove_control_chars",
    "remove_soft_hyphens",
    "repair_pages",
    "repair_text",
    "replace_ligatures",
]


DIGITAL_ORIGINS = frozenset({Origin.TEXT_LAYER, Origin.PLAIN_TEXT})
"""Sources whose characters were decoded from bytes, so a wrong decoding can damage them."""

# --- control characters, odd spaces, ligatures, soft hyphens ------------------------------

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
    """The sources whose lines this repair touches (and whose lines it reads for its
    document-wide decisions): encoding repairs are not for OCR, OCR confusions only for it."""


def _always(_config: Config) -> bool:
    return True


REPAIRS: tuple[Repair, ...] = (
    Repair("mojibake", prepare_fix_mojibake, lambda config: config.fix_encoding, DIGITAL_ORIGINS),
    Repair(
        "single_byte_mojibake",
        prepare_fix_single_byte_mojibake,
        lambda config: config.fix_encoding,
        DIGITAL_ORIGINS,
    ),
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


def repair_text(text: str, config: Config | None = None) -> str:
    """Every enabled plain-text repair on ``text`` (its lines taken as one document)."""
    config = config or Config()
    for repair in REPAIRS:
        if repair.enabled(config) and Origin.PLAIN_TEXT in repair.origins:
            text = run_on_text(repair.prepare, text)
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
    # ``repair.origins`` also bounds what a repair reads: an OCR page must not vote on the code
    # page that damaged a text layer in the same PDF.
    line_pages = [line.page for page in pages for line in page.lines]
    changed: dict[str, dict[int, tuple[str, str]]] = {}  # kind -> line -> (first before, after)
    for _round in range(MAX_REPAIR_ROUNDS):
        before_round = texts
        for repair in REPAIRS:
            if not repair.enabled(config):
                continue
            pairs = zip(texts, origins, strict=True)
            own = [text for text, source in pairs if source in repair.origins]
            fix = repair.prepare(own)
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
