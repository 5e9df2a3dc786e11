"""One document through every stage → ``Document``; problems become a status, never a crash.

The order of the stages matters:
1. extract: text layer, OCR or plain text → pages of lines with their layout;
2. repair encoding first, because mojibake variants of one running header would not match
   each other and the furniture stage finds headers by repetition;
3. furniture before reflow, because a page number left in place would be glued into the
   paragraph that runs over the page break;
4. reflow, which may now join a sentence across the page break since the footer and header
   between its halves are gone;
5. sections, which read the paragraphs and the layout the reflow kept.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipeline.config import Config, OcrMode
from pipeline.errors import (
    DocumentError,
    EmptyInputError,
    NeedsOcrError,
    NoTextFoundError,
    PipelineError,
    UnreadableInputError,
    UnsupportedInputError,
)
from pipeline.extract import PageReader, extract_pdf
from pipeline.furniture import find_furniture
from pipeline.inputs import sniff_media_type
from pipeline.layout import order_page
from pipeline.lexicon import detect_language
from pipeline.metadata import read_metadata
from pipeline.models import (
    Document,
    ErrorInfo,
    Extraction,
    Furniture,
    Page,
    PageInfo,
    RepairRecord,
    SourceInfo,
    Status,
)
from pipeline.pageprogress import page_done
from pipeline.parallel import bounded_map, page_threads, pages_at_once
from pipeline.provenance import (
    furniture_changes,
    locate_furniture,
    locate_regions,
    place_changes,
)
from pipeline.quality import all_pages_read_badly, quality_warnings, split_noise, with_quality
from pipeline.reflow import build_paragraphs
from pipeline.repair import repair_pages
from pipeline.sections import assign_sections
from pipeline.text import extract_text_file

if TYPE_CHECKING:
    from PIL import Image

    from pipeline.ocr import OcrEngine
    from pipeline.ocr_document import DocumentReader

# The OCR and image stages (pytesseract, numpy) are imported by the functions that use them:
# a run over text layers and text files never loads them.

log = logging.getLogger(__name__)

T = TypeVar("T")

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff"})


class StageFailureError(Exception):
    """An unexpected exception inside a stage, tagged with that stage's name."""

    def __init__(self, stage: str, cause: BaseException) -> None:
        super().__init__(f"{stage}: {cause!r}")
        self.stage = stage
        self.cause = cause


def run_stage(stage: str, step: Callable[[], T]) -> T:
    """Run one stage; a bug inside it is reported with the stage's name instead of escaping."""
    try:
        return step()
    except PipelineError:
        raise  # document errors become a failed result; run-level ones stop the run
    except Exception as exc:  # a bug or a library failure: this document fails, the run goes on
        log.debug("stage %s failed", stage, exc_info=True)
        raise StageFailureError(stage, exc) from exc


DEFAULT_IMAGE_DPI = 300.0
"""Resolution assumed for a page image that does not state its own (the usual scan)."""


@lru_cache(maxsize=8)
def ocr_engine(lang: str) -> OcrEngine:
    """One engine per language set; checked once, so a missing pack is reported at first use."""
    from pipeline.ocr import TesseractEngine, check_available

    check_available(lang)
    return TesseractEngine(lang=lang)


def page_reader(config: Config) -> PageReader | None:
    """How this run reads a page image, or None when OCR is off."""
    if config.ocr == OcrMode.NEVER:
        return None

    # One reader per document: its pages share what their script is. Made at the first page
    # read, so a document without one never loads the OCR stage.
    readers: list[DocumentReader] = []
    made = threading.Lock()

    def read(image: Image.Image, number: int) -> Callable[[], Page]:
        with made:
            if not readers:
                readers.append(document_reader(config))
        return readers[0].read(image, number, config.ocr_dpi)

    return read


def document_reader(config: Config) -> DocumentReader:
    """A reader of one document's page images, with the allowed languages that fit each page's
    script (``ocr_languages``), its pages in parallel as far as the cores allow."""
    from pipeline.ocr_document import DocumentReader

    engine = ocr_engine(config.ocr_lang)
    return DocumentReader(engine, config.ocr_lang, pages_at_once(config.page_workers))


def extract_images(data: bytes, media_type: str, config: Config) -> Extraction:
    """Page images (PNG, JPEG, every frame of a TIFF) read by OCR, in parallel over pages."""
    from pipeline.images import image_dpi, load_page_images

    if config.ocr == OcrMode.NEVER:
        raise NeedsOcrError(f"{media_type} page image: needs OCR, but --ocr is never")

    reader = document_reader(config)

    def read_frame(item: tuple[int, Image.Image]) -> tuple[int, Callable[[], Page]]:
        number, image = item
        return number, reader.read(image, number, image_dpi(image) or DEFAULT_IMAGE_DPI)

    frames = (
        (number, image)
        for number, image in enumerate(load_page_images(data, media_type), start=1)
        if config.pages is None or number in config.pages
    )
    pages: list[Page] = []
    for future in bounded_map(read_frame, frames, page_threads(config.page_workers)):
        number, settle = future.result()
        pages.append(replace(settle(), number=number, reason="page image"))
        page_done(len(pages), len(config.pages) if config.pages else None)
    return Extraction(pages=tuple(pages), media_type=media_type)


def extract(data: bytes, media_type: str, config: Config) -> Extraction:
    """The pages of any input, their lines in reading order (columns one after the other)."""
    extraction = extract_pages(data, media_type, config)
    return replace(extraction, pages=tuple(order_page(page) for page in extraction.pages))


def extract_pages(data: bytes, media_type: str, config: Config) -> Extraction:
    """Dispatch on the sniffed content type, not on the file name."""
    if not data:
        raise EmptyInputError("empty file")
    if media_type == "application/pdf":
        return extract_pdf(data, config, page_reader(config))
    if media_type == "text/plain":
        return selected_pages(extract_text_file(data), config)
    if media_type in IMAGE_TYPES:
        return extract_images(data, media_type, config)
    raise UnsupportedInputError(
        f"unsupported content ({media_type}): not a PDF, image or text file"
    )


def selected_pages(extraction: Extraction, config: Config) -> Extraction:
    """Only the pages ``--pages`` asks for (a text file's pages are split by form feeds)."""
    if config.pages is None:
        return extraction
    kept = tuple(page for page in extraction.pages if page.number in config.pages)
    return replace(extraction, pages=kept)


def check_has_text(extraction: Extraction, config: Config) -> None:
    """A document error when no page gave text: ``NeedsOcrError`` only if OCR was off."""
    if any(page.lines for page in extraction.pages):
        return
    reasons = sorted({page.reason for page in extraction.pages if page.reason})
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    if extraction.media_type != "application/pdf":
        raise EmptyInputError(f"no text in the file{detail}")
    if config.ocr == OcrMode.NEVER:
        raise NeedsOcrError(f"no page has usable text{detail}; OCR is off (--ocr never)")
    raise NoTextFoundError(f"no page has usable text, from its text layer or OCR{detail}")


def document_status(pages: tuple[Page, ...]) -> tuple[Status, tuple[str, ...]]:
    """``partial`` when some pages gave no usable text while others did."""
    unusable = [page for page in pages if not page.lines and page.method == "none"]
    if not unusable:
        return Status.OK, ()
    warnings = tuple(f"page {page.number}: {page.reason or 'no usable text'}" for page in unusable)
    return Status.PARTIAL, warnings


def build_document(extraction: Extraction, source: SourceInfo, config: Config) -> Document:
    """Every stage after extraction: one code path for text layers, OCR and plain text."""
    check_has_text(extraction, config)
    repaired, repairs = run_stage("repair", lambda: repair_pages(extraction.pages, config))
    # Scanner noise leaves before furniture and reflow could take it for a footer or a paragraph.
    pages, noise = split_noise(repaired, detect_language(page_texts(repaired)))
    found = run_stage("furniture", lambda: find_furniture(pages, config))
    body_lines = [line for page in found.pages for line in page.lines]
    paragraphs, reflow_repairs = run_stage("reflow", lambda: build_paragraphs(body_lines, config))
    sections = run_stage("sections", lambda: assign_sections(paragraphs))
    metadata = run_stage("metadata", lambda: read_metadata(sections, found.furniture))
    language = detect_language(" ".join(p.text for p in paragraphs))
    sections = replace(sections, body=tuple(with_quality(p, language) for p in sections.body))
    status, page_warnings = document_status(extraction.pages)
    if all_pages_read_badly(extraction.pages, config):
        status = Status.PARTIAL
        page_warnings += (
            f"every page read with OCR confidence below {config.min_ocr_confidence:.0f}: "
            "the text may be misread throughout",
        )
    return Document(
        source=source,
        status=status,
        language=language,
        sections=sections,
        furniture=locate_furniture(pages, found.furniture),
        noise=noise,
        pages=tuple(page_info(p) for p in pages),
        repairs=place_changes(
            merge_repairs(repairs, reflow_repairs, furniture=found.furniture),
            sections.body,
        ),
        warnings=extraction.warnings
        + tuple(warning for page in extraction.pages for warning in page.warnings)
        + page_warnings
        + quality_warnings(pages, sections.body, config),
        metadata=metadata,
        regions=locate_regions(paragraphs, sections),
    )


def page_info(page: Page) -> PageInfo:
    return PageInfo(
        page.number, page.method, page.chars, page.reason, page.confidence, page.width, page.height
    )


def page_texts(pages: tuple[Page, ...]) -> str:
    return "\n".join(line.text for page in pages for line in page.lines)


def merge_repairs(
    *groups: tuple[RepairRecord, ...], furniture: tuple[Furniture, ...]
) -> tuple[RepairRecord, ...]:
    records = [record for group in groups for record in group]
    if furniture:
        changes = furniture_changes(furniture)
        records.append(RepairRecord("furniture_removed", len(furniture), changes))
    return tuple(records)


def source_info(data: bytes, path: str, media_type: str) -> SourceInfo:
    return SourceInfo(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        media_type=media_type,
        pages=0,
    )


INTERNAL_ERROR = "InternalError"


def internal_error(stage: str) -> ErrorInfo:
    """A bug of ours met on this document: a fixed text (the details go to the debug log)."""
    message = (
        f"an unexpected problem in the {stage} stage (a bug in pipeline: please report it, "
        "with this file if you can)"
    )
    return ErrorInfo(INTERNAL_ERROR, message, stage)


def failed_document(source: SourceInfo, error: ErrorInfo) -> Document:
    return Document(source=source, status=Status.FAILED, error=error)


def process_bytes(data: bytes, name: str, config: Config) -> Document:
    """Process one input given as bytes; ``name`` is reported as its path."""
    media_type = sniff_media_type(data, name)
    source = source_info(data, name, media_type)
    try:
        extraction = run_stage("extract", lambda: extract(data, media_type, config))
        source = SourceInfo(
            path=name,
            sha256=source.sha256,
            bytes=source.bytes,
            media_type=extraction.media_type,
            pages=len(extraction.pages),
            encoding=extraction.encoding,
        )
        return build_document(extraction, source, config)
    except DocumentError as exc:
        return failed_document(source, ErrorInfo(type(exc).__name__, str(exc), exc.stage))
    except StageFailureError as failure:
        return failed_document(source, internal_error(failure.stage))


def process_path(path: Path, config: Config, *, display_path: str | None = None) -> Document:
    """Process one file; an unreadable file is a failed document, not an exception."""
    shown = display_path if display_path is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = UnreadableInputError(f"cannot read file: {exc.strerror or exc}")
        source = SourceInfo(path=shown, sha256="", bytes=0, media_type="unknown", pages=0)
        return failed_document(source, ErrorInfo(type(error).__name__, str(error), error.stage))
    return process_bytes(data, shown, config)


def process_text(text: str, config: Config, *, name: str = "<text>") -> Document:
    """Process text already in memory (UTF-8 is how it is reported)."""
    return process_bytes(text.encode("utf-8"), name, config)
