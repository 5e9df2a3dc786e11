"""A double-spaced typewritten page: paragraphs from indentation and the page's own spacing.

A typist breaks a line when the bell rings, not when the next word will not fit, so a running
line often stops short although the next word had room; and a double-spaced page leaves no
extra space between paragraphs. Only the indented first lines mark the paragraphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import cycle
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.config import Config, OcrMode
from pipeline.process import process_path
from tests.pdfgen import ENGLISH_PARAGRAPHS, FONT_DIR, RUSSIAN_PARAGRAPHS, make_scan_tiff

FONT, SIZE = "DejaVuSansMono", 12.0
PITCH = 2 * 14.0  # double-spaced: between paragraphs too, nothing more
LEFT, INDENT, MEASURE = 72.0, 5, 62
"""Left margin (points), first-line indent and line length (typewriter characters)."""
BELL_STOPS = (0, 7, 3, 9, 1, 5)
"""Characters short of the full measure at which the typist returned the carriage, line by
line: a line may stop short although the next word would have fitted."""


def typed_lines(paragraphs: Sequence[str]) -> list[tuple[bool, str]]:
    """(is a first line, text) of every line, broken by the bell rather than by the measure."""
    stops = cycle(BELL_STOPS)
    lines: list[tuple[bool, str]] = []
    for paragraph in paragraphs:
        words, first = paragraph.split(), True
        while words:
            room = MEASURE - (INDENT if first else 0) - next(stops)
            line = words.pop(0)
            while words and len(line) + 1 + len(words[0]) <= room:
                line += " " + words.pop(0)
            lines.append((first, line))
            first = False
    return lines


def typewritten_page(path: Path, paragraphs: Sequence[str]) -> Path:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / f"{FONT}.ttf")))
    char = pdfmetrics.stringWidth("x", FONT, SIZE)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont(FONT, SIZE)
    top = A4[1] - 80
    for row, (first, text) in enumerate(typed_lines(paragraphs)):
        canvas.drawString(LEFT + (INDENT * char if first else 0), top - row * PITCH, text)
    canvas.showPage()
    canvas.save()
    return path


def body_texts(path: Path, config: Config) -> list[str]:
    return [paragraph.text for paragraph in process_path(path, config).sections.body]


PARAGRAPH_SETS = {
    "en": [ENGLISH_PARAGRAPHS[1][:420], ENGLISH_PARAGRAPHS[2][:300], ENGLISH_PARAGRAPHS[3][:380]],
    "ru": [RUSSIAN_PARAGRAPHS[1][:420], RUSSIAN_PARAGRAPHS[2][:300], RUSSIAN_PARAGRAPHS[3][:380]],
}


def whole_words(text: str) -> str:
    """The text cut back to its last whole word (the samples are cut at a character count)."""
    return text.rsplit(" ", 1)[0].rstrip(",;:")


@pytest.mark.parametrize("language", sorted(PARAGRAPH_SETS))
def test_typed_lines_stop_short_of_the_measure(language: str) -> None:
    lines = typed_lines([whole_words(p) for p in PARAGRAPH_SETS[language]])
    assert sum(1 for first, text in lines if not first and len(text) < MEASURE - 5) >= 3


@pytest.mark.parametrize("language", sorted(PARAGRAPH_SETS))
def test_double_spaced_typewritten_text_layer_forms_its_paragraphs(
    tmp_path: Path, language: str
) -> None:
    paragraphs = [whole_words(p) for p in PARAGRAPH_SETS[language]]
    pdf = typewritten_page(tmp_path / "memo.pdf", paragraphs)

    assert body_texts(pdf, Config(ocr=OcrMode.NEVER)) == paragraphs


@pytest.mark.slow
def test_double_spaced_typewritten_scan_forms_its_paragraphs(tmp_path: Path) -> None:
    paragraphs = [whole_words(p) for p in PARAGRAPH_SETS["ru"]]
    pdf = typewritten_page(tmp_path / "memo.pdf", paragraphs)
    scan = make_scan_tiff(tmp_path / "memo.tif", pdf)

    body = body_texts(scan, Config(ocr=OcrMode.ALWAYS))

    assert len(body) == len(paragraphs)
    assert [text.split()[:3] for text in body] == [p.split()[:3] for p in paragraphs]
