"""Line repairs: case tables (tests/cases/repair/<kind>.json), doctests, properties, pages."""

from __future__ import annotations

import doctest
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline import encoding, lookalikes, ocr_repair, repair
from pipeline.config import Config
from pipeline.models import Box, Line, Origin, Page, RepairRecord

CASES = Path(__file__).parent / "cases" / "repair"

REPAIR_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "mojibake": repair.fix_mojibake,
    "single_byte_mojibake": repair.fix_single_byte_mojibake,
    "lookalikes": repair.fix_lookalikes,
    "ligatures": repair.replace_ligatures,
    "odd_spaces": repair.normalize_odd_spaces,
    "soft_hyphens": repair.remove_soft_hyphens,
    "control_chars": repair.remove_control_chars,
    "ocr_confusions": repair.fix_ocr_confusions,
}


def load_cases() -> list[object]:
    params = []
    for path in sorted(CASES.glob("*.json")):
        kind = path.stem
        for case in json.loads(path.read_text(encoding="utf-8")):
            params.append(
                pytest.param(kind, case["input"], case["expected"], id=f"{kind}: {case['label']}")
            )
    return params


@pytest.mark.parametrize(("kind", "text", "expected"), load_cases())
def test_case_table(kind: str, text: str, expected: str) -> None:
    assert REPAIR_FUNCTIONS[kind](text) == expected


def test_every_registered_repair_has_a_case_table() -> None:
    kinds = {entry.kind for entry in repair.REPAIRS}
    assert kinds == set(REPAIR_FUNCTIONS)
    assert kinds == {path.stem for path in CASES.glob("*.json")}


@pytest.mark.parametrize("module", [repair, encoding, lookalikes, ocr_repair])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_encoding_repairs_leave_ocr_text_alone() -> None:
    """OCR reads characters from pixels: a curly apostrophe is what was printed, and no
    code-page re-reading may turn it into a box-drawing character."""
    ocr_lines = ("The Sequencer’s output", "was read by the Sequencer’s clerk at 10 o’clock")
    lines = tuple(Line(text, page=1, origin=Origin.OCR) for text in ocr_lines)
    pages, records = repair.repair_pages((Page(1, lines, "ocr"),), Config())
    assert [line.text for line in pages[0].lines] == list(ocr_lines)
    assert not {r.kind for r in records} & {"mojibake", "single_byte_mojibake"}


def test_encoding_repairs_still_fix_a_text_layer_beside_ocr_pages() -> None:
    damaged = Line("РџСЂРёРІРµС‚, РјРёСЂ", page=1, origin=Origin.TEXT_LAYER)
    scanned = Line("Sequencer’s", page=2, origin=Origin.OCR)
    pages, _ = repair.repair_pages(
        (Page(1, (damaged,), "text"), Page(2, (scanned,), "ocr")), Config()
    )
    assert pages[0].lines[0].text == "Привет, мир"
    assert pages[1].lines[0].text == "Sequencer’s"


# --- properties ----------------------------------------------------------------------------

# Text that looks like what arrives: Cyrillic, Latin and Latin-1 letters, mojibake-prone
# symbols, odd spaces, soft hyphens, ligatures, controls; plus any text at all.
LIKELY_CHARS = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "ÀÂÃÄÇÈÉÊÐÑÒÓÔÖ×ÙÜßàáâãäçèéêëïðñòóôõö÷ùúüýþÿ"
    "‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿"
    "ЂЃѓЉЊЌЋЏђљњќћџЎўЈҐЁЄЇІіґёєјЅѕї№"
    " ,.-()\u00a0\u00ad\u200b\u2009\ufb01\ufb02\x00\x0b\x85\x81\x98\t"
)
likely_text = st.text(alphabet=LIKELY_CHARS, max_size=60)
any_text = st.one_of(st.text(max_size=60), likely_text)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def word_count(text: str) -> int:
    """Whitespace-separated tokens holding a letter or digit: the words a reader sees."""
    return sum(any(ch.isalnum() for ch in token) for token in text.split())


@pytest.mark.parametrize("kind", sorted(REPAIR_FUNCTIONS))
@PROPERTY_SETTINGS
@given(text=any_text)
def test_repair_is_idempotent_and_never_raises(kind: str, text: str) -> None:
    fix = REPAIR_FUNCTIONS[kind]
    once = fix(text)
    assert fix(once) == once


ENCODING_REPAIRS = {"mojibake", "single_byte_mojibake"}

# Clean text: letters of both scripts (Latin-1 included), digits, punctuation, spaces. The
# encoding repairs may rightly merge or drop "words" of damaged text ("Â" + space is a
# no-break space), so for them the property is asked of clean text, and damaged text has its
# own round-trip property below.
clean_text = st.text(
    alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "àâäçèéêëïîôöùûüÿßñáíóú ,.-()«»—–",
    max_size=60,
)


@pytest.mark.parametrize("kind", sorted(REPAIR_FUNCTIONS))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_repair_keeps_the_word_count(kind: str, data: st.DataObject) -> None:
    text = data.draw(clean_text if kind in ENCODING_REPAIRS else any_text)
    assert word_count(REPAIR_FUNCTIONS[kind](text)) == word_count(text)


STATEMENT_WORDS = (
    *("Господин", "Председатель", "Российская", "Федерация", "придает", "большое"),
    *("значение", "работе", "Неформальной", "рабочей", "группы", "государства-участники"),
    *("согласовали", "пакета", "мер", "доверия", "которые", "сохраняют", "актуальность"),
    *("сегодня", "«Интернет»", "безопасности", "2023", "года", "июня,", "и", "в", "с"),
)


@PROPERTY_SETTINGS
@given(
    words=st.lists(st.sampled_from(STATEMENT_WORDS), min_size=3, max_size=12),
    codec=st.sampled_from(["sloppy-windows-1251", "sloppy-windows-1252"]),
)
def test_mojibake_of_a_statement_round_trips(words: list[str], codec: str) -> None:
    clean = " ".join(words)
    damaged = clean.encode("utf-8").decode(codec)
    assert repair.fix_mojibake(damaged) == clean


@PROPERTY_SETTINGS
@given(
    words=st.lists(st.sampled_from(STATEMENT_WORDS), min_size=3, max_size=12),
    codecs=st.sampled_from([("cp1251", "cp1252"), ("koi8-r", "cp1251"), ("cp1251", "koi8-r")]),
)
def test_single_byte_damage_of_a_statement_round_trips(
    words: list[str], codecs: tuple[str, str]
) -> None:
    clean = " ".join(words)
    written, misread = codecs
    # The vote needs a few words to judge by: one short word alone is ambiguous ("мер" in
    # cp1251 read as koi8-r re-reads as well to "НЕТ"); koi8-r has no « ».
    assume(len({word for word in words if len(word) >= 3 and word.isalpha()}) >= 3)
    assume(all(ch not in clean for ch in "«»"))
    damaged = clean.encode(written).decode(misread)
    assert repair.fix_single_byte_mojibake(damaged) == clean


def pages_of(lines: list[str]) -> tuple[Page, ...]:
    return (
        Page(
            number=1,
            lines=tuple(Line(text=t, page=1, origin=Origin.PLAIN_TEXT) for t in lines),
            method="plain",
        ),
    )


@PROPERTY_SETTINGS
@given(lines=st.lists(any_text.filter(str.strip), min_size=1, max_size=5))
def test_repair_pages_is_idempotent(lines: list[str]) -> None:
    once, _ = repair.repair_pages(pages_of(lines), Config())
    twice, records = repair.repair_pages(once, Config())
    assert twice == once
    assert records == ()


# --- repair_pages --------------------------------------------------------------------------

DAMAGED_STATEMENT = [
    "РџРѕСЃС‚РѕСЏРЅРЅРѕРµ РїСЂРµРґСЃС‚Р°РІРёС‚РµР»СЊСЃС‚РІРѕ",
    "Пpeзидeнт ﬁnal\u00a0text",
    "со\u00adтрудни\u00adчество пред\u00ad",
]


def test_repair_pages_repairs_and_records_each_kind() -> None:
    pages, records = repair.repair_pages(pages_of(DAMAGED_STATEMENT), Config())
    assert [line.text for line in pages[0].lines] == [
        "Постоянное представительство",
        "Президент final text",
        "сотрудничество пред\u00ad",
    ]
    assert set(records) == {
        RepairRecord("mojibake", 1),
        RepairRecord("lookalikes", 1),
        RepairRecord("ligatures", 1),
        RepairRecord("odd_spaces", 1),
        RepairRecord("soft_hyphens", 1),
    }


def test_repair_pages_switches_off_encoding_and_lookalikes() -> None:
    config = replace(Config(), fix_encoding=False, fix_lookalikes=False)
    pages, records = repair.repair_pages(pages_of(DAMAGED_STATEMENT), config)
    texts = [line.text for line in pages[0].lines]
    assert texts[0] == DAMAGED_STATEMENT[0]
    assert texts[1] == "Пpeзидeнт final text"
    assert {r.kind for r in records} == {"ligatures", "odd_spaces", "soft_hyphens"}


def test_repair_pages_keeps_geometry_and_clean_lines() -> None:
    box = Box(x0=72.0, top=100.0, x1=300.0, bottom=112.0)
    damaged = Line(text="ﬁnal", page=2, origin=Origin.TEXT_LAYER, box=box, size=12.0, bold=True)
    clean = Line(text="Mr. Chairperson,", page=2, origin=Origin.TEXT_LAYER, box=box, size=12.0)
    page = Page(number=2, lines=(damaged, clean), method="text", width=595.0, height=842.0)
    (repaired,), _ = repair.repair_pages((page,), Config())
    assert repaired.lines[0] == replace(damaged, text="final")
    assert repaired.lines[1] is clean
    assert (repaired.width, repaired.height, repaired.method) == (595.0, 842.0, "text")


def test_line_left_empty_is_dropped_and_counts_as_blank() -> None:
    lines = (
        Line(text="First", page=1, origin=Origin.PLAIN_TEXT),
        Line(text="\u200b", page=1, origin=Origin.PLAIN_TEXT, blank_before=1),
        Line(text="Second", page=1, origin=Origin.PLAIN_TEXT, blank_before=1),
    )
    (page,), _ = repair.repair_pages((Page(1, lines, "plain"),), Config())
    assert [(line.text, line.blank_before) for line in page.lines] == [("First", 0), ("Second", 3)]


def test_single_byte_vote_spares_a_latin1_line_in_a_damaged_document() -> None:
    lines = [
        "Ãîñïîäèí Ïðåäñåäàòåëü,",
        "Ðîññèéñêàÿ Ôåäåðàöèÿ ïðèäàåò áîëüøîå çíà÷åíèå ðàáîòå.",
        "Café Müller",
    ]
    pages, records = repair.repair_pages(pages_of(lines), Config())
    assert [line.text for line in pages[0].lines] == [
        "Господин Председатель,",
        "Российская Федерация придает большое значение работе.",
        "Café Müller",
    ]
    assert RepairRecord("single_byte_mojibake", 2) in records


def test_clean_documents_are_not_touched() -> None:
    lines = [
        "Господин Председатель,",
        "Российская Федерация придает большое значение работе.",
        "Mr. Chairperson, the United States welcomes the opportunity.",
        "Un café très français à côté de la gare.",
    ]
    pages, records = repair.repair_pages(pages_of(lines), Config())
    assert [line.text for line in pages[0].lines] == lines
    assert records == ()


def test_ocr_confusions_touch_only_ocr_lines() -> None:
    """A "|" in a text layer is what the author typed; only OCR invents it for "I"."""
    ocr = Line("| have the honour", page=1, origin=Origin.OCR)
    typed = Line("| have the honour", page=1, origin=Origin.TEXT_LAYER)
    page = Page(1, (ocr, typed), "ocr")
    (repaired,), records = repair.repair_pages((page,), Config())
    assert [line.text for line in repaired.lines] == ["I have the honour", "| have the honour"]
    assert RepairRecord("ocr_confusions", 1) in records
