"""When an OCR'd page is read again with its Latin languages only (pure rule, no Tesseract)."""

from __future__ import annotations

import pytest

from pipeline.models import Line, Origin, Page
from pipeline.ocr_languages import latin_only_languages
from pipeline.sections import is_salutation

ENGLISH = (
    "In accordance with the letter of the President of the General Assembly dated "
    "26 September I am pleased to transmit the report of the Sixth Committee on the "
    "question of the progressive development of international law and its codification"
)


def ocr_page(*texts: str) -> Page:
    lines = tuple(Line(text, page=1, origin=Origin.OCR) for text in texts)
    return Page(1, lines, "ocr")


def test_english_page_with_cyrillic_misreads_is_read_again_in_latin_only() -> None:
    misread = ENGLISH.replace("accordance", "ассогаапое").replace("am", "ем", 1)
    assert latin_only_languages(ocr_page(misread), "rus+eng") == "eng"


def test_keeps_every_latin_language_of_the_list() -> None:
    misread = ENGLISH.replace("accordance", "ассогаапое").replace("President", "Ргезидент")
    assert latin_only_languages(ocr_page(misread), "ukr+rus+eng+fra") == "eng+fra"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param(ENGLISH, "rus+eng", id="clean English page"),
        pytest.param(ENGLISH.replace("letter", "ассогаапое"), "eng", id="no Cyrillic pack to drop"),
        pytest.param(
            "Российская Федерация придает большое значение работе группы PC.DEL OSCE "
            "по вопросам безопасности и сотрудничества в Европе в рамках решения Совета "
            "и просит приобщить настоящее заявление к журналу дня заседания ОБСЕ",
            "rus+eng",
            id="Russian page quoting Latin codes",
        ),
        pytest.param("Too short a page", "rus+eng", id="too few words to judge"),
        pytest.param(
            ENGLISH.replace("letter", "письмо"), "rus+eng", id="one Cyrillic word may be a quote"
        ),
    ],
)
def test_no_reread(text: str, lang: str) -> None:
    assert latin_only_languages(ocr_page(text), lang) is None


def test_ukrainian_salutation_is_an_address() -> None:
    assert is_salutation("Шановна Анастасіє Олексіївно,", require_cue=True)
