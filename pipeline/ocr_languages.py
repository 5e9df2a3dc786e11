"""Which of the allowed OCR languages read a page: the page's own script decides.

``--lang`` is the set of languages a run may use. Reading an English page with Russian
allowed puts Cyrillic letters into English words ("поп-permanent", "Title УП"), so each page
is first given to Tesseract's script detection (OSD, a tenth of a reading's time): a Latin page
is read with the Latin languages only, any other with the whole set (a Russian statement
quotes Latin names and codes, which a Cyrillic-only reading would garble). When OSD cannot
tell, the page is read with the whole set and, if that reading is Latin with Cyrillic words in
it, read again with the Latin languages (the lexicon referees). A Cyrillic reading with Latin
words no lexicon knows (the English model misreading old typewritten Cyrillic) is read again
with the Cyrillic languages, kept only when it reads more words. A Cyrillic page in Ukrainian
(its own letters і ї є ґ, or words only the Ukrainian lexicon knows) is read with ``ukr``
when that pack is installed, else it carries a warning naming the pack.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from PIL import Image

from pipeline.lexicon import (
    LANGUAGES_BY_SCRIPT,
    WORD,
    detect_language,
    known_share,
    script_of,
    zipf,
)
from pipeline.models import Page
from pipeline.ocr import OcrEngine, Script, apt_package, installed_languages, parse_languages

log = logging.getLogger(__name__)

CYRILLIC_SCRIPT_LANGUAGES = frozenset(
    {"rus", "ukr", "bel", "bul", "srp", "mkd", "kaz", "kir", "tgk", "mon", "uzb_cyrl"}
)
"""Tesseract packs whose text is Cyrillic; the others this tool meets are Latin."""
CYRILLIC_LEXICONS = LANGUAGES_BY_SCRIPT["cyrillic"]
"""Lexicon languages written in Cyrillic; the first is the usual one."""
UKRAINIAN = "ukr"
UKRAINIAN_LETTERS = frozenset("ієїґІЄЇҐ")
"""Letters Ukrainian has and Russian has not."""
LATIN_SCRIPT = "Latin"
"""OSD's name for the Latin script."""
MIN_SCRIPT_CONFIDENCE = 0.0
"""OSD's script confidence needed to read a page with its script's languages only. Measured on
dev and real scans (half resolution, 20 characters): Latin pages 0.1-14, Cyrillic 7.9-53, and
no page taken for the wrong script, so any "Latin" is believed. A wrong "Latin" costs time,
never text: a Latin reading the lexicon cannot read is read again with every allowed language."""
MAX_UNREAD_LINE_SHARE = 0.15
"""A Latin-only reading in which more than this share of the lines (of MIN_JUDGED_LINE_WORDS
words or more) has no known word may be of a page with text in another script (a bilingual
page): it is read again with every allowed language and the better reading kept."""
MIN_JUDGED_LINE_WORDS = 3
"""Lines with fewer words of three letters or more are not judged (names, numbers, codes)."""
MIN_WORDS_FOR_SCRIPT_CHECK = 20
"""A page with fewer words gives no reliable share of misread words."""
MIN_MISREAD_WORDS = 2
"""On a page read mostly in Latin letters, this many Cyrillic words mean whole words were
misread (with rus+eng, typewritten English comes out as "ассогаапое"); one may be a quotation."""
LATIN_PAGE_SHARE = 0.8
"""A page whose words are at least this share Latin is a Latin-script page."""
REREAD_TOLERANCE = 0.02
"""Share of known words a narrower re-read may lose and still replace the first reading."""
MIN_GARBLED_LATIN_WORDS = 2
"""On a page read mostly in Cyrillic letters, this many Latin words that the lexicon does not
know mean the Latin model misread Cyrillic print ("Б.Ельцин" as "B.EbUHH", "печатном" as
"HeyaTHOM" on old typewritten pages); one may be a name the lexicon lacks, and names and codes
quoted in Latin letters are mostly known words or carry digits."""
MIN_LATIN_READING_SHARE = 0.3
"""A Latin-only reading whose known words fall below this share may be of a page OSD took
for Latin wrongly: it is read again with the whole set and the better reading kept."""


def latin_languages(languages: Sequence[str]) -> list[str]:
    """The Latin-script languages of a list."""
    return [code for code in languages if code not in CYRILLIC_SCRIPT_LANGUAGES]


def latin_only_languages(page: Page, lang: str) -> str | None:
    """The Latin-script languages of ``lang`` when ``page`` reads as Latin text with Cyrillic
    words mixed in, so that a re-read with those languages alone may fix them; else None.

    Only this direction: an English statement almost never holds Cyrillic, while a Russian
    one quotes Latin codes and names ("PC.DEL/1187/23", "OSCE") that a Cyrillic-only re-read
    would garble.
    """
    words = [word for line in page.lines for word in WORD.findall(line.text) if len(word) > 1]
    if len(words) < MIN_WORDS_FOR_SCRIPT_CHECK:
        return None
    scripts = [script_of(word) for word in words]
    latin, foreign = scripts.count("latin"), len(words) - scripts.count("latin")
    if latin < LATIN_PAGE_SHARE * len(words) or foreign < MIN_MISREAD_WORDS:
        return None
    languages = parse_languages(lang)
    narrower = latin_languages(languages)
    if not narrower or len(narrower) == len(languages):
        return None
    return "+".join(narrower)


def cyrillic_only_languages(page: Page, lang: str) -> str | None:
    """The Cyrillic-script languages of ``lang`` when ``page`` reads as Cyrillic text with
    garbled Latin words in it (``MIN_GARBLED_LATIN_WORDS``), so that a re-read with those
    languages alone may read them; else None. The re-read is kept only when it holds a larger
    share of Cyrillic words the lexicon knows (``cyrillic_known_share``); a Latin name it
    garbles is then lost, the price of a page the English model misreads."""
    words = [word for line in page.lines for word in WORD.findall(line.text) if len(word) > 1]
    if len(words) < MIN_WORDS_FOR_SCRIPT_CHECK:
        return None
    scripts = [script_of(word) for word in words]
    if scripts.count("cyrillic") < LATIN_PAGE_SHARE * len(words):
        return None
    garbled = sum(
        1
        for word, script in zip(words, scripts, strict=True)
        if script != "cyrillic" and len(word) >= 3 and known_share(word) == 0.0
    )
    if garbled < MIN_GARBLED_LATIN_WORDS:
        return None
    languages = parse_languages(lang)
    narrower = [code for code in languages if code in CYRILLIC_SCRIPT_LANGUAGES]
    if not narrower or len(narrower) == len(languages):
        return None
    return "+".join(narrower)


def cyrillic_known_share(page: Page) -> float:
    """Share of the page's words (3+ letters) that are Cyrillic words its language knows.

    The referee of a Cyrillic-only re-read: the English model's misreads of Cyrillic print
    are often English words ("THA", "became" in a Russian resolution), which the lenient
    ``known_share`` counts as read."""
    text = page_text(page)
    language = detect_language(text)
    language = language if language in CYRILLIC_LEXICONS else CYRILLIC_LEXICONS[0]
    words = [word for word in WORD.findall(text) if len(word) >= 3]
    if not words:
        return 0.0
    known = sum(script_of(w) == "cyrillic" and zipf(w, language) >= 1.0 for w in words)
    return known / len(words)


def page_text(page: Page) -> str:
    return "\n".join(line.text for line in page.lines)


def page_known_share(page: Page) -> float:
    return known_share(page_text(page))


def unread_line_share(page: Page) -> float:
    """Share of the page's judged lines in which the lexicon knows no word."""
    judged = [
        line.text
        for line in page.lines
        if sum(len(word) >= 3 for word in WORD.findall(line.text)) >= MIN_JUDGED_LINE_WORDS
    ]
    if not judged:
        return 0.0
    return sum(known_share(text) == 0.0 for text in judged) / len(judged)


def is_ukrainian(page: Page) -> bool:
    """A Cyrillic reading in Ukrainian: its own letters, or words the Ukrainian lexicon knows
    better than the Russian one (a Russian model drops і and ї: "Украни", "минстерство")."""
    text = page_text(page)
    return any(char in UKRAINIAN_LETTERS for char in text) or detect_language(text) == "uk"


def is_latin(script: Script | None) -> bool:
    """OSD takes the page for Latin letters (with at least MIN_SCRIPT_CONFIDENCE)."""
    return (
        script is not None
        and script.name == LATIN_SCRIPT
        and script.confidence >= MIN_SCRIPT_CONFIDENCE
    )


def ukrainian_pack_warning(number: int) -> str:
    return (
        f"page {number}: Ukrainian text read without the Ukrainian language pack; "
        f"apt-get install {apt_package(UKRAINIAN)} would read it better"
    )


class ScriptMemory:
    """The script an earlier page of the same document read in: later pages skip detection.

    Script detection costs a fifth of a reading; a document rarely changes script, and a page
    that does is caught by the reading itself (a Latin reading the lexicon cannot read is read
    again with every language). Pages read in parallel share it through ``ocr_document``, which
    keeps what reading them in order gives.
    """

    def __init__(self) -> None:
        self.latin: bool | None = None

    def remember(self, page: Page) -> None:
        words = [word for line in page.lines for word in WORD.findall(line.text) if len(word) > 1]
        if len(words) >= MIN_WORDS_FOR_SCRIPT_CHECK:
            latin = sum(script_of(word) == "latin" for word in words)
            self.latin = latin >= LATIN_PAGE_SHARE * len(words)


def read_by_script(
    engine: OcrEngine,
    image: Image.Image,
    number: int,
    dpi: float,
    lang: str,
    memory: ScriptMemory | None = None,
) -> Page:
    """OCR one page image with the allowed languages that fit its script (module docstring)."""
    memory = memory or ScriptMemory()
    latin_page = script_decision(engine, image, number, dpi, lang, memory.latin)
    page = read_as(engine, image, number, dpi, lang, latin_page)
    memory.remember(page)
    return page


def script_decision(
    engine: OcrEngine,
    image: Image.Image,
    number: int,
    dpi: float,
    lang: str,
    known: bool | None,
) -> bool | None:
    """Whether the page is read with the Latin languages alone: as the earlier pages read
    (``known``), else as OSD sees it. None when the allowed languages have no Latin-only
    subset, so that the page's script does not change how it is read."""
    latin = "+".join(latin_languages(parse_languages(lang)))
    if not latin or latin == lang:
        return None
    if known is not None:
        return known
    script = engine.detect_script(image, dpi=dpi)
    log.debug("page %d: OSD script %s", number, script)
    return is_latin(script)


def read_as(
    engine: OcrEngine,
    image: Image.Image,
    number: int,
    dpi: float,
    lang: str,
    latin_page: bool | None,
) -> Page:
    """OCR one page as ``script_decision`` decided: a Latin page with the Latin languages,
    any other with the whole set (each checked by its own reading, module docstring)."""
    allowed = parse_languages(lang)
    if latin_page:
        return _latin_page(engine, image, number, dpi, "+".join(latin_languages(allowed)), lang)
    page = engine.read(image, page_number=number, dpi=dpi, lang=lang)
    narrower = latin_only_languages(page, lang)
    if narrower is not None:
        return _better(page, engine.read(image, page_number=number, dpi=dpi, lang=narrower))
    cyrillic = cyrillic_only_languages(page, lang)
    if cyrillic is not None:
        reread = engine.read(image, page_number=number, dpi=dpi, lang=cyrillic)
        page = reread if cyrillic_known_share(reread) > cyrillic_known_share(page) else page
    if script_of(page_text(page)) in ("cyrillic", "mixed") and is_ukrainian(page):
        return _ukrainian_page(engine, image, page, dpi, allowed)
    return page


def _latin_page(
    engine: OcrEngine, image: Image.Image, number: int, dpi: float, latin: str, lang: str
) -> Page:
    """A page OSD calls Latin, read with the Latin languages; read again with the whole set
    only when that reading knows few words (OSD took a page of another script for Latin)."""
    page = engine.read(image, page_number=number, dpi=dpi, lang=latin)
    if not page.lines or (
        page_known_share(page) >= MIN_LATIN_READING_SHARE
        and unread_line_share(page) <= MAX_UNREAD_LINE_SHARE
    ):
        return page
    whole = engine.read(image, page_number=number, dpi=dpi, lang=lang)
    return page if page_known_share(page) >= page_known_share(whole) else whole


def _better(first: Page, narrower: Page) -> Page:
    # Every Cyrillic token of a Latin page is a misread, and the Latin-only reading's errors stay
    # in Latin letters, nearer the truth ("acoordance" for "ассогаапое"); the lexicon vetoes it
    # only when it reads clearly fewer words. Tesseract's confidence stays high on its misreads.
    if page_known_share(narrower) >= page_known_share(first) - REREAD_TOLERANCE:
        return narrower
    return first


def _ukrainian_page(
    engine: OcrEngine, image: Image.Image, page: Page, dpi: float, allowed: Sequence[str]
) -> Page:
    """A Ukrainian page read with ``ukr`` (and the Latin languages) when the pack is there."""
    if UKRAINIAN in allowed:
        return page
    if UKRAINIAN not in installed_languages():
        return replace(page, warnings=(*page.warnings, ukrainian_pack_warning(page.number)))
    lang = "+".join([UKRAINIAN, *latin_languages(allowed)])
    return engine.read(image, page_number=page.number, dpi=dpi, lang=lang)
