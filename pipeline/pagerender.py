"""PDF pages drawn as images, for OCR and for the review page (pdfium, through pypdfium2).

pdfplumber's ``page.to_image`` opens the whole document in pdfium again for every page,
converts the bitmap to RGB and copies it for annotations: 0.39 s a page at 300 dpi, where OCR
needs only the drawing (0.2 s). The drawing here is pdfplumber's own (its pdfium settings: no
anti-aliasing, a BGRX bitmap), from one pdfium document per PDF, opened on the first page
drawn.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from pipeline.failures import explain

if TYPE_CHECKING:
    import pypdfium2
    from PIL import Image

POINTS_PER_INCH = 72


class PageDrawer:
    """Draws the pages of one PDF: the bytes and password pdfplumber opened it with."""

    def __init__(self, data: bytes, password: str | None) -> None:
        # The bytes, not pdfplumber's stream: pdfminer goes on reading that stream while pdfium
        # holds the document, and the two would move each other's position in it.
        self._data = data
        self._password = password
        self._document: pypdfium2.PdfDocument | None = None

    def draw(self, index: int, dpi: float) -> Image.Image:
        """Page ``index`` (from 0) at ``dpi``, as an RGBX image (grey pages have R = G = B).

        Raises what pdfium raises for a page it cannot draw."""
        page = self._open()[index]
        try:
            bitmap = page.render(
                scale=dpi / POINTS_PER_INCH,
                no_smoothtext=True,
                no_smoothpath=True,
                no_smoothimage=True,
                prefer_bgrx=True,
            )
            image: Image.Image = bitmap.to_pil()
            return image
        finally:
            page.close()

    def draw_or_explain(self, index: int, dpi: float) -> tuple[Image.Image | None, str | None]:
        """The page drawn, or why it could not be (the document goes on without it)."""
        try:
            return self.draw(index, dpi), None
        except Exception as exc:  # a page pdfium cannot draw stays unread
            return None, f"cannot render the page for OCR: {explain(exc)}"

    def _open(self) -> pypdfium2.PdfDocument:
        if self._document is None:
            import pypdfium2  # only documents with pages to draw load pdfium's bindings

            self._document = pypdfium2.PdfDocument(self._data, password=self._password)
        return self._document

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None

    def __enter__(self) -> PageDrawer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
