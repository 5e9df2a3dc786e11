"""PDFs assembled object by object, so that a test file holds exactly the structure it names.

``assemble_pdf`` writes numbered objects with a correct cross-reference table; ``one_page_pdf``
is the usual catalog, page tree, page and font around one content stream; ``lines_content``
draws lines of text at the left margin; ``zlib_zeros`` makes a Flate stream that inflates to
any size in milliseconds.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

MIB = 1 << 20
ADLER_MODULUS = 65521
LINE_TOP = 720
LINE_STEP = 18
FONT_SIZE = 12


def make_folder(path: Path) -> None:
    """Every maker creates the folders its file goes in."""
    path.parent.mkdir(parents=True, exist_ok=True)


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


def pdf_string(text: str) -> bytes:
    return (
        b"("
        + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def lines_content(lines: Sequence[str]) -> bytes:
    """A content stream showing each line at the left margin, one below the other."""
    ops = [b"BT /F1 %d Tf" % FONT_SIZE]
    for number, line in enumerate(lines):
        ops.append(b"1 0 0 1 72 %d Tm %s Tj" % (LINE_TOP - number * LINE_STEP, pdf_string(line)))
    ops.append(b"ET")
    return b"\n".join(ops)
