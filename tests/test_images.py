"""Page images: loading PNG/JPEG/TIFF safely, and preparing pages for OCR (grayscale, deskew)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import DamagedDocumentError, EmptyInputError, UnsupportedInputError
from pipeline.images import (
    MAX_PAGE_PIXELS,
    MIN_SKEW_TO_CORRECT,
    densest_band,
    estimate_skew,
    for_tesseract,
    image_dpi,
    is_colourful,
    load_page_images,
    prepare_for_ocr,
    to_grayscale,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
EXIF_ORIENTATION = 0x0112
BLACK, WHITE = 0, 255


def marked_page(size: tuple[int, int] = (300, 200), mode: str = "L") -> Image.Image:
    """A white page with a black square in its top-left corner, to tell which way is up."""
    page = Image.new(mode, size, "white")
    ImageDraw.Draw(page).rectangle((0, 0, 49, 49), fill="black")
    return page


def encode(image: Image.Image, pil_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=pil_format, **options)
    return buffer.getvalue()


def is_dark(image: Image.Image, xy: tuple[int, int]) -> bool:
    value = image.convert("L").getpixel(xy)
    assert isinstance(value, int)
    return value < 128


def text_page(lines: int = 8) -> Image.Image:
    """A page of DejaVu Sans text lines, as a 300-dpi scan of 12-point type would show them."""
    font = ImageFont.truetype(FONT, 50)
    page = Image.new("L", (2000, 200 + lines * 100), "white")
    draw = ImageDraw.Draw(page)
    for i in range(lines):
        draw.text((100, 100 + i * 100), "Российская Федерация придает значение", font=font)
    return page


def png_declaring_size(width: int, height: int) -> bytes:
    """A real 1×1 PNG whose IHDR chunk is rewritten to declare ``width``×``height`` pixels."""
    data = bytearray(encode(Image.new("1", (1, 1)), "PNG"))
    ihdr_start = 8  # after the PNG signature: length (4), "IHDR" (4), data (13), CRC (4)
    assert data[ihdr_start + 4 : ihdr_start + 8] == b"IHDR"
    data[ihdr_start + 8 : ihdr_start + 16] = struct.pack(">II", width, height)
    chunk = bytes(data[ihdr_start + 4 : ihdr_start + 8 + 13])
    data[ihdr_start + 21 : ihdr_start + 25] = struct.pack(">I", zlib.crc32(chunk))
    return bytes(data)


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pil_format", "media_type", "mode"),
    [
        ("PNG", "image/png", "L"),
        ("PNG", "image/png", "RGB"),
        ("JPEG", "image/jpeg", "L"),
        ("JPEG", "image/jpeg", "RGB"),
        ("TIFF", "image/tiff", "1"),
        ("TIFF", "image/tiff", "RGB"),
    ],
)
def test_single_page_images_load_as_one_page(pil_format: str, media_type: str, mode: str) -> None:
    data = encode(marked_page(mode=mode), pil_format)

    pages = list(load_page_images(data, media_type))

    assert len(pages) == 1
    assert pages[0].size == (300, 200)
    assert is_dark(pages[0], (10, 10))
    assert not is_dark(pages[0], (290, 190))


def test_every_frame_of_a_multipage_tiff_is_a_page_in_order() -> None:
    frames = [marked_page((300 + 10 * i, 200)) for i in range(3)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])

    pages = list(load_page_images(data, "image/tiff"))

    assert [page.size for page in pages] == [(300, 200), (310, 200), (320, 200)]
    assert all(is_dark(page, (10, 10)) for page in pages)


@pytest.mark.parametrize(
    ("orientation", "size", "dark_corner"),
    [
        (1, (300, 200), (10, 10)),  # upright as stored: left alone
        (3, (300, 200), (289, 189)),  # stored upside down
        (6, (200, 300), (189, 10)),  # stored turned: shown 90° clockwise
        (8, (200, 300), (10, 289)),  # shown 90° counter-clockwise
    ],
)
def test_exif_orientation_is_applied(
    orientation: int, size: tuple[int, int], dark_corner: tuple[int, int]
) -> None:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    data = encode(marked_page(), "JPEG", exif=exif)

    (page,) = load_page_images(data, "image/jpeg")

    assert page.size == size
    assert is_dark(page, dark_corner)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (40_000, 40_000),  # 1600 MP: past Pillow's own hard limit too
        (10_000, 9_000),  # 90 MP: past Pillow's warning level
        (9_000, 9_000),  # 81 MP: past ours only
        (MAX_PAGE_PIXELS + 1, 1),
    ],
)
def test_oversized_image_is_refused_before_decoding(
    width: int, height: int, recwarn: pytest.WarningsRecorder
) -> None:
    # The file holds one pixel: decoding it would fail as damaged, so "too large" proves the
    # declared size was refused first.
    data = png_declaring_size(width, height)

    with pytest.raises(UnsupportedInputError, match="too large"):
        list(load_page_images(data, "image/png"))
    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


def test_our_limit_names_the_size_and_the_limit() -> None:
    with pytest.raises(UnsupportedInputError) as caught:
        list(load_page_images(png_declaring_size(9_000, 9_000), "image/png"))
    assert "9000×9000" in str(caught.value)
    assert f"{MAX_PAGE_PIXELS / 1e6:g} MP" in str(caught.value)


@pytest.mark.parametrize(
    ("pil_format", "media_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")],
)
def test_truncated_image_is_damaged(pil_format: str, media_type: str) -> None:
    data = encode(text_page(lines=3), pil_format)

    with pytest.raises(DamagedDocumentError):
        list(load_page_images(data[: len(data) // 2], media_type))


@pytest.mark.parametrize(
    ("data", "media_type", "error"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 4, "image/png", DamagedDocumentError),
        (encode(marked_page(), "PNG"), "image/jpeg", DamagedDocumentError),  # wrong decoder
        (b"", "image/png", EmptyInputError),
        (encode(marked_page(), "GIF"), "image/gif", UnsupportedInputError),
    ],
    ids=["garbage-after-magic", "png-claimed-as-jpeg", "empty", "gif"],
)
def test_unreadable_inputs_raise_document_errors(
    data: bytes, media_type: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        list(load_page_images(data, media_type))


# --- resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pil_format", "media_type", "options", "expected"),
    [
        ("PNG", "image/png", {"dpi": (300, 300)}, 300.0),
        ("JPEG", "image/jpeg", {"dpi": (200, 200)}, 200.0),
        ("TIFF", "image/tiff", {"dpi": (150, 150)}, 150.0),
        ("PNG", "image/png", {}, None),
    ],
)
def test_image_dpi_reads_the_declared_resolution(
    pil_format: str, media_type: str, options: dict[str, object], expected: float | None
) -> None:
    (page,) = load_page_images(encode(marked_page(), pil_format, **options), media_type)

    dpi = image_dpi(page)

    assert dpi == (None if expected is None else pytest.approx(expected, abs=0.01))


def test_fax_resolution_is_stretched_to_square_pixels() -> None:
    # A standard-mode fax: 204 dpi across, 98 dpi down.
    data = encode(marked_page((408, 196)), "TIFF", dpi=(204, 98))

    (page,) = load_page_images(data, "image/tiff")

    assert page.size == (408, 408)
    assert image_dpi(page) == pytest.approx(204)
    assert is_dark(page, (10, 10))
    assert is_dark(page, (10, 95))  # the 50-pixel mark is now about 104 pixels high
    assert not is_dark(page, (10, 115))


# --- preparing for OCR -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "1", "P", "L"])
def test_to_grayscale_gives_8_bit_gray(mode: str) -> None:
    gray = to_grayscale(marked_page(mode=mode))

    assert gray.mode == "L"
    assert is_dark(gray, (10, 10))
    assert not is_dark(gray, (200, 100))


@pytest.mark.parametrize("mode", ["I;16", "I"])
def test_16_bit_grayscale_is_scaled_not_clipped(mode: str) -> None:
    page = Image.new(mode, (100, 100), 60_000)  # light paper, in 16-bit values
    ImageDraw.Draw(page).rectangle((0, 0, 9, 9), fill=3_000)  # dark ink

    gray = to_grayscale(page)

    assert gray.mode == "L"
    assert gray.getpixel((50, 50)) == round(60_000 * 255 / 65_535)
    assert gray.getpixel((5, 5)) == round(3_000 * 255 / 65_535)


def test_16_bit_png_loads_and_reads_as_gray() -> None:
    page = Image.new("I;16", (100, 100), 60_000)
    ImageDraw.Draw(page).rectangle((0, 0, 9, 9), fill=3_000)

    (loaded,) = load_page_images(encode(page, "PNG"), "image/png")

    assert is_dark(to_grayscale(loaded), (5, 5))
    assert not is_dark(to_grayscale(loaded), (50, 50))


def test_transparent_background_becomes_white_paper() -> None:
    page = Image.new("RGBA", (100, 100), (0, 0, 0, 0))  # fully transparent "black"
    ImageDraw.Draw(page).rectangle((0, 0, 9, 9), fill=(0, 0, 0, 255))

    gray = to_grayscale(page)

    assert gray.getpixel((50, 50)) == WHITE
    assert gray.getpixel((5, 5)) == BLACK


@pytest.mark.parametrize("angle", [3.0, -3.0, 1.0, -4.5])
def test_skew_estimate_comes_back_within_half_a_degree(angle: float) -> None:
    tilted = text_page().rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=WHITE
    )

    assert estimate_skew(tilted) == pytest.approx(angle, abs=0.5)


@pytest.mark.parametrize(
    "page",
    [text_page(), Image.new("L", (800, 600), WHITE), Image.new("L", (800, 600), BLACK)],
    ids=["straight-text", "blank", "all-black"],
)
def test_straight_or_empty_pages_have_no_skew(page: Image.Image) -> None:
    assert abs(estimate_skew(page)) <= MIN_SKEW_TO_CORRECT


def test_prepare_for_ocr_straightens_a_tilted_page_and_keeps_its_corners() -> None:
    straight = text_page()
    tilted = straight.convert("RGB").rotate(
        3.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"
    )

    prepared = prepare_for_ocr(tilted)

    assert prepared.mode == "L"
    assert abs(estimate_skew(prepared)) <= MIN_SKEW_TO_CORRECT
    assert prepared.width >= tilted.width
    assert prepared.height >= tilted.height
    assert prepared.getpixel((0, 0)) == WHITE  # the new corners are paper, not black


def test_prepare_for_ocr_leaves_a_slight_skew_to_tesseract() -> None:
    # Under a degree Tesseract follows the lines itself; resampling would only blur them.
    tilted = text_page().rotate(
        0.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=WHITE
    )

    prepared = prepare_for_ocr(tilted)

    assert prepared.tobytes() == tilted.tobytes()


def test_a_colour_page_goes_to_tesseract_in_colour() -> None:
    # Tesseract binarises each channel: blue ink on yellow paper reads better so than in grey.
    page = Image.new("RGB", (80, 40), (250, 240, 120))
    page.paste((20, 30, 140), (10, 10, 70, 30))
    assert for_tesseract(page).mode == "RGB"


def test_a_grey_page_in_an_rgb_image_goes_to_tesseract_in_grey() -> None:
    # A rendered PDF page of a grey scan: RGB, every pixel grey. Grey costs Tesseract less.
    grey = text_page()
    page = grey.convert("RGB")
    handed = for_tesseract(page)
    assert handed.mode == "L"
    assert handed.tobytes() == grey.tobytes()


def test_a_little_jpeg_noise_does_not_make_a_page_colourful() -> None:
    page = text_page().convert("RGB")
    page.putpixel((0, 0), (255, 0, 0))  # one stray coloured pixel
    assert not is_colourful(page)


def test_a_straightened_colour_page_gets_white_corners() -> None:
    tilted = (
        text_page()
        .convert("RGB")
        .rotate(3.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    )
    tinted = Image.blend(tilted, Image.new("RGB", tilted.size, (255, 220, 120)), 0.3)
    prepared = prepare_for_ocr(tinted)
    assert prepared.mode == "RGB"
    assert prepared.size != tinted.size  # it was turned
    assert prepared.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize("mode", ["RGBA", "P", "1"])
def test_prepare_for_ocr_gives_other_modes_in_grayscale(mode: str) -> None:
    prepared = prepare_for_ocr(text_page().convert(mode))

    assert prepared.mode == "L"


def test_prepare_for_ocr_leaves_a_straight_page_unturned() -> None:
    page = text_page()

    prepared = prepare_for_ocr(page)

    assert prepared.size == page.size
    assert prepared.tobytes() == page.tobytes()


def test_the_densest_band_is_where_the_text_is() -> None:
    # A letter: a few lines at the foot of an otherwise empty page.
    text = text_page(lines=4)
    page = Image.new("L", (text.width, 3000), "white")
    page.paste(text, (0, 2400))
    band = densest_band(page, 1 / 6)

    def ink(image: Image.Image) -> int:
        return sum(image.histogram()[:128])

    assert band.width == page.width
    assert band.height == pytest.approx(500, abs=8)
    assert ink(band) == ink(page)  # every line of text is in it
