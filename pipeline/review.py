"""The review page: one self-contained HTML file showing a result against its pages.

Each page's image (drawn from the PDF, or the page image itself) carries the boxes of the
document's parts, coloured by role; the structured text stands beside it, and hovering a
paragraph highlights its box (and the reverse). Images are data URIs and the little script is
inline, so the file opens from disk in any browser with no server and no network.

It reads the published result (``Document.to_dict``, validated by the output schema) and the
source file, never a stage's internals.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from pipeline import __version__
from pipeline.config import Config
from pipeline.extract import render_pdf_pages
from pipeline.images import load_page_images
from pipeline.inputs import display_path, sniff_media_type
from pipeline.process import process_bytes
from pipeline.schema import BoxModel, DocumentModel

REVIEW_DPI = 110
"""Resolution of the page images: sharp enough to read at the page's shown width, small files."""
BOX_PADDING = 1.5
"""Points added around each box, so its frame does not cover the letters it surrounds."""
LOW_CONFIDENCE = 75.0
"""OCR paragraphs whose mean word confidence is below this are framed as low confidence."""

ROLE_COLOURS = {
    "preamble": "#8d6e63",
    "title": "#8e24aa",
    "address": "#00897b",
    "body": "#1e63d6",
    "closing": "#2e7d32",
    "signature": "#ef6c00",
    "back_matter": "#6d4c41",
    "furniture": "#757575",
    "low": "#d50000",
}
"""One colour per role (hex, also used by the tests to find the frames in a screenshot)."""
LEGEND = {"low": f"OCR confidence < {LOW_CONFIDENCE:.0f}"}
"""Legend labels that are not the role's name."""


@dataclass(frozen=True, slots=True)
class Frame:
    """A box to draw over a page: its role, the text element it belongs to, a label."""

    page: int
    box: BoxModel
    role: str
    ref: str
    label: str


def page_images(data: bytes, media_type: str, password: str | None = None) -> list[Image.Image]:
    """The source's pages as images: a PDF drawn by pdfium, an image file's own frames."""
    if media_type == "application/pdf":
        return render_pdf_pages(data, REVIEW_DPI, password)
    if media_type.startswith("image/"):
        return list(load_page_images(data, media_type))
    return []  # plain text has no pages to show


def data_uri(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.convert("L" if image.mode in ("1", "L", "LA") else "RGB").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def body_role(confidence: float | None) -> str:
    return "low" if confidence is not None and confidence < LOW_CONFIDENCE else "body"


def frames(document: DocumentModel) -> list[Frame]:
    """Every box of the result: body paragraphs, the other sections' regions, furniture."""
    found: list[Frame] = []
    for index, paragraph in enumerate(document.body):
        role = body_role(paragraph.provenance.confidence_mean)
        for span in paragraph.provenance.spans:
            if span.box is not None:
                found.append(Frame(span.page, span.box, role, f"b{index}", f"body {index}"))
    refs = section_refs(document)
    for region in document.regions:
        if region.box is not None:
            ref = next(
                (
                    ref
                    for ref, (role, text) in refs.items()
                    if role == region.role and region.text in text
                ),
                region.role,
            )
            found.append(Frame(region.page, region.box, region.role, ref, region.role))
    for index, item in enumerate(document.furniture):
        if item.box is not None:
            found.append(Frame(item.page, item.box, "furniture", f"f{index}", item.role.value))
    return found


def section_refs(document: DocumentModel) -> dict[str, tuple[str, str]]:
    """The text elements outside the body: ref → (role, text)."""
    refs: dict[str, tuple[str, str]] = {}
    for index, line in enumerate(document.preamble):
        refs[f"preamble{index}"] = ("preamble", line)
    for role, text in (
        ("title", document.title),
        ("address", document.address),
        ("closing", document.closing),
        ("signature", document.signature),
    ):
        if text:
            refs[role] = (role, text)
    for index, line in enumerate(document.back_matter):
        refs[f"back_matter{index}"] = ("back_matter", line)
    return refs


# --- HTML --------------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #eceff1; }
header { padding: 10px 20px; background: #263238; color: #fff; }
header h1 { font-size: 18px; margin: 0 0 4px; }
.legend span { display: inline-block; margin-right: 12px; padding-left: 6px;
  border-left: 12px solid var(--c); }
main { display: flex; gap: 20px; padding: 20px; align-items: flex-start; }
.pages { flex: 0 0 auto; width: var(--page-width); }
.page { position: relative; margin: 0 0 20px; background: #fff; outline: 1px solid #010203; }
.page img { display: block; width: 100%; }
.page .blank { width: 100%; }
.page figcaption { position: absolute; right: 4px; bottom: -18px; font-size: 12px; }
.box { position: absolute; box-sizing: border-box; border: 2px solid var(--c);
  background: color-mix(in srgb, var(--c) 8%, transparent); }
.box.hot, .text .hot { box-shadow: 0 0 0 3px #ffd600; background: rgba(255, 214, 0, 0.25); }
.text { flex: 1 1 auto; max-width: 60em; background: #fff; padding: 12px 20px; }
.text [data-ref] { border-left: 4px solid var(--c); padding-left: 8px; margin: 0 0 10px;
  white-space: pre-wrap; cursor: pointer; }
.text h2[data-ref] { font-size: 20px; }
.meta dt { font-weight: 600; } .meta dd { margin: 0 0 4px 12px; }
.small { font-size: 13px; color: #455a64; }
"""

SCRIPT = """
document.querySelectorAll('[data-ref]').forEach(function (element) {
  var ref = element.getAttribute('data-ref');
  var twins = function () { return document.querySelectorAll('[data-ref="' + ref + '"]'); };
  element.addEventListener('mouseenter', function () {
    twins().forEach(function (t) { t.classList.add('hot'); });
  });
  element.addEventListener('mouseleave', function () {
    twins().forEach(function (t) { t.classList.remove('hot'); });
  });
  element.addEventListener('click', function () {
    var other = Array.prototype.find.call(twins(), function (t) { return t !== element; });
    if (other) other.scrollIntoView({ behavior: 'smooth', block: 'center' });
  });
});
"""

PAGE_WIDTH_PX = 760
"""Width each page is shown at (CSS pixels)."""


def _colour(role: str) -> str:
    return f"--c: {ROLE_COLOURS[role]}"


def _percent(value: float, whole: float) -> str:
    return f"{100 * value / whole:.3f}%"


def frame_html(frame: Frame, width: float, height: float) -> str:
    box = frame.box
    x0, top = max(box.x0 - BOX_PADDING, 0.0), max(box.top - BOX_PADDING, 0.0)
    x1, bottom = min(box.x1 + BOX_PADDING, width), min(box.bottom + BOX_PADDING, height)
    style = (
        f"{_colour(frame.role)}; left: {_percent(x0, width)}; top: {_percent(top, height)}; "
        f"width: {_percent(x1 - x0, width)}; height: {_percent(bottom - top, height)}"
    )
    return (
        f'<div class="box role-{frame.role}" data-ref="{frame.ref}" data-role="{frame.role}" '
        f'style="{style}" title="{html.escape(frame.label)}"></div>'
    )


def page_html(
    document: DocumentModel, number: int, image: Image.Image | None, page_frames: Sequence[Frame]
) -> str:
    info = next((p for p in document.pages if p.number == number), None)
    width = info.width if info and info.width else (image.width * 72 / REVIEW_DPI if image else 595)
    height = (
        info.height if info and info.height else (image.height * 72 / REVIEW_DPI if image else 842)
    )
    picture = (
        f'<img src="{data_uri(image)}" alt="page {number}">'
        if image is not None
        else f'<div class="blank" style="aspect-ratio: {width:.2f} / {height:.2f}"></div>'
    )
    caption = f"page {number}" + (f" · {info.method}" if info else "")
    if info and info.confidence is not None:
        caption += f" · confidence {info.confidence:.0f}"
    boxes = "".join(frame_html(frame, width, height) for frame in page_frames)
    return (
        f'<figure class="page" id="page-{number}" data-page="{number}">{picture}{boxes}'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _text_element(tag: str, ref: str, role: str, text: str, extra: str = "") -> str:
    return f'<{tag} {extra}data-ref="{ref}" style="{_colour(role)}">{html.escape(text)}</{tag}>'


def text_html(document: DocumentModel) -> Iterator[str]:
    """The structured text, each element tied to its boxes by ``data-ref``."""
    refs = section_refs(document)
    for ref, (role, text) in refs.items():
        if role == "preamble":
            yield _text_element("p", ref, role, text, 'class="small" ')
    if "title" in refs:
        yield _text_element("h2", "title", "title", refs["title"][1])
    if "address" in refs:
        yield _text_element("p", "address", "address", refs["address"][1])
    for index, paragraph in enumerate(document.body):
        role = body_role(paragraph.provenance.confidence_mean)
        confidence = paragraph.provenance.confidence_mean
        note = f" (OCR confidence {confidence:.0f})" if confidence is not None else ""
        yield (
            f'<p data-ref="b{index}" data-kind="{paragraph.kind.value}" style="{_colour(role)}" '
            f'title="{paragraph.kind.value}, pages {paragraph.pages}{note}">'
            f"{html.escape(paragraph.text)}</p>"
        )
    for role in ("closing", "signature"):
        if role in refs:
            yield _text_element("p", role, role, refs[role][1])
    for ref, (role, text) in refs.items():
        if role == "back_matter":
            yield _text_element("p", ref, role, text, 'class="small" ')
    if document.furniture:
        yield "<h3>Furniture</h3>"
        for index, item in enumerate(document.furniture):
            yield (
                f'<p class="small" data-ref="f{index}" style="{_colour("furniture")}">'
                f"page {item.page}, {item.role.value}: {html.escape(item.text)}</p>"
            )
    if document.noise:
        # Lines set aside as scanner noise have no box to draw; they are listed, never hidden.
        yield "<h3>Noise</h3>"
        for line in document.noise:
            yield f'<p class="small noise">page {line.page}: {html.escape(line.text)}</p>'
    yield from metadata_html(document)


def metadata_html(document: DocumentModel) -> Iterator[str]:
    meta = document.metadata
    named = [
        ("symbol", meta.symbol),
        ("date", meta.date),
        ("place", meta.place),
        ("issuer", meta.issuer),
        ("original language", meta.original_language),
        *[("note", note) for note in meta.notes],
    ]
    known = [(name, value) for name, value in named if value is not None]
    if known:
        yield '<h3>Metadata</h3><dl class="meta">'
        for name, value in known:
            yield f"<dt>{name}</dt><dd>{html.escape(value.value)}</dd>"
        yield "</dl>"
    if document.repairs:
        yield '<h3>Repairs</h3><ul class="small">'
        for repair in document.repairs:
            yield f"<li>{repair.kind.value}: {repair.count}</li>"
        yield "</ul>"


def review_html(document: DocumentModel, images: Sequence[Image.Image]) -> str:
    """The whole page for one result and its page images (none for plain text)."""
    all_frames = frames(document)
    measured = [page for page in document.pages if page.width and page.height]
    count = max(len(images), len(measured))  # without images, boxes go on blank pages
    pages = "".join(
        page_html(
            document,
            number,
            images[number - 1] if number <= len(images) else None,
            [f for f in all_frames if f.page == number],
        )
        for number in range(1, count + 1)
    )
    legend = "".join(
        f'<span style="{_colour(role)}">{LEGEND.get(role, role)}</span>' for role in ROLE_COLOURS
    )
    title = html.escape(document.source.path)
    summary = html.escape(
        f"{document.status.value} · {document.language or 'no language'} · "
        f"{document.source.pages} page(s) · {document.source.media_type}"
        + (f" · {document.error.type}: {document.error.message}" if document.error else "")
    )
    no_pages = (
        ""
        if images
        else '<p class="small">No page images: the source is plain text or was not found.</p>'
    )
    return (
        f'<!DOCTYPE html><html lang="{document.language or "und"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width">'
        f"<title>Review: {title}</title><style>{STYLE}:root {{ --page-width: {PAGE_WIDTH_PX}px; }}"
        f"</style></head><body><header><h1>{title}</h1><div>{summary}</div>"
        f'<div class="legend">{legend}</div></header><main>'
        f'<section class="pages">{pages}</section>'
        f'<section class="text">{no_pages}{"".join(text_html(document))}</section>'
        f"</main><script>{SCRIPT}</script></body></html>\n"
    )


def review_page(document: DocumentModel, source: bytes | None, password: str | None = None) -> str:
    """The review page of a result; ``source`` is the input's bytes (None: boxes on blank pages)."""
    images: list[Image.Image] = []
    if source is not None:
        images = page_images(source, sniff_media_type(source, document.source.path), password)
    return review_html(document, images)


def is_result_file(data: bytes) -> bool:
    """True when ``data`` is a JSON result of this tool rather than an input."""
    return data.lstrip()[:1] == b"{" and b'"schema_version"' in data[:200]


@dataclass(frozen=True, slots=True)
class Review:
    html: str
    warnings: tuple[str, ...] = ()


def review_path(path: Path, config: Config, source: Path | None = None) -> Review:
    """The review page of an input (processed now) or of a result file (its source found at
    ``source``, or at the path the result names, and checked by its hash)."""
    data = path.read_bytes()
    if not is_result_file(data):
        document = process_bytes(data, display_path(path), config)
        model = DocumentModel.model_validate(document.to_dict(__version__))
        return Review(review_page(model, data, config.password))
    model = DocumentModel.model_validate_json(data)
    candidate = source or Path(model.source.path)
    try:
        original = candidate.read_bytes()
    except OSError:
        return Review(
            review_page(model, None), (f"source {candidate} not found: boxes on blank pages",)
        )
    if hashlib.sha256(original).hexdigest() != model.source.sha256:
        return Review(
            review_page(model, None),
            (f"{candidate} is not the file this result was made from: boxes on blank pages",),
        )
    return Review(review_page(model, original, config.password))
