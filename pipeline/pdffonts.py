"""What pdfminer's fonts lack against other readers (pdfium, poppler, pdf.js), made good.

- **A CID font's embedded encoding CMap.** pdfminer looks an encoding CMap up by name in its
  own database only; one embedded in the file (a stream under ``/Encoding``, such as a UTF-8
  CMap) is an unknown name to it, so it decodes no character of the font at all, and the page
  reads as empty. Here the stream is parsed, and, since the font's ``/ToUnicode`` maps
  character codes (which such a CMap makes differ from CIDs) while pdfminer looks text up by
  CID, the text map is re-keyed by CID through the same CMap.
- **Codes a simple font's encoding leaves without a glyph.** A font that is not embedded draws
  glyphs by the names its ``/Encoding`` gives the codes; a code without a name draws
  ``.notdef``, nothing a reader sees, and pdfium gives no text for it. pdfminer writes
  ``(cid:N)`` for each, which makes a page that shows a character table look undecodable.
  Such codes read as no text. (An embedded font is left alone: its codes may draw real
  letters that only OCR can read.)
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping

from pdfminer.cmapdb import CMap, CMapDB, CMapParser, FileUnicodeMap
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFSimpleFont
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSKeyword, literal_name

SIMPLE_FONT_CODES = range(256)
MAX_RANGE_CODES = 1 << 17
"""Codes one ``begincidrange`` line may cover (a two-byte identity range has 65536); a larger
range is no real encoding and is skipped."""
EMBEDDED_FONT_KEYS = ("FontFile", "FontFile2", "FontFile3")


class FontReadingResourceManager(PDFResourceManager):
    """pdfminer's resource manager whose fonts read what other readers read."""

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        cached = bool(objid) and objid in self._cached_fonts
        font = super().get_font(objid, spec)
        if not cached:
            mend_font(font, spec)
        return font


def mend_font(font: PDFFont, spec: Mapping[str, object]) -> None:
    """Make good, in place, what pdfminer's reading of ``font`` (from ``spec``) lacks."""
    if isinstance(font, PDFCIDFont):
        encoding = resolve1(spec.get("Encoding"))
        if isinstance(encoding, PDFStream):
            _use_embedded_cmap(font, encoding)
    elif isinstance(font, PDFSimpleFont) and "Encoding" in spec and not _is_embedded(spec):
        _blank_unnamed_codes(font)


def _use_embedded_cmap(font: PDFCIDFont, stream: PDFStream) -> None:
    if not isinstance(font.cmap, CMap) or font.cmap.code2cid:
        return  # pdfminer knew the CMap by its name
    cmap = CMap()
    base = resolve1(stream.get("UseCMap"))
    if base is not None:
        try:
            known = CMapDB.get_cmap(literal_name(base))
        except CMapDB.CMapNotFound:
            return
        if isinstance(known, CMap):
            cmap.use_cmap(known)
    EncodingCMapParser(cmap, io.BytesIO(stream.get_data())).run()
    if not cmap.code2cid:
        return
    font.cmap = cmap
    if isinstance(font.unicode_map, FileUnicodeMap):
        by_code = font.unicode_map.cid2unichr
        by_cid = FileUnicodeMap()
        for code, cid in code_to_cid(cmap.code2cid):
            text = by_code.get(int.from_bytes(code, "big"))
            if text is not None:
                by_cid.cid2unichr[cid] = text
        font.unicode_map = by_cid


class EncodingCMapParser(CMapParser):
    """pdfminer's CMap parser, reading an encoding CMap's ``cidchar`` and ``cidrange`` lines
    (code to CID) into the CMap's code tree; pdfminer's own reads them as text maps."""

    def do_keyword(self, pos: int, token: PSKeyword) -> None:
        if token is self.KEYWORD_ENDCIDCHAR:
            objs = [obj for _, obj in self.popall()]
            for code, cid in zip(objs[::2], objs[1::2], strict=False):
                if isinstance(code, bytes) and code and isinstance(cid, int):
                    self._add(code, cid)
        elif token is self.KEYWORD_ENDCIDRANGE:
            objs = [obj for _, obj in self.popall()]
            for start, end, cid in zip(objs[::3], objs[1::3], objs[2::3], strict=False):
                if isinstance(start, bytes) and isinstance(end, bytes) and isinstance(cid, int):
                    self._add_range(start, end, cid)
        else:
            super().do_keyword(pos, token)

    def _add_range(self, start: bytes, end: bytes, cid: int) -> None:
        first, last = int.from_bytes(start, "big"), int.from_bytes(end, "big")
        if not start or len(start) != len(end) or not 0 <= last - first < MAX_RANGE_CODES:
            return
        for offset in range(last - first + 1):
            self._add((first + offset).to_bytes(len(start), "big"), cid + offset)

    def _add(self, code: bytes, cid: int) -> None:
        assert isinstance(self.cmap, CMap)
        node: dict[int, object] = self.cmap.code2cid
        for byte in code[:-1]:
            child = node.setdefault(byte, {})
            if not isinstance(child, dict):
                return  # a shorter code already ends here
            node = child
        node[code[-1]] = cid


def code_to_cid(tree: Mapping[int, object], prefix: bytes = b"") -> Iterator[tuple[bytes, int]]:
    """Every (character code, CID) pair of a CMap's code tree (``CMap.code2cid``)."""
    for byte, value in tree.items():
        code = prefix + bytes([byte])
        if isinstance(value, int):
            yield code, value
        elif isinstance(value, Mapping):
            yield from code_to_cid(value, code)


def _is_embedded(spec: Mapping[str, object]) -> bool:
    descriptor = resolve1(spec.get("FontDescriptor"))
    return isinstance(descriptor, Mapping) and any(key in descriptor for key in EMBEDDED_FONT_KEYS)


def _blank_unnamed_codes(font: PDFSimpleFont) -> None:
    mapped = font.unicode_map.cid2unichr if isinstance(font.unicode_map, FileUnicodeMap) else {}
    unnamed = {
        code: ""
        for code in SIMPLE_FONT_CODES
        if code not in font.cid2unicode and code not in mapped
    }
    if unnamed:
        font.cid2unicode = {**font.cid2unicode, **unnamed}  # the encoding's dict is shared
