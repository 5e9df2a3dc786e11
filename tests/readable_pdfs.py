"""Documents other readers read (poppler, pdfium), made to be read here too: text layers with
full-width forms, glued words, character tables, embedded CMaps, encryption that only restricts,
and pages pdfminer cannot parse. Each maker writes one file and returns its path."""

from __future__ import annotations

import binascii
import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from tests.pdfbytes import (
    FONT_SIZE,
    LINE_STEP,
    LINE_TOP,
    assemble_pdf,
    lines_content,
    make_folder,
    one_page_pdf,
    pdf_string,
    stream,
)

LOST_TEXT = (
    "Statement by the Delegation of Norway",
    "Mr. Chairperson, Norway welcomes the report of the Secretary-General and thanks",
    "the Secretariat for its work on the security of journalists in the region.",
    "We call on all participating States to implement their commitments in full.",
    "Thank you.",
)
GLUED_GAP_EM = 0.2
"""Gap drawn between words of a layer without spaces: under pdfplumber's default word
tolerance (3 pt at 12 pt), over a letter gap."""
FULL_WIDTH_OFFSET = 0xFF01 - 0x21
"""ASCII ``!``..``~`` to their full-width forms U+FF01..U+FF5E."""


def full_width_pdf(path: Path) -> Path:
    """English whose text layer maps every letter to its full-width form (an East Asian
    font's ToUnicode): NFKC reads it as English."""
    make_folder(path)
    ranges = b"<21> <7e> <%04x>" % (0x21 + FULL_WIDTH_OFFSET)
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"/CMapName /FullWidth def 1 begincodespacerange <00> <ff> endcodespacerange "
        b"1 beginbfrange " + ranges + b" endbfrange endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    path.write_bytes(
        one_page_pdf(
            stream(lines_content(LOST_TEXT)),
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
    make_folder(path)
    ops = [b"BT /F1 %d Tf" % FONT_SIZE]
    for number, line in enumerate(LOST_TEXT):
        x = 72.0
        for word in line.split():
            top = LINE_TOP - number * LINE_STEP
            ops.append(b"1 0 0 1 %.2f %d Tm %s Tj" % (x, top, pdf_string(word)))
            x += stringWidth(word, "Helvetica", FONT_SIZE) + GLUED_GAP_EM * FONT_SIZE
    ops.append(b"ET")
    path.write_bytes(one_page_pdf(stream(b"\n".join(ops))))
    return path


def attachments_encrypted_pdf(path: Path) -> Path:
    """Only the embedded files are encrypted (``/StmF`` and ``/StrF`` are ``/Identity``, ``/EFF``
    a crypt filter): the page content is plain, and no password is needed to read it."""
    make_folder(path)
    encrypt = (
        b"/Encrypt << /Filter /Standard /V 4 /R 4 /Length 128 /P -4 "
        b"/CF << /StdCF << /CFM /AESV2 /AuthEvent /EFOpen /Length 16 >> >> "
        b"/StmF /Identity /StrF /Identity /EFF /StdCF "
        b"/O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> >> "
        b"/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] "
    )
    path.write_bytes(one_page_pdf(stream(lines_content(LOST_TEXT)), trailer=encrypt))
    return path


def page_without_contents_pdf(path: Path) -> Path:
    """Two pages, the second with neither /Contents nor /MediaBox (an empty page of the size
    readers assume; pdfplumber alone fails on it)."""
    make_folder(path)
    path.write_bytes(
        assemble_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>",
                stream(lines_content(LOST_TEXT)),
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
    make_folder(path)
    data = one_page_pdf(stream(lines_content(LOST_TEXT)))
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
    make_folder(path)
    unnamed = bytes(range(32)).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    rows = [
        b"1 0 0 1 72 %d Tm (%s) Tj" % (LINE_TOP - (len(LOST_TEXT) + 1 + n) * LINE_STEP, unnamed)
        for n in range(CHARACTER_TABLE_ROWS)
    ]
    content = lines_content(LOST_TEXT).replace(b"ET", b"\n".join(rows) + b"\nET")
    path.write_bytes(
        one_page_pdf(stream(content), base_font=b"Courier", font=b"/Encoding /WinAnsiEncoding")
    )
    return path


FIRST_CID = 1
"""CID of the space in ``embedded_cmap_pdf``: codes and CIDs differ, as in a real subset font."""


def embedded_cmap_pdf(path: Path) -> Path:
    """A Type0 font whose encoding is a CMap embedded in the file (UTF-8 codes to CIDs) and
    whose /ToUnicode maps those codes (not CIDs) to text, as pdf.js's test files have it."""
    make_folder(path)
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
                stream(lines_content(LOST_TEXT)),
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
    make_folder(path)
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
    make_folder(path)
    path.write_bytes(one_page_pdf(stream(lines_content(LOST_TEXT))))
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
    make_folder(path)
    content = stream(binascii.hexlify(lines_content(LOST_TEXT)) + b">")
    short = re.sub(rb"/Length \d+", b"/Length 9 /Filter /ASCIIHexDecode", content, count=1)
    path.write_bytes(one_page_pdf(short))
    return path
