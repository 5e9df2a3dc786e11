"""The Tesseract engine, run for real on small pages rendered here (Tesseract is installed in CI).

Each page read costs about a second, so the pages are small and read once per module.
"""

from __future__ import annotations

import math
import os
import textwrap
from dataclasses import dataclass

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz import fuzz

from pipeline.errors import ExitCode, MissingDependencyError, UsageError
from pipeline.models import Box, Origin, Page
from pipeline.ocr import TesseractEngine, apt_package, check_available
from pipeline.ocr_words import Word, straightened

pytestmark = pytest.mark.slow

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 300
FONT_POINTS = 12
POINTS_PER_PIXEL = 72 / DPI
MIN_SIMILARITY = 90
"""rapidfuzz ratio (0-100) a read line must reach against the line drawn: a slip of a letter or
two passes, a wrong or missing word does not."""
BOX_TOLERANCE = 2.0
"""Points between a line's OCR box and the ink PIL drew (Tesseract boxes hug the glyphs)."""

RUSSIAN = (
    "Российская Федерация придает большое значение работе Неформальной рабочей группы, "
    "учрежденной в соответствии с решением Постоянного совета."
)
ENGLISH = (
    "The European Union welcomes the report of the Secretary General and supports "
    "the work of the Organization in the field of security."
)


@dataclass(frozen=True)
class DrawnLine:
    text: str
    box: Box  # the ink's box in points


@dataclass(frozen=True)
class Sample:
    image: Image.Image
    lines: tuple[DrawnLine, ...]


def render_sample() -> Sample:
    """A Russian and an English paragraph in 12-point DejaVu Sans, as a 300-dpi scan shows it."""
    font = ImageFont.truetype(FONT, round(FONT_POINTS * DPI / 72))
    texts = [*textwrap.wrap(RUSSIAN, 45), "", *textwrap.wrap(ENGLISH, 45)]
    image = Image.new("L", (1700, 140 + 75 * len(texts)), "white")
    draw = ImageDraw.Draw(image)
    drawn = []
    for i, text in enumerate(texts):
        if not text:
            continue
        position = (120, 70 + 75 * i)
        draw.text(position, text, font=font, fill="black")
        x0, top, x1, bottom = draw.textbbox(position, text, font=font)
        box = Box(*(value * POINTS_PER_PIXEL for value in (x0, top, x1, bottom)))
        drawn.append(DrawnLine(text, box))
    return Sample(image, tuple(drawn))


@pytest.fixture(scope="module")
def sample() -> Sample:
    return render_sample()


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine(lang="rus+eng")


@pytest.fixture(scope="module")
def page(engine: TesseractEngine, sample: Sample) -> Page:
    return engine.read(sample.image, page_number=3, dpi=DPI)


def assert_reads_like(page: Page, sample: Sample) -> None:
    assert [line.text[:12] for line in page.lines] == [line.text[:12] for line in sample.lines]
    for read, drawn in zip(page.lines, sample.lines, strict=True):
        assert fuzz.ratio(read.text, drawn.text) >= MIN_SIMILARITY, (read.text, drawn.text)


# --- reading ---------------------------------------------------------------------------------


def test_russian_and_english_lines_come_back(page: Page, sample: Sample) -> None:
    assert_reads_like(page, sample)


def test_page_is_an_ocr_page_measured_in_points(page: Page, sample: Sample) -> None:
    assert page.number == 3
    assert page.method == "ocr"
    assert page.reason is None  # the caller says why it chose OCR
    assert page.width == pytest.approx(sample.image.width * POINTS_PER_PIXEL)
    assert page.height == pytest.approx(sample.image.height * POINTS_PER_PIXEL)
    assert page.confidence is not None
    assert page.confidence > 60


def test_line_boxes_are_the_drawn_lines_in_points(page: Page, sample: Sample) -> None:
    for read, drawn in zip(page.lines, sample.lines, strict=True):
        assert read.box is not None
        assert read.box.x0 == pytest.approx(drawn.box.x0, abs=BOX_TOLERANCE)
        assert read.box.top == pytest.approx(drawn.box.top, abs=BOX_TOLERANCE)
        assert read.box.x1 == pytest.approx(drawn.box.x1, abs=BOX_TOLERANCE)
        assert read.box.bottom == pytest.approx(drawn.box.bottom, abs=BOX_TOLERANCE)


def test_lines_carry_ocr_origin_size_and_confidence(page: Page) -> None:
    for line in page.lines:
        assert line.page == 3
        assert line.origin is Origin.OCR
        assert line.bold is False
        assert line.size == pytest.approx(FONT_POINTS, abs=1.0)
        assert line.confidence is not None
        assert line.confidence > 60


@pytest.mark.parametrize(
    "turn",
    [Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270],
    ids=["upside-down", "sideways-left", "sideways-right"],
)
def test_turned_page_comes_back_upright(
    engine: TesseractEngine, sample: Sample, turn: Image.Transpose
) -> None:
    page = engine.read(sample.image.transpose(turn), page_number=1, dpi=DPI)

    assert_reads_like(page, sample)
    assert page.width == pytest.approx(sample.image.width * POINTS_PER_PIXEL)


def test_slightly_skewed_page_reads_the_same_in_place(
    engine: TesseractEngine, sample: Sample
) -> None:
    tilted = sample.image.rotate(
        2.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"
    )
    # The tilted canvas is larger and shares the sample's centre: straightened, each line sits
    # where it was drawn, moved by half the growth.
    shift_x = (tilted.width - sample.image.width) / 2 * POINTS_PER_PIXEL
    shift_y = (tilted.height - sample.image.height) / 2 * POINTS_PER_PIXEL

    page = engine.read(tilted, page_number=1, dpi=DPI)

    assert_reads_like(page, sample)
    assert page.width == pytest.approx(tilted.width * POINTS_PER_PIXEL)
    for read, drawn in zip(page.lines, sample.lines, strict=True):
        assert read.box is not None
        assert read.box.x0 == pytest.approx(drawn.box.x0 + shift_x, abs=BOX_TOLERANCE)
        assert read.box.top == pytest.approx(drawn.box.top + shift_y, abs=BOX_TOLERANCE)
        assert read.box.x1 == pytest.approx(drawn.box.x1 + shift_x, abs=BOX_TOLERANCE)


def test_blank_page_gives_no_lines(engine: TesseractEngine) -> None:
    blank = Image.new("L", (1240, 1754), "white")

    page = engine.read(blank, page_number=2, dpi=150)

    assert page.lines == ()
    assert page.method == "ocr"
    assert page.confidence is None
    assert page.width == pytest.approx(595.2)


# --- set-up checks -------------------------------------------------------------------------


def test_installed_languages_pass_the_check() -> None:
    check_available("rus+eng")


@pytest.mark.parametrize(
    ("lang", "named"),
    [
        ("rus+eng", ["tesseract-ocr-rus"]),
        ("ukr+rus+eng", ["tesseract-ocr-ukr", "tesseract-ocr-rus"]),
        ("chi_sim", ["tesseract-ocr-chi-sim"]),
    ],
)
def test_missing_language_pack_names_the_package(
    monkeypatch: pytest.MonkeyPatch, lang: str, named: list[str]
) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda **_: ["eng", "osd"])

    with pytest.raises(MissingDependencyError) as caught:
        check_available(lang)

    assert caught.value.exit_code == ExitCode.MISSING_DEPENDENCY
    for package in named:
        assert package in str(caught.value)
    assert "tesseract-ocr-eng" not in str(caught.value)


def test_missing_tesseract_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")

    with pytest.raises(MissingDependencyError, match=r"apt-get install tesseract-ocr$"):
        check_available("eng")


@pytest.mark.parametrize("lang", ["", "rus+", "+eng", "rus eng", "rus;eng", "../rus"])
def test_malformed_language_list_is_a_usage_error(lang: str) -> None:
    with pytest.raises(UsageError):
        TesseractEngine(lang=lang)


@pytest.mark.parametrize(
    ("language", "package"),
    [
        ("rus", "tesseract-ocr-rus"),
        ("ukr", "tesseract-ocr-ukr"),
        ("chi_tra", "tesseract-ocr-chi-tra"),
    ],
)
def test_apt_package_names(language: str, package: str) -> None:
    assert apt_package(language) == package


@pytest.mark.parametrize(("threads", "expected"), [(1, "1"), (2, "2"), (None, None)])
def test_thread_limit_reaches_tesseract_processes(
    monkeypatch: pytest.MonkeyPatch, threads: int | None, expected: str | None
) -> None:
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)

    TesseractEngine(threads=threads)

    assert os.environ.get("OMP_THREAD_LIMIT") == expected


@pytest.mark.parametrize("skew", [0.4, -0.7])
def test_boxes_of_a_slightly_skewed_page_are_placed_as_on_the_straight_page(skew: float) -> None:
    """A skew left to Tesseract is taken out of the word boxes: each moves where the page
    turned straight (as Pillow turns it) would show it."""
    width, height, spot = 2000, 3000, (300, 2600)
    page = Image.new("L", (width, height), 255)
    page.paste(0, (spot[0] - 10, spot[1] - 10, spot[0] + 10, spot[1] + 10))
    straight = np.asarray(page.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=255))
    rows, cols = np.nonzero(straight < 128)
    word = Word("x", (1, 1, 1), Box(spot[0] - 10, spot[1] - 10, spot[0] + 10, spot[1] + 10), 90)

    (moved,) = straightened([word], skew, width, height)

    assert moved.box.center == pytest.approx(float(cols.mean()), abs=1.0)
    assert (moved.box.top + moved.box.bottom) / 2 == pytest.approx(float(rows.mean()), abs=1.0)
    assert moved.box.width == word.box.width


def margin_words(skew: float, turned: bool) -> list[Word]:
    """Twelve lines' first words at the left margin of a 2000 × 3000 page skewed by ``skew``:
    turned (the margin tilts with the lines) or sheared (the margin stands straight)."""
    sin, cos = math.sin(math.radians(skew)), math.cos(math.radians(skew))
    words = []
    for row in range(12):
        sx, sy = 400 - 1000, 400 + 200 * row - 1500  # straight centre, from the page's centre
        dx, dy = (sx * cos + sy * sin, -sx * sin + sy * cos) if turned else (sx, sy - sx * sin)
        x, y = dx + 1000, dy + 1500
        words.append(Word("word", (1, 1, row), Box(x - 100, y - 15, x + 100, y + 15), 90))
    return words


@pytest.mark.parametrize("skew", [0.5, -0.8])
def test_a_turned_page_gets_its_left_edge_back_a_sheared_one_keeps_it(skew: float) -> None:
    turned = straightened(margin_words(skew, turned=True), skew, 2000, 3000)
    sheared = straightened(margin_words(skew, turned=False), skew, 2000, 3000)

    assert max(w.box.x0 for w in turned) - min(w.box.x0 for w in turned) < 1.0
    assert {w.box.x0 for w in sheared} == {300.0}
    assert max(w.box.top for w in sheared) - min(w.box.top for w in sheared) > 2000
