"""Page images in, safely: PNG/JPEG/TIFF bytes → upright PIL pages, and pages made ready for OCR.

Sizes are checked from the header before any pixel is decoded, so a decompression bomb (a small
file declaring a gigantic canvas) is refused instead of filling memory. ``prepare_for_ocr`` turns
a page into what Tesseract reads best: grayscale, with a small scanner skew straightened.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageChops, ImageOps, ImageSequence

from pipeline.errors import DamagedDocumentError, EmptyInputError, UnsupportedInputError
from pipeline.failures import explain

PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}
"""Media types we read as page images, and the one Pillow decoder each may use."""

MAX_PAGE_PIXELS = 80_000_000
"""Largest page we decode (80 MP: an A1 sheet at 300 dpi is 70 MP). It stays under Pillow's own
bomb limit (about 89 MP) so that our clearer message is the one a user sees."""

WHITE = 255
SIXTEEN_BIT_WHITE = 65_535
HIGH_DEPTH_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
"""Pillow modes of 16/32-bit integer pixels (16-bit grayscale scans), which Pillow's own
conversion to "L" clips at 255 instead of scaling: nearly the whole page would turn white."""

Floats = NDArray[np.float64]

# --- deskew ----------------------------------------------------------------------------------

MAX_SKEW_DEGREES = 5.0
"""Largest skew we look for, either way: scanner feeds and hand-placed pages stay within it;
anything steeper is a rotation for OSD, not a skew."""
COARSE_SKEW_STEP = 0.5
"""Degrees between the angles tried on the first pass over ±MAX_SKEW_DEGREES."""
FINE_SKEW_STEP = 0.05
"""Degrees between the angles tried around the best coarse angle (within one coarse step)."""
SKEW_SAMPLE_SIDE = 1200
"""The skew is measured on a copy reduced to about this many pixels on its longer side: text
lines stay several pixels high, and each angle costs one pass over a fraction of the pixels."""
INK_PERCENTILE = 1.0
"""The darkest this-percent of a page's pixels give the shade of its ink (print covers more
than 1% of any page with text on it)."""
MIN_SKEW_TO_CORRECT = 1.0
"""Degrees: a smaller skew is left to Tesseract, whose line finding follows slightly tilted
lines by itself. Rotating resamples the page, and Tesseract then binarises other pixels: on
real scans tilted 0.3-0.55° a rotated page read 1-2% fewer known words than the page as
scanned (the fax-like Buravkin letter, a sheared typewritten page whose lines tilt while its
margin stands straight), and on dev scans tilted up to 0.4° it read the same words either way.
At 1.8° (``skew.pdf``) the straightened page reads better."""
COLOUR_MODES = frozenset({"RGB", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"})
BAND_REDUCTION = 4
"""Ink per row is counted on a copy this many times smaller each way (rows of a few pixels)."""
BAND_INK_LEVEL = 128
"""Grey level below which a pixel counts as ink when looking for a page's densest band."""
CHROMA_REDUCTION = 8
"""A page's colour is judged on a copy this many times smaller each way (a 300-dpi page in
5 ms): colour is a property of areas, not of single pixels."""
MIN_PAGE_CHROMA = 2.0
"""Mean chroma (0-255) from which a page counts as colour. Measured at 300 dpi: grey scans and
rendered grey PDF pages 0.0-0.1 (JPEG noise), the yellowed Belovezh pages 5.6-9.9, the
photographed ``01_МФО`` letter 47."""


def load_page_images(data: bytes, media_type: str) -> Iterator[Image.Image]:
    """Each page of a PNG, JPEG or TIFF (every TIFF frame is a page), upright by its EXIF tag.

    Raises ``UnsupportedInputError`` for another type or a page over ``MAX_PAGE_PIXELS`` (checked
    before decoding), ``DamagedDocumentError`` for a truncated or corrupt file. Pages are decoded
    one at a time, as the caller asks for them.
    """
    pil_format = PIL_FORMATS.get(media_type)
    if pil_format is None:
        raise UnsupportedInputError(f"not a page image type we read: {media_type}")
    if not data:
        raise EmptyInputError("empty file")
    with _decoding_errors():
        container = Image.open(io.BytesIO(data), formats=[pil_format])
    with container:
        for number, frame in enumerate(ImageSequence.Iterator(container), start=1):
            yield _decode_frame(frame, number)


def _decode_frame(frame: Image.Image, number: int) -> Image.Image:
    """One frame decoded into an independent, upright, square-pixel image."""
    _check_declared_size(frame, number)
    with _decoding_errors():
        frame.load()
        upright = ImageOps.exif_transpose(frame)  # a new image: the next frame may reuse `frame`
    return _square_pixels(upright)


def _check_declared_size(image: Image.Image, number: int) -> None:
    width, height = image.size
    if width * height > MAX_PAGE_PIXELS:
        raise UnsupportedInputError(
            f"image too large: page {number} is {width}×{height} pixels "
            f"(limit {MAX_PAGE_PIXELS / 1e6:g} MP)"
        )


@contextmanager
def _decoding_errors() -> Iterator[None]:
    """Pillow's complaints about a file as our document errors; its bomb warning as an error."""
    # Note: warning filters are process-wide in Python 3.11; decode pages from one thread.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnsupportedInputError(
                f"image too large: more pixels than {MAX_PAGE_PIXELS / 1e6:g} MP, the limit for "
                "one page (a decompression bomb)"
            ) from exc
        except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
            # Pillow reports truncated and corrupt data with any of these, by codec.
            raise DamagedDocumentError(f"damaged image: {explain(exc)}") from exc


def _square_pixels(image: Image.Image) -> Image.Image:
    """Stretches an image whose two resolutions differ (a fax: 204×98 dpi) to square pixels at
    the higher one, which Tesseract needs; other images are returned as they are."""
    resolution = _resolution(image)
    if resolution is None:
        return image
    x_dpi, y_dpi = resolution
    if math.isclose(x_dpi, y_dpi, rel_tol=0.01):
        return image
    dpi = max(x_dpi, y_dpi)
    size = (round(image.width * dpi / x_dpi), round(image.height * dpi / y_dpi))
    squared = image.resize(size, Image.Resampling.LANCZOS)
    squared.info["dpi"] = (dpi, dpi)
    return squared


def _resolution(image: Image.Image) -> tuple[float, float] | None:
    dpi = image.info.get("dpi")
    if not isinstance(dpi, tuple) or len(dpi) != 2:
        return None
    x_dpi, y_dpi = (float(value) for value in dpi)
    if x_dpi <= 0 or y_dpi <= 0:
        return None
    return x_dpi, y_dpi


def image_dpi(image: Image.Image) -> float | None:
    """The image's resolution in dots per inch as its file declares it, or None when it does
    not say (then pixels cannot be turned into points without a guess)."""
    resolution = _resolution(image)
    return None if resolution is None else resolution[0]


# --- preparing a page for OCR -------------------------------------------------------------------


def to_grayscale(image: Image.Image) -> Image.Image:
    """The image in 8-bit grayscale ("L"); transparent parts become white paper, not black."""
    if image.mode == "L":
        return image
    if image.mode in HIGH_DEPTH_MODES:
        values = np.asarray(image, dtype=np.float64)
        full_scale = SIXTEEN_BIT_WHITE if values.max() > WHITE else WHITE
        return Image.fromarray((values * (WHITE / full_scale)).round().astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (WHITE, WHITE, WHITE, WHITE))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def prepare_for_ocr(image: Image.Image) -> Image.Image:
    """The page as Tesseract should read it (``straighten``), without its remaining skew."""
    return straighten(image)[0]


def straighten(image: Image.Image) -> tuple[Image.Image, float]:
    """The page as Tesseract should read it, and the skew left in it (degrees, as
    ``estimate_skew``; 0.0 once turned): in grayscale (``for_tesseract``), turned straight
    when it is skewed by ``MIN_SKEW_TO_CORRECT`` or more.

    The straightened page is larger than the original (the canvas grows to keep the corners,
    white around them) and shares its centre, so nothing near an edge is cut off.
    """
    page = for_tesseract(image)
    angle = estimate_skew(page)
    if abs(angle) < MIN_SKEW_TO_CORRECT:
        return page, angle
    # Bilinear: half the time of bicubic on a 300-dpi page, and Tesseract binarises the result
    # anyway, so the finer interpolation buys nothing.
    # "white" rather than 255, which a colour page would take for red.
    turned = page.rotate(-angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor="white")
    return turned, 0.0


def for_tesseract(image: Image.Image) -> Image.Image:
    """The image as Tesseract should get it: a page printed or scanned in colour as it is
    (RGB), any other in grayscale.

    Tesseract binarises a colour page channel by channel, and that reads coloured print and
    tinted paper better than any one grey rendering of it: on the real scans, the photographed
    letter ``01_МФО`` read 0.111 fewer known words by its darkest channel and the yellowed
    Belovezh pages up to 0.007 fewer (``bench/ocr_quality_pages.md``). A colour page costs
    Tesseract 1.5-1.9× the time of a grey one, so a page whose colour image holds only grey
    (every rendered PDF page of a grey scan, most scanners' output) is made grey first
    (``is_colourful``).
    """
    if image.mode not in COLOUR_MODES:
        return to_grayscale(image)
    return image.convert("RGB") if is_colourful(image) else image.convert("L")


def is_colourful(image: Image.Image) -> bool:
    """Whether a colour page holds colour: its mean chroma (the spread between its brightest
    and darkest channel), on a copy reduced eightfold, reaches ``MIN_PAGE_CHROMA``."""
    red, green, blue = image.reduce(CHROMA_REDUCTION).convert("RGB").split()
    brightest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    histogram = ImageChops.subtract(brightest, darkest).histogram()
    pixels = sum(histogram)
    return sum(level * count for level, count in enumerate(histogram)) >= MIN_PAGE_CHROMA * pixels


def densest_band(image: Image.Image, share: float) -> Image.Image:
    """The full-width band of ``share`` of the image's height that holds the most ink."""
    gray = to_grayscale(image)
    reduced = gray.reduce(BAND_REDUCTION) if min(gray.size) >= BAND_REDUCTION else gray
    scale = gray.height / reduced.height
    ink_per_row = (np.asarray(reduced) < BAND_INK_LEVEL).sum(axis=1)
    rows = max(1, min(len(ink_per_row), round(len(ink_per_row) * share)))
    window_ink = np.convolve(ink_per_row, np.ones(rows), mode="valid")
    best = np.flatnonzero(window_ink == window_ink.max())
    # The middle of the windows that hold the most ink: the text centred, not cut at an edge.
    top = round(int(best[len(best) // 2]) * scale)
    return image.crop((0, top, image.width, min(image.height, top + round(rows * scale))))


def estimate_skew(image: Image.Image) -> float:
    """Degrees the page's text lines are turned counter-clockwise (as ``Image.rotate`` turns),
    within ±MAX_SKEW_DEGREES; 0.0 for a page without ink.

    Projection-profile method: shear the ink onto rows at each candidate angle and keep the
    angle whose row profile varies most (straight lines give tall peaks and empty gaps).
    """
    ink_y, ink_x, ink = _ink_coordinates(to_grayscale(image))
    if ink.size == 0:
        return 0.0
    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + COARSE_SKEW_STEP / 2, COARSE_SKEW_STEP)
    best = _best_angle(coarse, ink_y, ink_x, ink)
    fine = np.arange(
        best - COARSE_SKEW_STEP, best + COARSE_SKEW_STEP + FINE_SKEW_STEP / 2, FINE_SKEW_STEP
    )
    fine = fine[np.abs(fine) <= MAX_SKEW_DEGREES + FINE_SKEW_STEP / 2]
    return round(_best_angle(fine, ink_y, ink_x, ink), 2) + 0.0  # + 0.0: no "-0.0"


def _ink_coordinates(gray: Image.Image) -> tuple[Floats, Floats, Floats]:
    """Row and column (from the centre) and darkness of every inked pixel of a reduced copy."""
    factor = max(1, math.ceil(max(gray.size) / SKEW_SAMPLE_SIDE))
    sample = np.asarray(gray.reduce(factor) if factor > 1 else gray, dtype=np.float64)
    # Ink is darkness below the paper's shade (the median pixel). Only pixels darker than
    # midway between paper and the darkest ink count: paper grain, guilloche backgrounds and
    # bleed-through are lighter than print, and would blur the profile (and cost time).
    paper = float(np.median(sample))
    darkest_ink = float(np.percentile(sample, INK_PERCENTILE))
    ink = np.clip(paper - sample, 0, None)
    ink[sample > (paper + darkest_ink) / 2] = 0
    rows, cols = np.nonzero(ink)
    height, width = sample.shape
    return rows - height / 2, cols - width / 2, ink[rows, cols]


def _best_angle(angles: Floats, ink_y: Floats, ink_x: Floats, ink: Floats) -> float:
    """The angle among ``angles`` whose sheared row profile has the largest variance."""
    steepest = math.tan(math.radians(float(np.abs(angles).max())))
    half_span = float(np.abs(ink_y).max() + np.abs(ink_x).max() * steepest) + 1
    bins = int(2 * half_span) + 1
    scores = []
    for angle in angles:
        # A line turned counter-clockwise by `angle` rises to the right; undo that rise.
        rows = np.rint(ink_y + ink_x * math.tan(math.radians(angle)) + half_span).astype(np.int64)
        profile = np.bincount(rows, weights=ink, minlength=bins)
        scores.append(float(np.var(profile)))
    return float(angles[int(np.argmax(scores))])
