"""Opening a PDF for pdfplumber: the header, passwords, attachments-only encryption, the page
list, and what to do when pdfminer cannot follow the file's structure.

pdfminer reads a PDF through its cross-reference data; where that data is broken (a last
incremental update whose cross-reference stream lost its content), it finds no pages, while
pdfium and poppler rebuild the table by scanning the file and read every page. Such a file is
rewritten by pdfium (which writes a whole, consistent file of the objects it found) and read
again: the text is the file's own, only its bookkeeping is pdfium's.
"""

from __future__ import annotations

import io
import re
import struct
import zlib

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import int_value, resolve_all
from pdfminer.psparser import LIT, PSException, literal_name
from pdfplumber.page import Page as PdfPage
from pdfplumber.pdf import PDF
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.config import Config
from pipeline.errors import (
    DamagedDocumentError,
    DocumentError,
    EmptyInputError,
    EncryptedDocumentError,
    UnsupportedInputError,
)
from pipeline.failures import explain
from pipeline.pagerender import PageDrawer
from pipeline.pdffonts import FontReadingResourceManager

PDF_MAGIC = b"%PDF-"
MAGIC_SEARCH_WINDOW = 1024
"""Bytes searched for the ``%PDF-`` header: readers accept junk before it up to this offset."""

PDF_PARSE_ERRORS: tuple[type[BaseException], ...] = (
    PdfminerException,
    PSException,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
    struct.error,
    zlib.error,
)
"""What pdfminer raises on damaged files: its own exceptions, but also plain Python errors
from the middle of its parsers (a missing key, a bad stream, a reference cycle)."""

NO_PAGES = "damaged PDF: it has no pages"


def open_pages(data: bytes, config: Config) -> tuple[PDF, list[PdfPage]]:
    """The PDF opened and its pages; a ``DocumentError`` when it cannot be read.

    A file pdfminer cannot open or finds no page in, for a reason other than encryption, is
    rewritten by pdfium and read again when pdfium finds pages in it.
    """
    check_is_pdf(data)
    try:
        return _open_pages(data, config)
    except EncryptedDocumentError:
        raise
    except DocumentError as failure:
        rewritten = rewritten_by_pdfium(data, config.password)
        if rewritten is None:
            raise
        try:
            return _open_pages(rewritten, config)
        except DocumentError:
            raise failure from None


def _open_pages(data: bytes, config: Config) -> tuple[PDF, list[PdfPage]]:
    pdf = _open(data, config)
    try:
        pages = _pages(pdf)
    except PDF_PARSE_ERRORS as exc:
        close_pdf(pdf)
        raise DamagedDocumentError(f"damaged PDF: {explain(exc)}") from None
    if not pages:
        close_pdf(pdf)
        raise DamagedDocumentError(NO_PAGES)
    return pdf, pages


def rewritten_by_pdfium(data: bytes, password: str | None = None) -> bytes | None:
    """The file as pdfium writes it back after reading it (its cross-reference table rebuilt
    from the objects it finds, its encryption kept), or None when pdfium finds no page
    either."""
    import pypdfium2  # only for the rare file pdfminer cannot read: 0.03 s off every start

    try:
        document = pypdfium2.PdfDocument(data, password=password)
    except pypdfium2.PdfiumError:
        return None
    try:
        if len(document) == 0:
            return None
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    except (pypdfium2.PdfiumError, OSError, ValueError):
        return None
    finally:
        document.close()


DEFAULT_MEDIA_BOX = (0, 0, 612, 792)
"""Points: US Letter, the size pdf.js and poppler give a page whose /MediaBox is missing."""


def _pages(pdf: PDF) -> list[PdfPage]:
    """pdfplumber's pages (as ``pdf.pages`` builds them), but a page without a usable
    /MediaBox gets the size other readers give it instead of failing the document."""
    pages: list[PdfPage] = []
    pdf._pages = pages  # as pdfplumber caches them, so that ``_close`` finds them
    doctop = 0.0
    for number, page_object in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if not _is_box(resolve_all(page_object.attrs.get("MediaBox"))):
            page_object.attrs["MediaBox"] = list(DEFAULT_MEDIA_BOX)
        page = PdfPage(pdf, page_object, page_number=number, initial_doctop=doctop)
        pages.append(page)
        doctop += float(page.height)
    return pages


def page_drawer(pdf: PDF) -> PageDrawer:
    """A drawer of the PDF's pages, from the bytes and password it was opened with."""
    assert isinstance(pdf.stream, io.BytesIO)  # ``_plumber`` opens every PDF from its bytes
    return PageDrawer(pdf.stream.getvalue(), pdf.password)


def close_pdf(pdf: PDF) -> None:
    """``pdf.close()`` without its rebuilding every page through ``pdf.pages`` (which fails on
    the pages ``_pages`` mends): the pages we built are closed, the caches dropped."""
    pages = pdf.__dict__.get("_pages", [])
    pdf.flush_cache()
    for page in pages:
        page.close()


def _is_box(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == len(DEFAULT_MEDIA_BOX)
        and all(isinstance(x, int | float) for x in value)
    )


def check_is_pdf(data: bytes) -> None:
    if not data:
        raise EmptyInputError("empty file")
    if PDF_MAGIC not in data[:MAGIC_SEARCH_WINDOW]:
        raise UnsupportedInputError("not a PDF: no %PDF- header")


def _open(data: bytes, config: Config) -> PDF:
    """The PDF opened for reading; a ``DocumentError`` when it cannot be.

    The empty password first: most encrypted PDFs only restrict printing or copying and open
    without one, and a ``--password`` meant for other files of the run must not stop them.
    A PDF whose encryption covers its attachments only (``/StmF`` and ``/StrF`` ``/Identity``)
    is read without decrypting, as other readers do: its pages are plain.
    """
    passwords = ["", config.password] if config.password else [""]
    for password in passwords:
        try:
            return _plumber(data, password)
        except PDF_PARSE_ERRORS as exc:
            cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
            if not isinstance(cause, PDFPasswordIncorrect):
                raise _open_error(cause, config, data) from None
    if _only_attachments_encrypted(data):
        return _plumber(ENCRYPT_KEY.sub(IGNORED_KEY, data), "")
    raise _open_error(PDFPasswordIncorrect(), config, data)


def _plumber(data: bytes, password: str) -> PDF:
    """pdfplumber's PDF, reading fonts with what pdfminer lacks (``pdffonts``)."""
    pdf = pdfplumber.open(io.BytesIO(data), password=password)
    pdf.rsrcmgr = FontReadingResourceManager()
    return pdf


ENCRYPT_KEY = re.compile(rb"/Encrypt(?![A-Za-z0-9#])")
IGNORED_KEY = b"/Encrypz"
"""Same length as ``/Encrypt``, so every byte offset of the file stays true."""
IDENTITY_FILTER = "Identity"
UNSUPPORTED_ENCRYPTION = "an encryption method we cannot open"
BROKEN_ENCRYPT_ENTRY = "its /Encrypt entry leads to no encryption dictionary"
FIRST_CRYPT_FILTER_VERSION = 4
"""``/V`` from which strings and streams name their crypt filter (``/StmF``, ``/StrF``)."""


class _EncryptionProbe(PDFDocument):
    """Reads a PDF's trailer and encryption dictionary without trying any password."""

    def _initialize_password(self, password: str = "") -> None:
        pass


def _encryption_dictionary(data: bytes) -> dict[str, object] | None:
    """The trailer's /Encrypt dictionary as pdfminer finds it, or None when the file has none
    or its /Encrypt entry leads to no dictionary with a /Filter (an object pdfminer cannot
    find, say, as when junk before the header shifts every offset)."""
    try:
        probe = _EncryptionProbe(PDFParser(io.BytesIO(data)))
    except PDF_PARSE_ERRORS:
        return None
    if probe.encryption is None:
        return None
    _, param = probe.encryption
    return param if isinstance(param, dict) and "Filter" in param else None


def _only_attachments_encrypted(data: bytes) -> bool:
    """True when the encryption dictionary leaves strings and streams (the pages) plain."""
    try:
        param = _encryption_dictionary(data)
        if param is None:
            return False
        if int_value(param.get("V", 0)) < FIRST_CRYPT_FILTER_VERSION:
            return False
        filters = (literal_name(param.get(key, LIT(IDENTITY_FILTER))) for key in ("StmF", "StrF"))
        return all(name == IDENTITY_FILTER for name in filters)
    except PDF_PARSE_ERRORS:
        return False


def _open_error(cause: BaseException, config: Config, data: bytes) -> DocumentError:
    """The document-level error for a PDF that pdfminer would not open.

    Encryption only when the file has an encryption dictionary: pdfminer also raises its
    encryption error for an /Encrypt entry that leads nowhere, which is damage (and then
    pdfium's rewrite may still read the file).
    """
    if isinstance(cause, PDFPasswordIncorrect):
        if config.password:
            return EncryptedDocumentError("encrypted PDF: the given password does not open it")
        return EncryptedDocumentError("encrypted PDF: needs a password (--password)")
    if isinstance(cause, PDFEncryptionError):
        if _encryption_dictionary(data) is not None:
            return EncryptedDocumentError(f"encrypted PDF: {UNSUPPORTED_ENCRYPTION}")
        return DamagedDocumentError(f"damaged PDF: {BROKEN_ENCRYPT_ENTRY}")
    return DamagedDocumentError(f"damaged PDF: {explain(cause)}")
