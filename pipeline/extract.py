"""PDF text layer → pages of lines with geometry; the per-page "is this layer usable?" verdict.

pdfplumber (on pdfminer.six) reads the characters; we group its words into visual lines
ourselves so that two pieces of text on one row but far apart (a running header at the left, a
page number at the right) stay two lines, which the furniture stage can then recognise.
A page whose layer reads as garbage gets method "none" and a short reason; the OCR stage may
re-read it later.
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from pdfplumber.page import Page as PdfPage
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import extract_words

from pipeline.chars import page_chars
from pipeline.config import Config
from pipeline.errors import (
    DamagedDocumentError,
    DocumentError,
    PipelineError,
)
from pipeline.failures import explain, ran_out_of_memory
from pipeline.layout import Gutter, find_gutters
from pipeline.lexicon import WORD, detect_language, known_share
from pipeline.models import Box, Extraction, Line, Origin, Page
from pipeline.pageprogress import page_done
from pipeline.pagerender import PageDrawer
from pipeline.parallel import bounded_map, page_threads
from pipeline.pdfopen import NO_PAGES, PDF_PARSE_ERRORS, close_pdf, open_pages, page_drawer

if TYPE_CHECKING:
    # Pillow loads with the first page that needs an image: a text layer needs none.
    from PIL import Image

PageReader = Callable[["Image.Image", int], Callable[[], Page]]
"""Reads one rendered page image (and its page number) by OCR, in any thread; what it returns
gives the page when called in page order (``ocr_document``: a page's reading may depend on the
pages before it)."""

USABLE_LAYER = "usable text layer"
FORCED_OCR = "OCR requested for every page (--ocr always)"

MEDIA_TYPE = "application/pdf"

# --- line building -------------------------------------------------------------------------

WORD_X_TOLERANCE = 3.0
"""Points: pdfplumber's default; a wider gap between two characters starts a new word."""
WORD_GAP_EM_WITHOUT_SPACES = 0.12
"""In a layer without space characters, a gap wider than this share of the font size starts a
new word. Letters of a word sit within kerning (a few hundredths of an em) of each other; a word
space is a fifth to a third of an em, less than the fixed 3 points at large sizes."""
ROW_Y_TOLERANCE = 3.0
"""Points: words whose tops differ by at most this sit on one row (pdfplumber's default)."""
ROW_SPLIT_GAP_EM = 3.0
"""A horizontal gap wider than this many font sizes splits a row into separate lines. Word
gaps of justified text stay well under it; header-and-page-number rows are far over it."""
UNEVEN_GAP_RATIO = 2.0
"""...and more than this many times the median of the row's other gaps (see _is_column_gap)."""
BOLD_FONT_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
"""Font-name parts that mark a heavy weight ("ABCDEF+DejaVuSerif-Bold", "Arial,Black")."""
BOLD_MAJORITY = 0.5
"""A line is bold when more than this share of its characters are set in a heavy font."""

# --- the per-page verdict ------------------------------------------------------------------

CID_CODE = re.compile(r"\(cid:\d+\)")
MAX_CID_SHARE = 0.10
"""Glyphs without a Unicode mapping ("(cid:NN)") tolerated as a share of the page's characters;
a few stray symbols (bullets, dingbats) are normal, a tenth means the font has no map."""
REPLACEMENT_CHAR = "\ufffd"
MAX_REPLACEMENT_SHARE = 0.02
"""Share of U+FFFD characters tolerated: each one is a character the layer could not decode."""
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
MAX_PRIVATE_USE_SHARE = 0.05
"""Share of private-use code points tolerated (symbol fonts put a few bullets there)."""
COMMON_WORD_ZIPF = 3.0
"""A word counts as known from this Zipf frequency on (once per million words). Lower bars let
garbage through: wordfreq knows many short junk tokens at Zipf 1-2 ("Knn", "nnaTe")."""
MIN_KNOWN_SHARE = 0.25
"""Below this share of common words the layer is garbage (a wrong-script OCR layer, a shifted
encoding). Measured: real pages 0.39-1.0 (a table page lowest), garbage pages 0.00-0.12."""
MIN_WORDS_FOR_LEXICON = 15
"""Pages with fewer words (3+ letters) than this get no lexicon verdict: too little evidence."""

PDFMINER_LOGGERS = ("pdfminer", "pdfplumber")


def _quiet_pdfminer() -> None:
    """pdfminer logs every recoverable oddity at WARNING; only real errors may reach stderr."""
    for name in PDFMINER_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


_quiet_pdfminer()


# --- the verdict -----------------------------------------------------------------------------


def text_layer_problem(text: str) -> str | None:
    """None when a page's text layer is usable, else a short reason why it is not.

    Judged on the NFKC form, as a reader sees it: English set in full-width letters
    ("Ｍｒ．") is English, though the text itself keeps its forms.
    """
    text = unicodedata.normalize("NFKC", text)
    cid_codes = len(CID_CODE.findall(text))
    visible = re.sub(r"\s", "", CID_CODE.sub("", text))
    glyphs = len(visible) + cid_codes
    if glyphs == 0:
        return "no text layer"
    cid_share = cid_codes / glyphs
    if cid_share > MAX_CID_SHARE:
        return f"(cid:NN) codes: {cid_share:.0%} of characters"
    if visible.count(REPLACEMENT_CHAR) / glyphs > MAX_REPLACEMENT_SHARE:
        return "replacement characters U+FFFD"
    if len(PRIVATE_USE.findall(visible)) / glyphs > MAX_PRIVATE_USE_SHARE:
        return "private-use characters"
    # The "cid" inside each code is itself an English word: take the codes out first.
    words_text = _join_soft_hyphenated(CID_CODE.sub(" ", text))
    if sum(len(w) >= 3 for w in WORD.findall(words_text)) >= MIN_WORDS_FOR_LEXICON:
        # Known in the page's own language: a Polish layer is readable, not garbage.
        share = known_share(words_text, COMMON_WORD_ZIPF, detect_language(words_text))
        if share < MIN_KNOWN_SHARE:
            return f"few known words ({share:.0%})"
    return None


def _join_soft_hyphenated(text: str) -> str:
    """Join words split by a soft hyphen at a line end, so the lexicon sees whole words."""
    return text.replace("\u00ad\n", "").replace("\u00ad", "")


# --- opening ---------------------------------------------------------------------------------


def extract_pdf(data: bytes, config: Config, read_image: PageReader | None = None) -> Extraction:
    """Read every page's text layer into lines, or by OCR (``read_image``) where the layer is
    missing or garbage; raise a ``DocumentError`` for unreadable PDFs."""
    pdf, pdf_pages = open_pages(data, config)
    try:
        page_count = len(pdf_pages)
        if config.max_pages is not None and page_count > config.max_pages:
            raise DocumentError(
                f"PDF has {page_count} pages, more than the limit of {config.max_pages}"
            )
        with page_drawer(pdf) as drawer:
            pages, warnings = _read_pages(pdf_pages, config, read_image, drawer)
    finally:
        close_pdf(pdf)
    if not pages:
        raise DamagedDocumentError(NO_PAGES)
    return Extraction(pages=tuple(pages), media_type=MEDIA_TYPE, warnings=tuple(warnings))


def render_pdf_pages(data: bytes, dpi: int, password: str | None = None) -> list[Image.Image]:
    """Every page drawn as an RGB image at ``dpi`` (for the review page); a page pdfium cannot
    draw is a blank page of its size."""
    from PIL import Image

    pdf, pdf_pages = open_pages(data, Config(password=password))
    try:
        images = []
        with page_drawer(pdf) as drawer:
            for pdf_page in pdf_pages:
                image, _problem = drawer.draw_or_explain(pdf_page.page_number - 1, dpi)
                if image is None:
                    size = (round(pdf_page.width * dpi / 72), round(pdf_page.height * dpi / 72))
                    image = Image.new("RGB", size, "white")
                images.append(image.convert("RGB"))
        return images
    finally:
        close_pdf(pdf)


# --- one page --------------------------------------------------------------------------------


def _read_pages(
    pdf_pages: Sequence[PdfPage],
    config: Config,
    read_image: PageReader | None,
    drawer: PageDrawer,
) -> tuple[list[Page], list[str]]:
    """Every page in order; pages that need OCR are rendered here and read in worker threads."""

    def parsed() -> Iterator[tuple[Page, str | None, Image.Image | None]]:
        for number, pdf_page in enumerate(pdf_pages, start=1):
            if config.pages is None or number in config.pages:
                yield _read_page(pdf_page, number, config, drawer if read_image else None)

    def finish(
        item: tuple[Page, str | None, Image.Image | None],
    ) -> tuple[Page, str | None, Callable[[], Page] | None]:
        page, warning, image = item
        if image is None or read_image is None:
            return page, warning, None
        try:
            return page, None, read_image(image, page.number)
        except PipelineError:
            raise  # a missing Tesseract or language pack stops the run, not just this page
        except Exception as exc:  # Tesseract failed on this page: the others still count
            return (*_ocr_failure(page, exc), None)

    pages: list[Page] = []
    warnings: list[str] = []
    total = (
        len(pdf_pages)
        if config.pages is None
        else len(set(config.pages) & set(range(1, len(pdf_pages) + 1)))
    )
    for future in bounded_map(finish, parsed(), page_threads(config.page_workers)):
        page, warning, settle = future.result()
        if settle is not None:
            page, warning = _ocr_outcome(settle, page)
        pages.append(page)
        page_done(len(pages), total)
        if warning:
            warnings.append(warning)
    return pages, warnings


def _ocr_outcome(read: Callable[[], Page], fallback: Page) -> tuple[Page, str | None]:
    """The OCR'd page with the reason OCR was chosen; on failure the page stays unread."""
    try:
        page = read()
    except PipelineError:
        raise  # a missing Tesseract or language pack stops the run, not just this page
    except Exception as exc:  # Tesseract failed on this page: the others still count
        return _ocr_failure(fallback, exc)
    return replace(page, number=fallback.number, reason=fallback.reason), None


def _ocr_failure(fallback: Page, exc: Exception) -> tuple[Page, str]:
    """The page left unread, and the warning that says why."""
    reason = f"OCR failed: {explain(exc)}"
    return replace(fallback, reason=reason), f"page {fallback.number}: {reason}"


def _read_page(
    pdf_page: PdfPage, number: int, config: Config, drawer: PageDrawer | None
) -> tuple[Page, str | None, Image.Image | None]:
    """One page's lines and verdict, a warning when text was set aside or unreadable, and the
    rendered image when the page is to be read by OCR instead (``drawer`` draws it; None when
    there is no OCR)."""
    width, height = float(pdf_page.width), float(pdf_page.height)
    try:
        lines, problem, damage = _text_layer(pdf_page, number)
        if config.ocr == "always":
            problem = FORCED_OCR
        image = None
        renderable = damage is None or not ran_out_of_memory(damage)
        if drawer is not None and problem is not None and config.ocr != "never" and renderable:
            image, render_problem = drawer.draw_or_explain(pdf_page.page_number - 1, config.ocr_dpi)
            if render_problem:
                problem = f"{problem}; {render_problem}"
    finally:
        # pdfplumber caches the parsed layout per page; without this a long PDF keeps them all.
        pdf_page.close()
    if image is not None:
        assert problem is not None
        return Page(number, (), "none", width, height, problem), None, image
    if problem is None:
        return Page(number, tuple(lines), "text", width, height, USABLE_LAYER), None, None
    warning = f"page {number}: {problem}" if damage is not None else None
    if lines:
        set_aside = sum(len(line.text) for line in lines)
        warning = (
            f"page {number}: text layer not used ({problem}); "
            f"{set_aside} characters in {len(lines)} lines left for OCR to re-read"
        )
    return Page(number, (), "none", width, height, problem), warning, None


def _text_layer(
    pdf_page: PdfPage, number: int
) -> tuple[list[Line], str | None, BaseException | None]:
    """The page's lines, why they are not usable (None when they are), and what pdfminer
    raised when it could not parse the page at all. A page it cannot parse (a content stream
    or a form it trips on) has no text layer for us but is still a page: pdfium draws it and
    OCR reads it, unless what failed was memory (a decompression bomb pdfium would meet too)."""
    try:
        lines = _page_lines(pdf_page, number)
    except PDF_PARSE_ERRORS as exc:
        return [], f"damaged page: {explain(exc)}", exc
    return lines, text_layer_problem("\n".join(line.text for line in lines)), None


def _page_lines(pdf_page: PdfPage, number: int) -> list[Line]:
    """The page's visual lines, top to bottom and left to right within a row."""
    chars = page_chars(pdf_page)
    words = extract_words(
        chars,
        x_tolerance=WORD_X_TOLERANCE,
        x_tolerance_ratio=None if _has_spaces(chars) else WORD_GAP_EM_WITHOUT_SPACES,
        y_tolerance=ROW_Y_TOLERANCE,
        return_chars=True,
    )
    gutters = find_gutters([_word_box(word) for word in words])
    lines: list[Line] = []
    for row in cluster_objects(words, itemgetter("top"), ROW_Y_TOLERANCE):
        for segment in _split_row(sorted(row, key=itemgetter("x0")), gutters):
            lines.append(_make_line(segment, number))
    return lines


def _has_spaces(chars: Sequence[dict[str, Any]]) -> bool:
    """True when the layer draws its word spaces as characters (most do); without them, word
    gaps must be read from the characters' positions."""
    return any(char["text"].isspace() for char in chars)


def _word_box(word: dict[str, Any]) -> Box:
    return Box(float(word["x0"]), float(word["top"]), float(word["x1"]), float(word["bottom"]))


def _split_row(
    words: Sequence[dict[str, Any]], gutters: Sequence[Gutter] = ()
) -> Iterator[list[dict[str, Any]]]:
    """Split a row (sorted left to right) at gaps far wider than its other word gaps, and at
    the page's column gutters (``layout.find_gutters``)."""
    gaps = [right["x0"] - left["x1"] for left, right in itertools.pairwise(words)]
    segment: list[dict[str, Any]] = []
    for index, word in enumerate(words):
        if segment and (
            _is_column_gap(gaps, index - 1, _word_size(word))
            or _crosses_gutter(segment[-1], word, gutters)
        ):
            yield segment
            segment = []
        segment.append(word)
    if segment:
        yield segment


def _crosses_gutter(left: dict[str, Any], right: dict[str, Any], gutters: Sequence[Gutter]) -> bool:
    return any(left["x1"] <= gutter.x0 and right["x0"] >= gutter.x1 for gutter in gutters)


def _is_column_gap(gaps: Sequence[float], index: int, size: float) -> bool:
    """A gap that separates two pieces of text rather than two words of one line.

    Justification stretches every gap of a line alike, so a wide gap only splits the row when
    it is also much wider than the row's other gaps.
    """
    gap = gaps[index]
    others = [g for i, g in enumerate(gaps) if i != index]
    typical = statistics.median(others) if others else 0.0
    return gap > ROW_SPLIT_GAP_EM * size and gap > UNEVEN_GAP_RATIO * typical


def _word_size(word: dict[str, Any]) -> float:
    return float(statistics.median(char["size"] for char in word["chars"]))


def _make_line(words: Sequence[dict[str, Any]], number: int) -> Line:
    chars = [char for word in words for char in word["chars"]]
    inked = [char for char in chars if not char["text"].isspace()] or chars
    heavy = sum(bool(BOLD_FONT_NAME.search(char.get("fontname") or "")) for char in inked)
    box = Box(
        x0=min(float(w["x0"]) for w in words),
        top=min(float(w["top"]) for w in words),
        x1=max(float(w["x1"]) for w in words),
        bottom=max(float(w["bottom"]) for w in words),
    )
    return Line(
        text=" ".join(word["text"] for word in words),
        page=number,
        origin=Origin.TEXT_LAYER,
        box=box,
        size=round(float(statistics.median(char["size"] for char in inked)), 2),
        bold=heavy / len(inked) > BOLD_MAJORITY,
    )
