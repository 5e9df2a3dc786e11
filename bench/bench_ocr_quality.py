"""OCR text quality: the pipeline's reading of each page against the bare ``tesseract`` command.

Real scans have no transcription, so they are compared by measures that need none: the share
of words the lexicon knows (in the page's detected language), words mixing Latin and Cyrillic
letters (a misread: "поп-permanent"), and characters per page. Generated two-column scans
(tests/test_layout.py's pages, rendered to images) are compared by CER against the drawn text.

Bare Tesseract reads each page image as rendered for the pipeline, with its default language
and with ``-l eng``, ``-l rus`` and ``-l rus+eng``. The pipeline's side is its extraction
(script-aware languages, orientation, deskew, reading order) and its repairs, page by page.

    python bench/bench_ocr_quality.py                        # every page of corpus/real scans
    python bench/bench_ocr_quality.py --max-pages 1 --columns 2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
from PIL import Image

from pipeline.config import Config, OcrMode
from pipeline.inputs import sniff_media_type
from pipeline.lexicon import WORD, detect_language, known_share, script_of
from pipeline.process import extract
from pipeline.repair import repair_pages
from tests.pdfgen import ENGLISH_PARAGRAPHS
from tests.test_layout import TITLE, cer, column_page, drawn_text

REAL_SCANS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "scanned"
BARE_SETTINGS: dict[str, list[str]] = {
    "default": [],
    "eng": ["-l", "eng"],
    "rus": ["-l", "rus"],
    "rus+eng": ["-l", "rus+eng"],
}
DPI = 300
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def page_images(path: Path, folder: Path, max_pages: int | None) -> list[Path]:
    """The document's pages as images: rendered PDF pages, or the image itself."""
    if path.suffix.lower() != ".pdf":
        return [path]
    images = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages[:max_pages], start=1):
            target = folder / f"{path.stem}-{number}.png"
            page.to_image(resolution=DPI).original.save(target)
            images.append(target)
    return images


def bare(image: Path, options: list[str]) -> str:
    result = subprocess.run(
        ["tesseract", str(image), "-", "--dpi", str(DPI), *options],
        capture_output=True,
        text=True,
        env=TESSERACT_ENV,
        check=False,
    )
    return result.stdout


def pipeline_pages(path: Path, max_pages: int | None) -> list[str]:
    data = path.read_bytes()
    config = Config(ocr=OcrMode.ALWAYS, max_pages=None)
    extraction = extract(data, sniff_media_type(data, path.name), config)
    pages, _ = repair_pages(extraction.pages[:max_pages], config)
    return ["\n".join(line.text for line in page.lines) for page in pages]


def measures(text: str) -> tuple[float, int, int]:
    """(share of known words, words mixing scripts, characters)."""
    words = WORD.findall(text)
    mixed = sum(script_of(word) == "mixed" for word in words)
    share = known_share(text, language=detect_language(text))
    return share, mixed, len("".join(text.split()))


def real_table(folder_of_scans: Path, max_pages: int | None) -> list[str]:
    rows = ["| page | reader | known | mixed | chars |", "|---|---|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted(folder_of_scans.iterdir()):
            ours = pipeline_pages(path, max_pages)
            for number, image in enumerate(page_images(path, Path(folder), max_pages), start=1):
                readings = {"pipeline": ours[number - 1] if number <= len(ours) else ""}
                readings |= {name: bare(image, opts) for name, opts in BARE_SETTINGS.items()}
                for reader, text in readings.items():
                    share, mixed, chars = measures(text)
                    rows.append(
                        f"| {path.name} p{number} | {reader} | {share:.2f} | {mixed} | {chars} |"
                    )
                print("\n".join(rows[-len(readings) :]), file=sys.stderr)
    return rows


def columns_table(columns: int) -> list[str]:
    rows = ["| generated scan | reader | CER |", "|---|---|---:|"]
    with tempfile.TemporaryDirectory() as folder:
        pdf = column_page(Path(folder) / "cols.pdf", ENGLISH_PARAGRAPHS[:2], columns, TITLE)
        truth = drawn_text(ENGLISH_PARAGRAPHS[:2], TITLE)
        (image,) = page_images(pdf, Path(folder), None)
        readings = {"pipeline": " ".join(pipeline_pages(pdf, None))}
        readings |= {name: bare(image, opts) for name, opts in BARE_SETTINGS.items()}
        for reader, text in readings.items():
            rows.append(f"| {columns} columns + title | {reader} | {cer(text, truth):.3f} |")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-pages", type=int, default=None, help="pages per document")
    parser.add_argument("--columns", type=int, default=2, help="columns of the generated scan")
    parser.add_argument("--skip-real", action="store_true", help="generated scans only")
    parser.add_argument("--real", type=Path, default=REAL_SCANS, help="folder of real scans")
    args = parser.parse_args(argv)
    Image.MAX_IMAGE_PIXELS = None
    print("\n".join(columns_table(args.columns)))
    if not args.skip_real:
        print()
        print("\n".join(real_table(args.real, args.max_pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
