"""Hostile and broken inputs, made on demand: each maker writes one file and returns its path.

PDFs are assembled object by object (``assemble_pdf``) so that each fault is exactly the one
named: a self-referencing content stream, a Flate stream that inflates to gigabytes, a page
tree of ten thousand pages, a cross-reference table that points nowhere. Also test-only task
processors that make a worker crash, hang or eat memory (``misbehaving_task``).
"""

from __future__ import annotations

import ctypes
import io
import os
import random
import re
import signal
import struct
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.batch import Task, process_task
from pipeline.config import Config
from pipeline.models import Document
from tests.pdfgen import make_text_pdf, register_fonts

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
MIB = 1 << 20
ADLER_MODULUS = 65521


# --- assembling PDFs by hand -----------------------------------------------------------------


def assemble_pdf(objects: Sequence[bytes], *, root: int = 1) -> bytes:
    """A PDF of the given object bodies (numbered from 1) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), extra, content)


def one_page_pdf(contents: bytes, *, more: Sequence[bytes] = ()) -> bytes:
    """Catalog, page tree, one page whose /Contents is object 4 (``contents``), a font, and
    ``more`` objects numbered from 6."""
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            contents,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *more,
        ]
    )


def zlib_zeros(mebibytes: int) -> bytes:
    """A zlib stream that inflates to ``mebibytes`` MiB of zero bytes, made in milliseconds.

    One MiB is compressed once and ended with a full flush, which resets the compressor, so
    its bytes can be repeated; the Adler-32 of n zero bytes is (n mod 65521) << 16 | 1.
    """
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    header, block = first[:2], first[2:]
    end = compressor.flush(zlib.Z_FINISH)[:-4]  # the final empty block, without its checksum
    adler = ((mebibytes * MIB) % ADLER_MODULUS) << 16 | 1
    return header + block * mebibytes + end + struct.pack(">I", adler)


# --- the hostile files ----------------------------------------------------------------------


def good_text(path: Path) -> Path:
    _make_folder(path)
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


def good_pdf(path: Path) -> Path:
    _make_folder(path)
    return make_text_pdf(path, GOOD_PAGES)


def _make_folder(path: Path) -> None:
    """Every maker creates the folders its file goes in."""
    path.parent.mkdir(parents=True, exist_ok=True)


def empty_file(path: Path) -> Path:
    _make_folder(path)
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
    _make_folder(path)
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, encrypt=PASSWORD)
    canvas.setFont("DejaVuSerif", 12)
    canvas.drawString(72, 720, "Mr. Chairperson, Norway welcomes the report.")
    canvas.showPage()
    canvas.save()
    return path


def flate_bomb_pdf(path: Path, mebibytes: int = 4096) -> Path:
    """One page whose content stream (4 MB here) inflates to ``mebibytes`` MiB of zeros."""
    _make_folder(path)
    path.write_bytes(one_page_pdf(stream(zlib_zeros(mebibytes), b"/Filter /FlateDecode ")))
    return path


def self_referencing_pdf(path: Path) -> Path:
    """The page's content object is a reference to itself: resolving it never ends."""
    _make_folder(path)
    path.write_bytes(one_page_pdf(b"4 0 R"))
    return path


def deeply_nested_pdf(path: Path, depth: int = 100_000) -> Path:
    """Readable text, plus an array nested ``depth`` levels deep in the content stream."""
    content = b"BT /F1 12 Tf 72 720 Td (Mr. Chairperson, thank you.) Tj ET\n"
    _make_folder(path)
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
    _make_folder(path)
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
    _make_folder(path)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png)
    return path


def zip_named_pdf(path: Path) -> Path:
    """A ZIP archive (a .docx, say) under a .pdf name."""
    _make_folder(path)
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


@dataclass(frozen=True)
class Fault:
    """One hostile input and what a run must make of it."""

    label: str
    name: str  # the file's name in the input folder
    make: Callable[[Path], Path]
    status: str  # "failed" or "ok"
    error_type: str | None = None
    message: str | None = None  # a regular expression the error message must match


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
        r"needed more than \d+ MB.*--max-memory",
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
)
"""Every hostile file of the fault run, by name; the odd-bytes name, the link out of the tree
and the self-referencing PDF (which needs a short --timeout) are made separately."""


# --- misbehaving workers (test-only task processors, picklable by reference) ---------------

CRASH_SEGFAULT = "segfault"
CRASH_EXIT = "exit"
CRASH_KILL = "kill"
HANG = "hang"
HOG = "hog"
HANG_SECONDS = 3600
HOG_STEP = 64 * MIB


def misbehaving_task(task: Task, config: Config) -> Document:
    """``process_task``, except for inputs named after a misbehaviour: those crash the worker,
    hang, or allocate until the memory limit stops them."""
    stem = task.path.stem
    if stem == CRASH_SEGFAULT:
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    elif stem == CRASH_EXIT:
        os._exit(3)
    elif stem == CRASH_KILL:
        os.kill(os.getpid(), signal.SIGKILL)
    elif stem == HANG:
        time.sleep(HANG_SECONDS)
    elif stem == HOG:
        hoard = []
        while True:
            hoard.append(bytearray(HOG_STEP))
    return process_task(task, config)
