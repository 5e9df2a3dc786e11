"""Hostile and broken inputs, made on demand: each maker writes one file and returns its path.

PDFs are assembled object by object (``assemble_pdf``) so that each fault is exactly the one
named: a self-referencing content stream, a Flate stream that inflates to gigabytes, a page
tree of ten thousand pages, a cross-reference table that points nowhere. Also test-only task
processors that make a worker crash, hang or eat memory (``misbehaving_task``).
"""

from __future__ import annotations

import binascii
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
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase.pdfmetrics import stringWidth
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


def assemble_pdf(objects: Sequence[bytes], *, root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF of the given object bodies (numbered from 1) with a correct xref table; ``trailer``
    adds entries to the trailer dictionary."""
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
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), extra, content)


def one_page_pdf(
    contents: bytes,
    *,
    more: Sequence[bytes] = (),
    font: bytes = b"",
    base_font: bytes = b"Helvetica",
    trailer: bytes = b"",
) -> bytes:
    """Catalog, page tree, one page whose /Contents is object 4 (``contents``), a Helvetica
    font (``font`` adds entries to it), and ``more`` objects numbered from 6."""
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            contents,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s %s>>" % (base_font, font),
            *more,
        ],
        trailer=trailer,
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


# --- documents other readers read (poppler, pdfium), made to be read here too --------------

LOST_TEXT = (
    "Statement by the Delegation of Norway",
    "Mr. Chairperson, Norway welcomes the report of the Secretary-General and thanks",
    "the Secretariat for its work on the security of journalists in the region.",
    "We call on all participating States to implement their commitments in full.",
    "Thank you.",
)
LINE_TOP = 720
LINE_STEP = 18
FONT_SIZE = 12
GLUED_GAP_EM = 0.2
"""Gap drawn between words of a layer without spaces: under pdfplumber's default word
tolerance (3 pt at 12 pt), over a letter gap."""
FULL_WIDTH_OFFSET = 0xFF01 - 0x21
"""ASCII ``!``..``~`` to their full-width forms U+FF01..U+FF5E."""


def _pdf_string(text: str) -> bytes:
    return (
        b"("
        + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def _lines_content(lines: Sequence[str]) -> bytes:
    """A content stream showing each line at the left margin, one below the other."""
    ops = [b"BT /F1 %d Tf" % FONT_SIZE]
    for number, line in enumerate(lines):
        ops.append(b"1 0 0 1 72 %d Tm %s Tj" % (LINE_TOP - number * LINE_STEP, _pdf_string(line)))
    ops.append(b"ET")
    return b"\n".join(ops)


def full_width_pdf(path: Path) -> Path:
    """English whose text layer maps every letter to its full-width form (an East Asian
    font's ToUnicode): NFKC reads it as English."""
    _make_folder(path)
    ranges = b"<21> <7e> <%04x>" % (0x21 + FULL_WIDTH_OFFSET)
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"/CMapName /FullWidth def 1 begincodespacerange <00> <ff> endcodespacerange "
        b"1 beginbfrange " + ranges + b" endbfrange endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    path.write_bytes(
        one_page_pdf(
            stream(_lines_content(LOST_TEXT)),
            font=b"/ToUnicode 6 0 R " + _helvetica_widths(),
            base_font=b"FullWidthSans",  # not a standard font: its /Widths count
            more=[stream(cmap)],
        )
    )
    return path


def _helvetica_widths() -> bytes:
    """/FirstChar, /LastChar and /Widths of printable ASCII in Helvetica (a font with its own
    /ToUnicode gets no widths from the standard metrics)."""
    widths = b" ".join(
        b"%d" % round(stringWidth(chr(code), "Helvetica", 1000)) for code in range(32, 127)
    )
    return b"/FirstChar 32 /LastChar 126 /Widths [" + widths + b"] "


def glued_words_pdf(path: Path) -> Path:
    """A layer without space characters: each word placed on its own, a fifth of an em after
    the previous one (as many PDF producers set word spacing)."""
    _make_folder(path)
    ops = [b"BT /F1 %d Tf" % FONT_SIZE]
    for number, line in enumerate(LOST_TEXT):
        x = 72.0
        for word in line.split():
            top = LINE_TOP - number * LINE_STEP
            ops.append(b"1 0 0 1 %.2f %d Tm %s Tj" % (x, top, _pdf_string(word)))
            x += stringWidth(word, "Helvetica", FONT_SIZE) + GLUED_GAP_EM * FONT_SIZE
    ops.append(b"ET")
    path.write_bytes(one_page_pdf(stream(b"\n".join(ops))))
    return path


def attachments_encrypted_pdf(path: Path) -> Path:
    """Only the embedded files are encrypted (``/StmF`` and ``/StrF`` are ``/Identity``, ``/EFF``
    a crypt filter): the page content is plain, and no password is needed to read it."""
    _make_folder(path)
    encrypt = (
        b"/Encrypt << /Filter /Standard /V 4 /R 4 /Length 128 /P -4 "
        b"/CF << /StdCF << /CFM /AESV2 /AuthEvent /EFOpen /Length 16 >> >> "
        b"/StmF /Identity /StrF /Identity /EFF /StdCF "
        b"/O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> >> "
        b"/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] "
    )
    path.write_bytes(one_page_pdf(stream(_lines_content(LOST_TEXT)), trailer=encrypt))
    return path


def page_without_contents_pdf(path: Path) -> Path:
    """Two pages, the second with neither /Contents nor /MediaBox (an empty page of the size
    readers assume; pdfplumber alone fails on it)."""
    _make_folder(path)
    path.write_bytes(
        assemble_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                stream(_lines_content(LOST_TEXT)),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                b"<< /Type /Page /Parent 2 0 R >>",
            ]
        )
    )
    return path


def incomplete_xref_pdf(path: Path) -> Path:
    """The cross-reference data lists the catalog only (its other sections lost or pointing
    elsewhere, as after a broken incremental update); every object is intact in the file,
    where pdfium and poppler find it by scanning."""
    _make_folder(path)
    data = one_page_pdf(stream(_lines_content(LOST_TEXT)))
    body = data[: data.rindex(b"xref\n")]
    catalog = body.index(b"1 0 obj")
    path.write_bytes(
        body
        + b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % catalog
        + b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(body)
    )
    return path


CHARACTER_TABLE_ROWS = 2
"""Rows of codes 0..31 (which WinAnsiEncoding leaves without a glyph) under the text."""


def character_table_pdf(path: Path) -> Path:
    """English above a table of every code of a standard font (Courier, WinAnsiEncoding), the
    first 32 of which the encoding leaves unnamed: they draw nothing, and other readers give
    no text for them."""
    _make_folder(path)
    unnamed = bytes(range(32)).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    rows = [
        b"1 0 0 1 72 %d Tm (%s) Tj" % (LINE_TOP - (len(LOST_TEXT) + 1 + n) * LINE_STEP, unnamed)
        for n in range(CHARACTER_TABLE_ROWS)
    ]
    content = _lines_content(LOST_TEXT).replace(b"ET", b"\n".join(rows) + b"\nET")
    path.write_bytes(
        one_page_pdf(stream(content), base_font=b"Courier", font=b"/Encoding /WinAnsiEncoding")
    )
    return path


FIRST_CID = 1
"""CID of the space in ``embedded_cmap_pdf``: codes and CIDs differ, as in a real subset font."""


def embedded_cmap_pdf(path: Path) -> Path:
    """A Type0 font whose encoding is a CMap embedded in the file (UTF-8 codes to CIDs) and
    whose /ToUnicode maps those codes (not CIDs) to text, as pdf.js's test files have it."""
    _make_folder(path)
    utf8_spaces = (
        b"4 begincodespacerange <00> <7F> <C080> <DFBF> <E08080> <EFBFBF> "
        b"<F0808080> <F7BFBFBF> endcodespacerange "
    )
    encoding = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"/CMapName /Uni-Utf8-H def /CMapType 1 def " + utf8_spaces
        + b"1 begincidrange <20> <7e> %d endcidrange endcmap " % FIRST_CID
        + b"CMapName currentdict /CMap defineresource pop end end"
    )  # fmt: skip
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"/CMapName /Uni-Utf8-UCS def /CMapType 2 def " + utf8_spaces
        + b"1 beginbfrange <20> <7e> <0020> endbfrange endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )  # fmt: skip
    widths = b" ".join(
        b"%d" % round(stringWidth(chr(code), "Helvetica", 1000)) for code in range(32, 127)
    )
    path.write_bytes(
        assemble_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                stream(_lines_content(LOST_TEXT)),
                b"<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding 6 0 R "
                b"/ToUnicode 7 0 R /DescendantFonts [8 0 R] >>",
                stream(encoding, b"/Type /CMap /CMapName /Uni-Utf8-H "),
                stream(to_unicode),
                b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Helvetica "
                b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                b"/W [%d [%s]] >>" % (FIRST_CID, widths),
            ]
        )
    )
    return path


def restricted_pdf(path: Path) -> Path:
    """Encrypted with an owner password only (printing and copying restricted): it opens
    with the empty password, as most encrypted PDFs do."""
    _make_folder(path)
    encryption = StandardEncryption("", ownerPassword="owner-secret", canCopy=0)
    canvas = Canvas(str(path), pagesize=A4, encrypt=encryption)
    canvas.setFont("Helvetica", FONT_SIZE)
    for number, line in enumerate(LOST_TEXT):
        canvas.drawString(72, LINE_TOP - number * LINE_STEP, line)
    canvas.showPage()
    canvas.save()
    return path


def unencrypted_pdf(path: Path) -> Path:
    """A plain PDF, for a run given --password for the encrypted ones beside it."""
    _make_folder(path)
    path.write_bytes(one_page_pdf(stream(_lines_content(LOST_TEXT))))
    return path


LEADING_JUNK = b"leading junk\n\n"


def leading_junk_encrypted_pdf(path: Path) -> Path:
    """An encrypted PDF that opens without a password, behind a line of junk: its offsets
    count from the ``%PDF`` header, as pdfium and poppler take them, and blanks before its
    cross-reference table (as in a linearized file) let pdfminer read the table at the
    shifted offset, where it finds none of the objects, the /Encrypt dictionary included."""
    data = restricted_pdf(path).read_bytes()
    xref = data.rindex(b"\nxref") + 1
    padding = b" " * len(LEADING_JUNK) + b"\n"
    data = data[:xref] + padding + data[xref:]
    data = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (xref + len(padding)), data)
    path.write_bytes(LEADING_JUNK + data)
    return path


def short_length_hex_pdf(path: Path) -> Path:
    """A page whose content stream is ASCIIHex-encoded with a /Length far too small: pdfminer
    decodes the first bytes only and fails on the page; pdfium reads on to ``endstream``."""
    _make_folder(path)
    content = stream(binascii.hexlify(_lines_content(LOST_TEXT)) + b">")
    short = re.sub(rb"/Length \d+", b"/Length 9 /Filter /ASCIIHexDecode", content, count=1)
    path.write_bytes(one_page_pdf(short))
    return path


def stray_nul_text(path: Path) -> Path:
    """A UTF-8 statement with one NUL byte inside a word (damage from a copy)."""
    _make_folder(path)
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


# --- misbehaving workers (test-only task processors, picklable by reference) ---------------

CRASH_SEGFAULT = "segfault"
CRASH_EXIT = "exit"
CRASH_KILL = "kill"
HANG = "hang"
HOG = "hog"
HOG_THEN_ABORT = "hog-then-abort"
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
    elif stem == HOG_THEN_ABORT:  # as a C library does when an allocation fails
        filled = []
        try:
            while True:
                filled.append(b"\x01" * HOG_STEP)  # written, so resident
        except MemoryError:
            os.abort()
    return process_task(task, config)
