"""Script-aware OCR languages, languages beyond ru/en, and the quality signal."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pipeline import ocr_languages
from pipeline.config import Config
from pipeline.lexicon import CYRILLIC, detect_language
from pipeline.models import Box, Extraction, Line, Origin, Page, SourceInfo, Status
from pipeline.ocr import Script
from pipeline.ocr_languages import (
    ScriptMemory,
    is_ukrainian,
    page_text,
    read_by_script,
    ukrainian_pack_warning,
)
from pipeline.process import build_document, process_path
from pipeline.quality import is_noise, split_noise
from tests.pdfgen import (
    ENGLISH_PARAGRAPHS,
    RUSSIAN_PARAGRAPHS,
    make_image_only_pdf,
    make_text_pdf,
    wrap_plain,
)
from tests.test_layout import document_text

POLISH = [
    "Ministerstwo Spraw Zagranicznych Rzeczypospolitej Polskiej przedstawia wyrazy",
    "szacunku Ambasadzie i ma zaszczyt poinformować, że delegacja przybędzie do stolicy",
    "w przyszłym tygodniu w celu przeprowadzenia konsultacji w sprawie współpracy",
    "gospodarczej oraz bezpieczeństwa w regionie Morza Bałtyckiego i Europy Wschodniej.",
]
UKRAINIAN = [
    "Міністерство закордонних справ України висловлює свою повагу посольству і має",
    "честь повідомити, що делегація прибуде до столиці наступного тижня для проведення",
    "консультацій щодо співробітництва у сфері економіки та безпеки в регіоні.",
]
RUSSIAN_WITH_NAMES = [
    "Постоянный совет ОБСЕ рассмотрел доклад, распространенный как PC.DEL/1187/23,",
    "и заслушал выступление Director General Helga Schmid о работе Секретариата.",
    "Российская Федерация придает большое значение работе Организации по вопросам",
    "безопасности и сотрудничества в Европе и просит приобщить настоящее заявление",
    "к журналу дня заседания Постоянного совета.",
]


def source(name: str) -> SourceInfo:
    return SourceInfo(path=name, sha256="", bytes=0, media_type="image/png", pages=1)


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "language"),
    [(POLISH, "pl"), (UKRAINIAN, "uk"), (RUSSIAN_WITH_NAMES, "ru"), (ENGLISH_PARAGRAPHS, "en")],
)
def test_language_is_the_one_the_lexicon_knows_best(lines: list[str], language: str) -> None:
    assert detect_language(" ".join(lines)) == language


@pytest.mark.parametrize(("lines", "language"), [(POLISH, "pl"), (UKRAINIAN, "uk")])
def test_readable_layer_in_another_language_is_accepted_and_reported(
    tmp_path: Path, lines: list[str], language: str
) -> None:
    document = process_path(make_text_pdf(tmp_path / "letter.pdf", [lines]), Config(ocr="never"))
    assert document.status == Status.OK
    assert [page.method for page in document.pages] == ["text"]
    assert document.language == language


def test_ukrainian_reading_is_recognised_even_without_its_letters() -> None:
    """A Russian model drops і and ї, but the words stay Ukrainian to the lexicon."""
    garbled = "Шановна пані, закордонних справ щодо надання копій документів, пов’язаних з"
    assert is_ukrainian(Page(1, (Line(garbled, 1, Origin.OCR),), "ocr"))
    assert not is_ukrainian(Page(1, (Line(RUSSIAN_WITH_NAMES[2], 1, Origin.OCR),), "ocr"))
    assert "tesseract-ocr-ukr" in ukrainian_pack_warning(1)


@pytest.mark.slow
def test_english_scan_is_read_with_latin_languages_only(tmp_path: Path) -> None:
    lines = [
        text for paragraph in ENGLISH_PARAGRAPHS[:2] for text in wrap_plain(
            paragraph, 440, "DejaVuSerif", 13
        )
    ]  # fmt: skip
    pdf = make_image_only_pdf(tmp_path / "english.pdf", lines)
    document = process_path(pdf, Config(ocr_lang="rus+eng"))
    text = document_text(document)
    assert document.language == "en"
    assert "Co-ordinator" in text or "comprehensive" in text
    assert not CYRILLIC.search(text)


@pytest.mark.slow
def test_russian_scan_keeps_latin_names(tmp_path: Path) -> None:
    lines = wrap_plain(" ".join(RUSSIAN_WITH_NAMES), 440, "DejaVuSerif", 13)
    pdf = make_image_only_pdf(tmp_path / "russian.pdf", lines)
    document = process_path(pdf, Config(ocr_lang="rus+eng"))
    text = document_text(document)
    assert document.language == "ru"
    for name in ("PC.DEL/1187/23", "Helga", "Schmid", "Director"):
        assert name in text


# --- quality -------------------------------------------------------------------------------


def ocr_line(text: str, top: float, confidence: float) -> Line:
    return Line(
        text,
        page=1,
        origin=Origin.OCR,
        box=Box(72, top, 520, top + 12),
        size=12,
        confidence=confidence,
        min_confidence=confidence,
    )


def test_noise_is_symbols_without_a_known_word_far_below_the_page() -> None:
    assert is_noise(ocr_line("== ~ |", 100, 20), 85)
    assert is_noise(ocr_line("ae |", 100, 30), 85)
    assert not is_noise(ocr_line("== ~ |", 100, 80), 85)  # read as well as the page
    assert not is_noise(ocr_line("the ~~ |", 100, 20), 85)  # a known word
    assert not is_noise(ocr_line("A/c.1/2i2", 100, 20), 85)  # a misread document code
    assert is_noise(ocr_line("4", 100, 30), 85)  # a speck in the margin read as a digit
    assert not is_noise(ocr_line("4", 100, 80), 85)  # a page number read as well as the page
    assert not is_noise(Line("== ~ |", 1, Origin.TEXT_LAYER), 85)  # not OCR


def test_noise_lines_leave_the_page_with_their_page_number() -> None:
    page = Page(2, (ocr_line("Thank you, Mr. Chair.", 100, 90), ocr_line("== |", 120, 10)), "ocr",
                confidence=85)  # fmt: skip
    pages, noise = split_noise((page,))
    assert [line.text for line in pages[0].lines] == ["Thank you, Mr. Chair."]
    assert [(n.text, n.page) for n in noise] == [("== |", 2)]


def test_noisy_page_comes_out_with_a_warning_and_its_noise_set_aside() -> None:
    body = [
        "The Delegation of the Russian Federation welcomes the report and thanks the",
        "Co-ordinator for the work done over the past year in the economic dimension.",
    ]
    lines = [ocr_line(text, 100 + 15 * row, 62) for row, text in enumerate(body)]
    lines.append(ocr_line("ae | == ~", 400, 8))
    page = Page(1, tuple(lines), "ocr", width=595, height=842, confidence=55)
    document = build_document(
        Extraction(pages=(page,), media_type="image/png"), source("noisy.png"), Config()
    )
    assert [(n.text, n.page) for n in document.noise] == [("ae | == ~", 1)]
    assert all("==" not in p.text for p in document.sections.body)
    assert any(w.startswith("page 1: OCR confidence 55") for w in document.warnings)
    published = document.to_dict("test")
    paragraph = published["body"][-1]
    assert paragraph["provenance"]["confidence_mean"] == 62
    assert paragraph["provenance"]["confidence_min"] == 62
    assert paragraph["known_share"] > 0.9
    assert document.status == Status.PARTIAL  # its only page reads badly
    assert published["noise"] == [{"text": "ae | == ~", "page": 1}]


def test_clean_ocr_page_is_ok_without_quality_warnings() -> None:
    lines = (ocr_line("Thank you, Mr. Chairperson, for the floor.", 100, 93),)
    page = Page(1, lines, "ocr", width=595, height=842, confidence=93)
    document = build_document(
        Extraction(pages=(page,), media_type="image/png"), source("clean.png"), Config()
    )
    assert document.status == Status.OK
    assert document.warnings == ()
    assert document.noise == ()


def test_threshold_comes_from_config() -> None:
    lines = (ocr_line("Thank you, Mr. Chairperson, for the floor.", 100, 80),)
    page = Page(1, lines, "ocr", width=595, height=842, confidence=80)
    strict = Config(min_ocr_confidence=90)
    document = build_document(
        Extraction(pages=(page,), media_type="image/png"), source("p.png"), strict
    )
    assert any("page 1" in warning and "below 90" in warning for warning in document.warnings)


# --- which languages read a page (a recording engine instead of Tesseract) -------------------


class RecordingEngine:
    """Answers OSD with ``script`` and every reading with ``texts[lang]``; records the calls."""

    def __init__(self, script: Script | None, texts: dict[str, str]) -> None:
        self.script, self.texts, self.calls = script, texts, []

    def detect_script(self, image: Image.Image, *, dpi: float) -> Script | None:
        self.calls.append("osd")
        return self.script

    def read(
        self, image: Image.Image, *, page_number: int, dpi: float, lang: str | None = None
    ) -> Page:
        assert lang is not None
        self.calls.append(lang)
        lines = tuple(Line(text, page_number, Origin.OCR) for text in self.texts[lang].split("\n"))
        return Page(page_number, lines, "ocr")


BLANK = Image.new("L", (10, 10), 255)
ENGLISH_TEXT = "\n".join(ENGLISH_PARAGRAPHS[:1])
RUSSIAN_TEXT = "\n".join(RUSSIAN_WITH_NAMES)
UKRAINIAN_AS_RUSSIAN = "Шановна пані, закордонних справ щодо надання копй документв, пов’язаних з"


def test_page_osd_calls_latin_is_read_with_latin_languages_only() -> None:
    engine = RecordingEngine(Script("Latin", 5.0), {"eng": ENGLISH_TEXT})
    page = read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "eng"]
    assert page.lines[0].text.startswith("The European Union")


def test_page_osd_calls_cyrillic_is_read_with_cyrillic_and_latin_languages() -> None:
    engine = RecordingEngine(Script("Cyrillic", 20.0), {"rus+eng": RUSSIAN_TEXT})
    read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "rus+eng"]


LONG_RUSSIAN = "\n".join([*RUSSIAN_PARAGRAPHS[1:3], *RUSSIAN_WITH_NAMES])
GARBLED_RUSSIAN = LONG_RUSSIAN + "\nи дpyгиx HeyaTHOM woerad ceceds B.EbUHH"


def test_russian_page_with_garbled_latin_words_is_read_again_in_cyrillic_only() -> None:
    # the English model read old typewritten Cyrillic as Latin letters no lexicon knows
    engine = RecordingEngine(
        Script("Cyrillic", 20.0),
        {"rus+eng": GARBLED_RUSSIAN, "rus": LONG_RUSSIAN + "\nи других печатном сессия Ельцин"},
    )
    page = read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "rus+eng", "rus"]
    assert "Ельцин" in page_text(page)


def test_cyrillic_only_reread_is_kept_only_when_it_reads_more_words() -> None:
    # two Latin names the lexicon lacks; the Cyrillic-only model garbles them and no more
    names = LONG_RUSSIAN + "\nподписали Kobich и Burbulis"
    engine = RecordingEngine(
        Script("Cyrillic", 20.0),
        {"rus+eng": names, "rus": LONG_RUSSIAN + "\nподписали Ковісн и Вцгвцііѕ"},
    )
    page = read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "rus+eng", "rus"]
    assert "Burbulis" in page_text(page)


def test_latin_reading_that_knows_no_words_is_read_again_with_every_language() -> None:
    engine = RecordingEngine(
        Script("Latin", 1.5), {"eng": "Rpmmhcrrb cfdtn pfcnekbk", "rus+eng": RUSSIAN_TEXT}
    )
    page = read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "eng", "rus+eng"]
    assert "Постоянный" in page.lines[0].text


def test_ukrainian_page_without_the_pack_carries_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_languages, "installed_languages", lambda: frozenset({"rus", "eng"}))
    engine = RecordingEngine(Script("Cyrillic", 9.0), {"rus+eng": UKRAINIAN_AS_RUSSIAN})
    page = read_by_script(engine, BLANK, 3, 300, "rus+eng")
    assert page.warnings == (ukrainian_pack_warning(3),)
    assert "apt-get install tesseract-ocr-ukr" in page.warnings[0]


def test_ukrainian_page_is_read_with_ukr_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        ocr_languages, "installed_languages", lambda: frozenset({"rus", "ukr", "eng"})
    )
    engine = RecordingEngine(
        Script("Cyrillic", 9.0),
        {"rus+eng": UKRAINIAN_AS_RUSSIAN, "ukr+eng": "\n".join(UKRAINIAN)},
    )
    page = read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "rus+eng", "ukr+eng"]
    assert page.warnings == ()
    assert page.lines[0].text.startswith("Міністерство")


def test_bilingual_page_taken_for_latin_is_read_again_with_every_language() -> None:
    """An English page with a Russian paragraph: read with English alone, the Russian lines
    come out as Latin letters no lexicon knows, so the whole set reads the page again."""
    garbled = ["Rpmmhcrrb cfdtn pfcnekbk ljrkfl", "Gjcnjzyysq cjdtn J<CT hfccvjnhtk ljrkfl"]
    english = "\n".join([*ENGLISH_PARAGRAPHS[0].split(". ")[:4], *garbled])
    both = "\n".join([*ENGLISH_PARAGRAPHS[0].split(". ")[:4], *RUSSIAN_WITH_NAMES[2:4]])
    engine = RecordingEngine(Script("Latin", 2.0), {"eng": english, "rus+eng": both})
    page = read_by_script(engine, BLANK, 1, 300, "rus+eng")
    assert engine.calls == ["osd", "eng", "rus+eng"]
    assert "Российская" in page_text(page)


def test_later_pages_of_a_document_skip_script_detection() -> None:
    engine = RecordingEngine(Script("Latin", 5.0), {"eng": ENGLISH_TEXT})
    memory = ScriptMemory()
    for number in (1, 2, 3):
        read_by_script(engine, BLANK, number, 300, "rus+eng", memory)
    assert engine.calls == ["osd", "eng", "eng", "eng"]


def test_a_page_in_another_script_is_caught_by_its_own_reading() -> None:
    """An English document with a Russian annex page: the remembered Latin script gives a
    reading no lexicon knows, so the page is read again with every language."""
    memory = ScriptMemory()
    english = RecordingEngine(Script("Latin", 5.0), {"eng": ENGLISH_TEXT})
    read_by_script(english, BLANK, 1, 300, "rus+eng", memory)
    annex = RecordingEngine(
        None, {"eng": "Rpmmhcrrb cfdtn pfcnekbk ljrkfl\nGjcnjzyysq", "rus+eng": RUSSIAN_TEXT}
    )
    page = read_by_script(annex, BLANK, 2, 300, "rus+eng", memory)
    assert annex.calls == ["eng", "rus+eng"]
    assert "Постоянный" in page_text(page)
    assert memory.latin is False
