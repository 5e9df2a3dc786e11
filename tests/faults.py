"""Hostile and broken inputs, made on demand: each maker writes one file and returns its path.

PDFs are assembled object by object (``pdfbytes``) so that each fault is exactly the one named:
a self-referencing content stream, a Flate stream that inflates to gigabytes, a page tree of ten
thousand pages, a cross-reference table that points nowhere. ``FAULTS`` lists every hostile file
of the fault run with what a run must make of it, also the documents other readers read
(``readable_pdfs``). Workers that crash, hang or eat memory: ``misbehaving``.
"""

from __future__ import annotations

import os
import random
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tests.pdfbytes import assemble_pdf, make_folder, one_page_pdf, stream, zlib_zeros
from tests.pdfgen import make_text_pdf, register_fonts
from tests.readable_pdfs import (
    attachments_encrypted_pdf,
    character_table_pdf,
    embedded_cmap_pdf,
    full_width_pdf,
    glued_words_pdf,
    incomplete_xref_pdf,
    leading_junk_encrypted_pdf,
    page_without_contents_pdf,
    short_length_hex_pdf,
)

GOOD_TEXT = (
    "Statement by the Delegation of Norway\n\n"
    "Mr. Chairperson,\n\n"
    "Norway welcomes the report and thanks the Secretariat for its work.\n\n"
    "Thank you.\n"
)
GOOD_PAGES = (
    ("Statement by the Delegation of Iceland", "Mr. Chairperson,"),
    ("Iceland welcomes the report of the Secretary-General.", "Thank you."),
)
PASSWORD = "hostile-secret"


# --- the hostile files ----------------------------------------------------------------------


def good_text(path: Path) -> Path:
    make_folder(path)
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


def good_pdf(path: Path) -> Path:
    make_folder(path)
    return make_text_pdf(path, GOOD_PAGES)


def empty_file(path: Path) -> Path:
    make_folder(path)
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    """The first 40% of a good PDF: cut inside a stream, no xref, no trailer."""
    data = good_pdf(path).read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])
    return path


def misplaced_xref_pdf(path: Path) -> Path:
    """Every xref offset and ``startxref`` wrong, the objects intact (a reader can rebuild)."""
    data = good_pdf(path).read_bytes()
    path.write_bytes(_garble_xref(data))
    return path


def broken_xref_pdf(path: Path) -> Path:
    """Xref offsets wrong and no ``obj`` header left to rebuild it from."""
    data = _garble_xref(good_pdf(path).read_bytes())
    path.write_bytes(data.replace(b" obj", b" job"))
    return path


def _garble_xref(data: bytes) -> bytes:
    xref = data.rindex(b"xref")
    tail = re.sub(rb"\d{10} (\d{5}) n", rb"9999999999 \1 n", data[xref:])
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n123", tail)
    return data[:xref] + tail


def encrypted_pdf(path: Path) -> Path:
    make_folder(path)
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, encrypt=PASSWORD)
    canvas.setFont("DejaVuSerif", 12)
    canvas.drawString(72, 720, "Mr. Chairperson, Norway welcomes the report.")
    canvas.showPage()
    canvas.save()
    return path


def flate_bomb_pdf(path: Path, mebibytes: int = 4096) -> Path:
    """One page whose content stream (4 MB here) inflates to ``mebibytes`` MiB of zeros."""
    make_folder(path)
    path.write_bytes(one_page_pdf(stream(zlib_zeros(mebibytes), b"/Filter /FlateDecode ")))
    return path


def self_referencing_pdf(path: Path) -> Path:
    """The page's content object is a reference to itself: resolving it never ends."""
    make_folder(path)
    path.write_bytes(one_page_pdf(b"4 0 R"))
    return path


def deeply_nested_pdf(path: Path, depth: int = 100_000) -> Path:
    """Readable text, plus an array nested ``depth`` levels deep in the content stream."""
    content = b"BT /F1 12 Tf 72 720 Td (Mr. Chairperson, thank you.) Tj ET\n"
    make_folder(path)
    path.write_bytes(one_page_pdf(stream(content + b"[" * depth + b"]" * depth + b" TJ")))
    return path


def many_pages_pdf(path: Path, pages: int = 10_000) -> Path:
    """``pages`` pages sharing one content stream (1.5 MB for ten thousand)."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(b"BT /F1 12 Tf 72 720 Td (Thank you.) Tj ET"),
        *[page] * pages,
    ]
    make_folder(path)
    path.write_bytes(assemble_pdf(objects))
    return path


def image_bomb_png(path: Path, side: int = 100_000) -> Path:
    """A PNG whose header declares ``side`` x ``side`` pixels (ten gigapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit grayscale
    row = zlib.compress(bytes(side + 1))
    png = chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")
    make_folder(path)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png)
    return path


def zip_named_pdf(path: Path) -> Path:
    """A ZIP archive (a .docx, say) under a .pdf name."""
    make_folder(path)
    path.write_bytes(b"PK\x03\x04" + random.Random(1).randbytes(2048))
    return path


def text_named_pdf(path: Path) -> Path:
    """A good statement in plain text under a .pdf name: read by its content."""
    return good_text(path)


def pdf_named_txt(path: Path) -> Path:
    return good_pdf(path)


def odd_bytes_name(folder: Path) -> Path:
    """A good text file whose name is not UTF-8 (Latin-1 "déclaration" plus 0xFF)."""
    return good_text(folder / os.fsdecode(b"d\xe9claration-\xff.txt"))


def link_out_of_tree(folder: Path, outside: Path) -> Path:
    """A symbolic link to a (readable) file outside ``folder``."""
    secret = good_text(outside / "secret.txt")
    link = folder / "link-to-secret.txt"
    link.symlink_to(secret)
    return link


def stray_nul_text(path: Path) -> Path:
    """A UTF-8 statement with one NUL byte inside a word (damage from a copy)."""
    make_folder(path)
    path.write_bytes(GOOD_TEXT.encode().replace(b"report", b"re\x00port"))
    return path


@dataclass(frozen=True)
class Fault:
    """One hostile input and what a run must make of it."""

    label: str
    name: str  # the file's name in the input folder
    make: Callable[[Path], Path]
    status: str  # "failed" or "ok"
    error_type: str | None = None
    message: str | None = None  # a regular expression the error message must match
    body: str | None = None  # a regular expression the body's text must match


FAULTS: tuple[Fault, ...] = (
    Fault("empty file", "empty.pdf", empty_file, "failed", "EmptyInputError", "empty file"),
    Fault(
        "truncated PDF",
        "truncated.pdf",
        truncated_pdf,
        "failed",
        "DamagedDocumentError",
        "damaged PDF",
    ),
    Fault(
        "broken xref, no objects to rebuild it",
        "broken-xref.pdf",
        broken_xref_pdf,
        "failed",
        "DamagedDocumentError",
        "damaged PDF",
    ),
    Fault(
        "encrypted PDF, no password",
        "encrypted.pdf",
        encrypted_pdf,
        "failed",
        "EncryptedDocumentError",
        r"needs a password \(--password\)",
    ),
    Fault(
        "Flate bomb (4 GiB of zeros)",
        "flate-bomb.pdf",
        flate_bomb_pdf,
        "failed",
        "MemoryLimitError",
        r"decompression bomb.*needed more than \d+ MB.*--max-memory",
    ),
    Fault(
        "image bomb (10 gigapixels)",
        "image-bomb.png",
        image_bomb_png,
        "failed",
        "UnsupportedInputError",
        "image too large",
    ),
    Fault(
        "10,000-page PDF",
        "ten-thousand-pages.pdf",
        many_pages_pdf,
        "failed",
        "DocumentError",
        "10000 pages, more than the limit of 1000",
    ),
    Fault(
        "a ZIP named .pdf",
        "archive.pdf",
        zip_named_pdf,
        "failed",
        "UnsupportedInputError",
        "not a PDF, image or text file",
    ),
    # Read by their content, whatever the name, or survived: these come out ok.
    Fault("xref offsets all wrong, objects intact", "misplaced-xref.pdf", misplaced_xref_pdf, "ok"),
    Fault("array nested 100,000 deep", "deeply-nested.pdf", deeply_nested_pdf, "ok"),
    Fault("text named .pdf", "statement-text.pdf", text_named_pdf, "ok"),
    Fault("PDF named .txt", "statement-pdf.txt", pdf_named_txt, "ok"),
    # Read by poppler and pdfium, lost here once (issue 10): read now.
    Fault(
        "English in full-width letters",
        "full-width.pdf",
        full_width_pdf,
        "ok",
        body="Ｎｏｒｗａｙ ｗｅｌｃｏｍｅｓ ｔｈｅ ｒｅｐｏｒｔ",
    ),
    Fault(
        "a layer without space characters",
        "no-spaces.pdf",
        glued_words_pdf,
        "ok",
        body="Norway welcomes the report of the Secretary-General",
    ),
    Fault(
        "only the attachments encrypted",
        "attachments-encrypted.pdf",
        attachments_encrypted_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "a page without content stream or size",
        "page-without-contents.pdf",
        page_without_contents_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "cross-reference data listing the catalog only",
        "incomplete-xref.pdf",
        incomplete_xref_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "codes a standard font's encoding leaves unnamed",
        "character-table.pdf",
        character_table_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "a CID font with an embedded encoding CMap",
        "embedded-cmap.pdf",
        embedded_cmap_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "junk before the header of an encrypted PDF that opens without a password",
        "leading-junk.pdf",
        leading_junk_encrypted_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "a page pdfminer cannot parse (a content stream's /Length too small): read by OCR",
        "short-length.pdf",
        short_length_hex_pdf,
        "ok",
        body="Norway welcomes the report",
    ),
    Fault(
        "a stray NUL byte in a text file",
        "stray-nul.txt",
        stray_nul_text,
        "ok",
        body="Norway welcomes the report",
    ),
)
"""Every hostile file of the fault run, by name; the odd-bytes name, the link out of the tree
and the self-referencing PDF (which needs a short --timeout) are made separately."""
