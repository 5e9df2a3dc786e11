"""The review page: self-contained HTML; in headless Chromium a two-page scan shows both pages
with each paragraph's frame drawn where its text is (checked on the screenshot and the DOM)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.review import BOX_PADDING, PAGE_WIDTH_PX, ROLE_COLOURS, text_html
from pipeline.schema import DocumentModel
from tests.browser import CHROMIUM, dump_dom, screenshot
from tests.pdfgen import GeneratedStatement

runner = CliRunner()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (scripts/install-system-deps.sh)"
)
PAGE_OUTLINE = (1, 2, 3)
"""The review page's page outline colour (#010203), unique on the page."""
WINDOW = (1400, 2500)
COLOUR_DISTANCE = 40
INK = 110
"""Gray level below which a screenshot pixel is printed text."""


@pytest.fixture(scope="module")
def reviewed(
    en_statement_scan: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """The scan's result (from `run`) and its review page (from `review RESULT --source`)."""
    folder = tmp_path_factory.mktemp("review")
    (folder / "in").mkdir()
    scan = folder / "in" / "scan.tif"
    scan.write_bytes(en_statement_scan.read_bytes())
    result = runner.invoke(app, ["run", str(folder / "in"), "--out", str(folder / "out"), "-q"])
    assert result.exit_code == 0, result.output
    result_path = folder / "out" / "scan.json"
    page = folder / "scan.html"
    result = runner.invoke(
        app, ["review", str(result_path), "-o", str(page), "--source", str(scan)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(page)
    return page, json.loads(result_path.read_bytes())


def test_page_is_self_contained(reviewed: tuple[Path, dict[str, Any]]) -> None:
    html = reviewed[0].read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=(?!["']?(?:data:|#))""", html)
    assert "http://" not in html
    assert "https://" not in html
    assert html.count('src="data:image/png;base64,') == 2


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


@needs_chromium
def test_dom_has_both_pages_and_a_frame_per_paragraph_span(
    reviewed: tuple[Path, dict[str, Any]],
) -> None:
    page, result = reviewed
    parser = _Elements()
    parser.feed(dump_dom(page))
    figures = [a for tag, a in parser.elements if tag == "figure"]
    assert [a.get("data-page") for a in figures] == ["1", "2"]
    frames = [a for tag, a in parser.elements if "box" in (a.get("class") or "").split()]
    spans = [
        (f"b{index}", span["page"])
        for index, paragraph in enumerate(result["body"])
        for span in paragraph["provenance"]["spans"]
    ]
    body_frames = [a["data-ref"] for a in frames if (a.get("data-ref") or "").startswith("b")]
    assert sorted(body_frames) == sorted(ref for ref, _page in spans)
    text_refs = {a.get("data-ref") for tag, a in parser.elements if tag == "p"}
    assert {ref for ref, _page in spans} <= text_refs  # each frame has its text beside it
    furniture = [a for a in frames if a.get("data-role") == "furniture"]
    assert len(furniture) == len(result["furniture"]) > 0


def page_rectangles(shot: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(left, top, right, bottom) of each page, found by its outline colour."""
    outline = np.all(shot[:, :, :3] == PAGE_OUTLINE, axis=2)
    columns = np.flatnonzero(outline.sum(axis=0) > 200)
    left, right = int(columns.min()), int(columns.max())
    rows = np.flatnonzero(outline[:, left + 5 : right - 5].sum(axis=1) > (right - left) * 0.9)
    edges = [int(r) for i, r in enumerate(rows) if i == 0 or r - rows[i - 1] > 1]
    tops, bottoms = edges[0::2], edges[1::2]
    return [(left, top, right, bottom) for top, bottom in zip(tops, bottoms, strict=False)]


def near(pixels: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    distance = np.abs(pixels[..., :3].astype(int) - np.array(colour)).sum(axis=-1)
    return distance < COLOUR_DISTANCE


def hex_colour(role: str) -> tuple[int, int, int]:
    value = ROLE_COLOURS[role].lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@needs_chromium
def test_screenshot_shows_both_pages_with_frames_where_the_paragraphs_are(
    reviewed: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    page, result = reviewed
    shot = np.asarray(Image.open(screenshot(page, tmp_path / "shot.png", *WINDOW)).convert("RGB"))
    pages = page_rectangles(shot)
    assert len(pages) == 2
    assert all(abs((right - left) - PAGE_WIDTH_PX) <= 2 for left, _t, right, _b in pages)
    sizes = {p["number"]: (p["width"], p["height"]) for p in result["pages"]}
    colour = hex_colour("body")
    checked = 0
    for paragraph in result["body"]:
        for span in paragraph["provenance"]["spans"]:
            left, top, right, bottom = pages[span["page"] - 1]
            width, height = sizes[span["page"]]
            sx, sy = (right - left) / width, (bottom - top) / height
            box = span["box"]
            x0 = round(left + (box["x0"] - BOX_PADDING) * sx)
            x1 = round(left + (box["x1"] + BOX_PADDING) * sx)
            y0 = round(top + (box["top"] - BOX_PADDING) * sy)
            y1 = round(top + (box["bottom"] + BOX_PADDING) * sy)
            # the frame's four sides are drawn in the body colour where the box says
            for side in (
                shot[y0 - 1 : y0 + 3, x0 + 4 : x1 - 4].transpose(1, 0, 2),
                shot[y1 - 3 : y1 + 1, x0 + 4 : x1 - 4].transpose(1, 0, 2),
                shot[y0 + 4 : y1 - 4, x0 - 1 : x0 + 3],
                shot[y0 + 4 : y1 - 4, x1 - 3 : x1 + 1],
            ):
                assert near(side, colour).any(axis=1).mean() > 0.95, (paragraph["text"][:40], box)
            # and the paragraph's printed text is inside it
            inside = shot[y0 + 3 : y1 - 3, x0 + 3 : x1 - 3].mean(axis=2)
            assert (inside < INK).mean() > 0.02
            checked += 1
    assert checked >= len(result["body"])
    # no printed text on the pages is left outside every frame
    for number, (left, top, right, bottom) in enumerate(pages, start=1):
        ink = shot[top + 2 : bottom - 2, left + 2 : right - 2].mean(axis=2) < INK
        covered = np.zeros_like(ink)
        width, height = sizes[number]
        sx, sy = (right - left) / width, (bottom - top) / height
        for box in frame_boxes(result, number):
            covered[
                max(round((box["top"] - BOX_PADDING) * sy) - 2, 0) : round(
                    (box["bottom"] + BOX_PADDING) * sy
                ),
                max(round((box["x0"] - BOX_PADDING) * sx) - 2, 0) : round(
                    (box["x1"] + BOX_PADDING) * sx
                ),
            ] = True
        assert (ink & ~covered).sum() < 0.01 * ink.sum()


def frame_boxes(result: dict[str, Any], page: int) -> list[dict[str, float]]:
    boxes = [
        span["box"]
        for paragraph in result["body"]
        for span in paragraph["provenance"]["spans"]
        if span["page"] == page
    ]
    boxes += [r["box"] for r in result["regions"] if r["page"] == page]
    boxes += [f["box"] for f in result["furniture"] if f["page"] == page]
    return [box for box in boxes if box is not None]


def test_review_of_an_input_processes_it(tmp_path: Path) -> None:
    seed = Path(__file__).parent / "golden" / "seed.txt"
    result = runner.invoke(app, ["review", str(seed), "-o", str(tmp_path / "seed.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "seed.html").read_text(encoding="utf-8")
    assert "No page images" in html
    assert 'data-ref="b0"' in html


def test_review_without_its_source_draws_on_blank_pages(
    reviewed: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    result_path = tmp_path / "r.json"
    result_path.write_text(json.dumps(reviewed[1]), encoding="utf-8")
    result = runner.invoke(app, ["review", str(result_path), "--source", str(tmp_path / "x")])
    assert result.exit_code == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count('class="blank"') == 2
    assert 'data-ref="b0"' in html


def test_review_of_a_failed_document_says_why(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["review", str(empty)])
    assert result.exit_code == 0
    assert "EmptyInputError: empty file" in (tmp_path / "empty.html").read_text(encoding="utf-8")


def test_review_of_a_text_pdf_shows_every_page(
    en_statement_pdf: GeneratedStatement, tmp_path: Path
) -> None:
    page = tmp_path / "en.html"
    result = runner.invoke(app, ["review", str(en_statement_pdf.path), "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    pages = en_statement_pdf.expected.pages
    assert html.count('src="data:image/png;base64,') == pages
    assert html.count('<figure class="page"') == pages
    assert html.count('data-role="body"') >= len(en_statement_pdf.expected.body)


def test_noise_lines_are_listed_on_the_page(reviewed: tuple[Path, dict[str, Any]]) -> None:
    # Scanner noise has no box to frame: the page lists it, as it lists furniture.
    _page, result = reviewed
    noisy = {**result, "noise": [{"text": "ae | <=", "page": 2}, {"text": "==", "page": 1}]}
    listed = "".join(text_html(DocumentModel.model_validate(noisy)))
    assert "<h3>Noise</h3>" in listed
    assert "page 2: ae | &lt;=" in listed
    assert "page 1: ==" in listed
    assert "<h3>Noise</h3>" not in "".join(text_html(DocumentModel.model_validate(result)))
