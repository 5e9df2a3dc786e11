"""Markdown and plain-text renderings: the seed's exactly (golden files), their structure read
back by a Markdown parser, escaping, and offsets into the plain text."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.models import (
    BodyParagraph,
    Document,
    Kind,
    Metadata,
    MetaValue,
    Sections,
    SourceInfo,
    Status,
)
from pipeline.process import process_path
from pipeline.render import body_offsets, escape_markdown, parse_formats, to_markdown, to_text

GOLDEN = Path(__file__).parent / "golden"
SEED = GOLDEN / "seed.txt"
SOURCE = SourceInfo(path="x.txt", sha256="", bytes=0, media_type="text/plain", pages=1)


def updating(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens", default=False))


@pytest.fixture(scope="module")
def seed() -> Document:
    return process_path(SEED, Config(), display_path="seed.txt")


@pytest.mark.parametrize(("suffix", "render"), [("md", to_markdown), ("txt", to_text)])
def test_seed_renders_exactly_as_its_golden_file(
    seed: Document, suffix: str, render: object, request: pytest.FixtureRequest
) -> None:
    golden = GOLDEN / "rendered" / f"seed.{suffix}"
    actual = render(seed)  # type: ignore[operator]
    if updating(request):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} missing: run pytest --update-goldens and review it"
    assert actual == golden.read_text(encoding="utf-8")


def test_document_methods_are_the_renderings(seed: Document) -> None:
    assert seed.to_markdown() == to_markdown(seed)
    assert seed.to_text() == to_text(seed)


def without_front_matter(markdown: str) -> str:
    """The Markdown after its YAML front matter (which plain CommonMark does not know)."""
    assert markdown.startswith("---\n")
    return markdown.split("\n---\n", 1)[1]


def test_seed_markdown_reads_back_as_title_and_paragraphs(seed: Document) -> None:
    tokens = MarkdownIt("commonmark").parse(without_front_matter(seed.to_markdown()))
    headings = [t for i, t in enumerate(tokens) if i and tokens[i - 1].type == "heading_open"]
    assert [t.content for t in headings] == [seed.sections.title]
    paragraphs = [
        t.content for i, t in enumerate(tokens) if i and tokens[i - 1].type == "paragraph_open"
    ]
    body = [p.text for p in seed.sections.body]
    assert paragraphs[0] == seed.sections.address
    assert paragraphs[1 : 1 + len(body)] == body


def test_plain_text_is_the_sections_in_reading_order(seed: Document) -> None:
    blocks = seed.to_text().rstrip("\n").split("\n\n")
    s = seed.sections
    assert blocks[:2] == [s.title, s.address]
    assert blocks[2 : 2 + len(s.body)] == [p.text for p in s.body]
    assert blocks[2 + len(s.body) :] == (s.closing or "").split("\n")


def document(*paragraphs: tuple[str, Kind], **sections: object) -> Document:
    body = tuple(BodyParagraph(text, kind, (1,)) for text, kind in paragraphs)
    return Document(SOURCE, Status.OK, sections=Sections(body=body, **sections))  # type: ignore[arg-type]


def test_list_items_become_markdown_list_items() -> None:
    doc = document(
        ("We propose:", Kind.PARAGRAPH),
        ("1. first, with *stars*;", Kind.LIST_ITEM),
        ("– second;", Kind.LIST_ITEM),
        ("а) third.", Kind.LIST_ITEM),
    )
    tokens = MarkdownIt("commonmark").parse(to_markdown(doc))
    items = [t.content for t in tokens if t.type == "inline" and t.level == 3]
    assert items == ["first, with \\*stars\\*;", "second;", "а) third."]
    assert [t.type for t in tokens if t.type.endswith("list_open")] == [
        "ordered_list_open",
        "bullet_list_open",
    ]


def test_front_matter_holds_metadata_and_preamble() -> None:
    meta = Metadata(
        symbol=MetaValue("PC.DEL/1/24", "PC.DEL/1/24"), date=MetaValue("2024-03-06", "x")
    )
    doc = Document(
        SOURCE,
        Status.OK,
        language="ru",
        sections=Sections(preamble=("Вена", 'Say "hi"'), title="T"),
        metadata=meta,
    )
    assert to_markdown(doc).startswith(
        '---\nsymbol: "PC.DEL/1/24"\ndate: "2024-03-06"\nlanguage: "ru"\n'
        'preamble:\n  - "Вена"\n  - "Say \\"hi\\""\n---\n\n# T\n'
    )


@pytest.mark.parametrize(
    "text",
    ["1. Not a list", "# not a heading", "- not a bullet", "> not a quote", "a_b *c* [d](e) <f>"],
)
def test_escaped_paragraphs_read_back_as_written(text: str) -> None:
    tokens = MarkdownIt("commonmark").parse(escape_markdown(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    rendered = MarkdownIt("commonmark").renderInline(escape_markdown(text))
    assert rendered.replace("&lt;", "<").replace("&gt;", ">") == text


paragraph_text = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


@given(st.lists(paragraph_text, min_size=1, max_size=6), st.one_of(st.none(), paragraph_text))
def test_offsets_slice_the_plain_text(texts: list[str], title: str | None) -> None:
    doc = document(*[(t, Kind.PARAGRAPH) for t in texts], title=title, closing="Спасибо.")
    text = to_text(doc)
    assert [text[start:end] for start, end in body_offsets(doc)] == texts


def test_formats_are_parsed_in_order_without_repeats() -> None:
    assert parse_formats("json, md,txt,md") == ("json", "md", "txt")
    with pytest.raises(UsageError, match="docx"):
        parse_formats("json,docx")


markdown_prone = (
    st.lists(
        st.one_of(
            st.sampled_from(list("ab Я1.#>-+*_`[]()<>!\\&;|~=:")),
            st.sampled_from(["&amp;", "&#1;", "&#x41;", "~~", "```", "1) ", "    "]),
        ),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda text: text.strip() == text and text)
)


@given(markdown_prone)
def test_any_escaped_line_reads_back_as_written(text: str) -> None:
    tokens = MarkdownIt("commonmark").parse(escape_markdown(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    rendered = MarkdownIt("commonmark").renderInline(escape_markdown(text))
    assert html.unescape(rendered) == text
