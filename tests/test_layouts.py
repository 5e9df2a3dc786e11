"""Paragraphs and furniture on layout families the corpus does not hold, drawn with reportlab.

Each family sets the same statements in another way (indents, small gaps, double spacing, a
narrow condensed font, ragged or tight text, page numbers in other formats and places); the
pipeline must find the same paragraphs and move the same furniture out of the text, from the
PDF and from the plain text of the same lines.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import Config, process_path, process_text
from pipeline.models import Document
from tests.pdfgen import (
    Layout,
    StatementSpec,
    break_points,
    english_statement,
    generate_statement,
    layout_statement,
    make_text_pdf,
    russian_statement,
    text_width,
    wrap_paragraph,
)

CONFIG = Config()
OPENING_WORDS = 6
"""A paragraph is recognised by its first words: the test is about where paragraphs start."""

LAYOUT_FAMILIES = {
    "indented": Layout(paragraphs="indent", indent=36.0),
    "large indent": Layout(paragraphs="indent", indent=80.0, page_number_format="{n} | Page"),
    "block, small gap": Layout(
        paragraphs="space", paragraph_space=3.0, page_number_format="[{n}]", leading=1.3
    ),
    "double-spaced": Layout(
        paragraphs="indent",
        leading=2.3,
        body_size=12.0,
        page_number_format="-{n}-",
        page_number_position="top",
    ),
    "narrow condensed font": Layout(
        body_font="DejaVuSansCondensed",
        body_size=11.0,
        margin_right=200.0,
        paragraphs="both",
        indent=20.0,
        paragraph_space=4.0,
        page_number_format="Page {n} of {total}",
    ),
    "ragged right": Layout(justify=False, page_number_format="— {n} —"),
    "tight leading": Layout(leading=1.08, paragraphs="indent", indent=24.0),
}


REFERENCE_CODE = "Ref.: 05/311"
"""A letter's reference code, printed as the running header of the "large indent" family."""


def spec_for(language: str, layout: Layout) -> StatementSpec:
    spec = (russian_statement if language == "ru" else english_statement)(layout)
    if layout.page_number_format == "{n} | Page":
        return replace(spec, doc_code=REFERENCE_CODE)
    return spec


def openings(paragraphs: tuple[str, ...] | list[str]) -> list[str]:
    return [" ".join(text.split()[:OPENING_WORDS]) for text in paragraphs]


def body_texts(document: Document) -> list[str]:
    return [paragraph.text for paragraph in document.sections.body]


def plain_text_of(spec: StatementSpec) -> str:
    """The drawn lines in reading order, pages split by form feeds (as text extraction gives)."""
    pages = layout_statement(spec).pages
    return "\f".join(
        "\n".join(line.text for line in sorted(lines, key=lambda line: line.baseline))
        for lines in pages
    )


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("family", sorted(LAYOUT_FAMILIES))
def test_pdf_paragraphs_and_furniture(family: str, language: str, tmp_path: Path) -> None:
    spec = spec_for(language, LAYOUT_FAMILIES[family])
    generated = generate_statement(tmp_path / "statement.pdf", spec)
    document = process_path(generated.path, CONFIG)
    assert openings(body_texts(document)) == openings(spec.paragraphs)
    expected_furniture = {(item.text, item.page) for item in generated.expected.furniture}
    assert {(item.text, item.page) for item in document.furniture} == expected_furniture
    assert generated.expected.pages > 1  # the family shows its furniture on several pages
    assert not any(item.text in " ".join(body_texts(document)) for item in document.furniture)


VISIBLE_MARGIN = 0.04
"""Share of the measure by which a line must stop short for plain text to show it: plain text
is measured in a reference font, not the one the page was set in."""


def visible_openings(spec: StatementSpec) -> set[str]:
    """Openings of the paragraphs whose start plain text still shows (indents and gaps are gone):
    the paragraph before ends well short of the measure, or its own first line does."""
    lay = spec.layout
    font, size, measure = lay.body_font, lay.body_size, lay.text_width
    indent = lay.indent if lay.paragraphs in ("indent", "both") else 0.0
    points = break_points(spec.hyphenation)
    wrapped = [
        wrap_paragraph(text, measure - indent, measure, font, size, points, lay.hyphen)
        for text in spec.paragraphs
    ]
    limit = measure * (1 - VISIBLE_MARGIN)

    def reach(words: tuple[str, ...], following: str) -> float:
        return text_width(" ".join((*words, following)), font, size)

    visible = set()
    for before, lines, text in zip(wrapped, wrapped[1:], spec.paragraphs[1:], strict=False):
        last_short = reach(before[-1].words, lines[0].words[0]) < limit
        first_short = (
            len(lines) > 1
            and lines[0].split is None
            and reach(lines[0].words, lines[1].words[0]) < limit
        )
        if last_short or first_short:
            visible.add(" ".join(text.split()[:OPENING_WORDS]))
    return visible


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("family", sorted(LAYOUT_FAMILIES))
def test_plain_text_paragraphs_and_furniture(family: str, language: str) -> None:
    spec = spec_for(language, LAYOUT_FAMILIES[family])
    document = process_text(plain_text_of(spec), CONFIG)
    found = openings(body_texts(document))
    # every paragraph found is a real one, and every start the text still shows is found
    assert set(found) <= set(openings(spec.paragraphs))
    assert visible_openings(spec) <= set(found)
    assert len(visible_openings(spec)) >= len(spec.paragraphs) // 2  # the family shows enough
    body = " ".join(body_texts(document))
    assert document.furniture
    assert not any(item.text in body for item in document.furniture if len(item.text) > 3)


def test_salutation_at_the_top_of_every_page_is_text_not_a_running_header(
    tmp_path: Path,
) -> None:
    """A speech that turns to the chair at the top of each page: repeated, in the top zone,
    and still the speaker's words."""
    sentences = [
        f"This is sentence {number} of the speech, and it runs on for a while before it ends."
        for number in range(1, 31)
    ]
    pages = [["Excellencies", *sentences[i : i + 10]] for i in (0, 10, 20)]
    path = make_text_pdf(tmp_path / "salutations.pdf", pages)
    document = process_path(path, CONFIG)
    assert all(item.text != "Excellencies" for item in document.furniture)
    sections = document.sections
    words = " ".join(
        [sections.address or "", *(p.text for p in sections.body), sections.closing or ""]
    )
    assert words.count("Excellencies") == 3
