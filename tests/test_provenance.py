"""Provenance: each body paragraph's box holds the text drawn for it, on a generated text PDF
and on a generated scan of it; offsets slice the plain text exactly; OCR confidences."""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.models import Box, Document, Line, Origin, Status
from pipeline.process import process_path
from pipeline.provenance import confidence_of, union_box
from tests.pdfgen import GeneratedStatement, TextLine, text_width

TEXT_TOLERANCE = 1.0
"""Points a text-layer box may differ from the drawn line (glyph side bearings)."""
OCR_TOLERANCE = 4.0
"""Points an OCR box may differ from the drawn line (ink edges at 300 dpi, deskew)."""


def drawn_extent(line: TextLine) -> Box:
    """Where the line's ink lies: from its x to its right end, around its baseline."""
    width = text_width(line.text, line.font, line.size)
    if line.justify_to is not None and len(line.words) > 1:
        width = line.justify_to  # justified: the word gaps stretched to this width
    right = line.x + width
    return Box(line.x, line.baseline - 0.7 * line.size, right, line.baseline + 0.1 * line.size)


def holds(outer: Box, inner: Box, tolerance: float) -> bool:
    return (
        outer.x0 - tolerance <= inner.x0
        and outer.x1 + tolerance >= inner.x1
        and outer.top - tolerance <= inner.top
        and outer.bottom + tolerance >= inner.bottom
    )


def paragraph_of(line: TextLine, paragraphs: tuple[str, ...]) -> int | None:
    """The expected paragraph drawing ``line``, told by its inner words (a line's first and
    last word may be halves of hyphenated words)."""
    inner = " ".join(line.words[1:-1])
    if len(line.words) < 4:
        return None
    found = [index for index, text in enumerate(paragraphs) if inner in text]
    return found[0] if len(found) == 1 else None


def body_lines_by_paragraph(
    statement: GeneratedStatement,
) -> dict[int, list[tuple[int, TextLine]]]:
    drawn: dict[int, list[tuple[int, TextLine]]] = {}
    for number, lines in enumerate(statement.layout.pages, start=1):
        for line in lines:
            if line.role != "body":
                continue
            index = paragraph_of(line, statement.expected.body)
            if index is not None:
                drawn.setdefault(index, []).append((number, line))
    return drawn


SAME_PARAGRAPH = 0.95
"""Similarity above which an OCR paragraph is the drawn one (OCR may misread a letter)."""


def closest(expected: str, texts: list[str]) -> int:
    """The paragraph read for the drawn ``expected`` one."""
    ratios = [SequenceMatcher(None, expected, text).ratio() for text in texts]
    best = max(range(len(texts)), key=ratios.__getitem__)
    assert ratios[best] > SAME_PARAGRAPH, (expected, texts[best])
    return best


def assert_boxes_hold_drawn_text(
    document: Document, statement: GeneratedStatement, tolerance: float
) -> None:
    published = document.to_dict("test")
    body = published["body"]
    assert isinstance(body, list)
    texts = [paragraph["text"] for paragraph in body]
    drawn = body_lines_by_paragraph(statement)
    assert len(drawn) == len(statement.expected.body)
    checked = 0
    for index, lines in drawn.items():
        position = closest(statement.expected.body[index], texts)
        spans = {span["page"]: span["box"] for span in body[position]["provenance"]["spans"]}
        for page, line in lines:
            box = Box(**spans[page])
            extent = drawn_extent(line)
            assert holds(box, extent, tolerance), (index, page, line.text, box, extent)
            # ...and no other paragraph's box holds it
            for other, paragraph in enumerate(body):
                if other == position:
                    continue
                for span in paragraph["provenance"]["spans"]:
                    if span["page"] == page:
                        assert not holds(Box(**span["box"]), extent, 0.0)
            checked += 1
    assert checked > 20


def assert_offsets_slice_text(document: Document) -> None:
    text = document.to_text()
    published = document.to_dict("test")
    for paragraph in published["body"]:  # type: ignore[attr-defined]
        start, end = paragraph["provenance"]["start"], paragraph["provenance"]["end"]
        assert text[start:end] == paragraph["text"]


def test_text_pdf_boxes_hold_each_paragraphs_drawn_lines(
    en_statement_pdf: GeneratedStatement, ru_statement_pdf: GeneratedStatement
) -> None:
    for statement in (en_statement_pdf, ru_statement_pdf):
        document = process_path(statement.path, Config())
        assert document.status is Status.OK
        assert_boxes_hold_drawn_text(document, statement, TEXT_TOLERANCE)
        assert_offsets_slice_text(document)
        spans = [s for p in document.to_dict("t")["body"] for s in p["provenance"]["spans"]]  # type: ignore[attr-defined]
        assert {span["method"] for span in spans} == {"text"}


@pytest.fixture(scope="module")
def scanned(en_statement_scan: Path) -> Document:
    return process_path(en_statement_scan, Config(page_workers=2))


def test_scan_boxes_hold_each_paragraphs_drawn_lines(
    scanned: Document, en_statement_pdf: GeneratedStatement
) -> None:
    assert scanned.status is Status.OK
    assert len(scanned.pages) == 2
    assert len(scanned.sections.body) == len(en_statement_pdf.expected.body)
    assert_boxes_hold_drawn_text(scanned, en_statement_pdf, OCR_TOLERANCE)
    assert_offsets_slice_text(scanned)


def test_scan_paragraphs_carry_ocr_confidence(scanned: Document) -> None:
    for paragraph in scanned.to_dict("t")["body"]:  # type: ignore[attr-defined]
        provenance = paragraph["provenance"]
        assert {span["method"] for span in provenance["spans"]} == {"ocr"}
        assert 0 < provenance["confidence_min"] <= provenance["confidence_mean"] <= 100


def test_plain_text_has_offsets_but_no_boxes() -> None:
    document = process_path(Path(__file__).parent / "golden" / "seed.txt", Config())
    assert_offsets_slice_text(document)
    for paragraph in document.to_dict("t")["body"]:  # type: ignore[attr-defined]
        assert [span["box"] for span in paragraph["provenance"]["spans"]] == [None]
        assert paragraph["provenance"]["confidence_mean"] is None


def test_union_box_is_unknown_when_any_line_has_no_box() -> None:
    assert union_box([Box(1, 2, 3, 4), Box(0, 5, 2, 6)]) == Box(0, 2, 3, 6)
    assert union_box([Box(1, 2, 3, 4), None]) is None
    assert union_box([]) is None


def test_confidence_is_word_weighted_mean_and_least_word() -> None:
    lines = [
        Line("one two three", 1, Origin.OCR, confidence=90.0, min_confidence=80.0),
        Line("four", 1, Origin.OCR, confidence=50.0, min_confidence=50.0),
    ]
    assert confidence_of(lines) == (80.0, 50.0)
    assert confidence_of([Line("x", 1, Origin.TEXT_LAYER)]) == (None, None)
