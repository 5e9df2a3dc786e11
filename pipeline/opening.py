"""The opening of a statement: preamble, title and the salutation block.

A statement opens with a head (issuer, document code, date, labels, a letter's recipient, then
the title), a salutation block of one or more short vocative lines, then the body. The head
ends where running text begins; the salutation block is the last run of vocative lines before
it (a letter's recipient block above it is preamble). The title is found by layout where there
is layout (the prominent paragraph: bold or larger than the body) and otherwise by position and
form (after the last preamble-shaped line, a heading that is no form of address).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from pipeline.formulas import is_byline, is_preamble_shaped, is_vocative_line, opens_topic
from pipeline.lineshape import starts_list_item
from pipeline.models import Line, Origin, Paragraph

HEAD_SEARCH_LIMIT = 24
"""The head and salutation block are looked for among this many first paragraphs."""
HEAD_MAX_CHARS = 300
"""A head paragraph (preamble or title) is never longer than this."""
MAX_PREAMBLE_SENTENCE_WORDS = 6
"""A preamble line ending in a full stop is a date or a reference ("Вена, 6 марта 2024 г.")."""
MIN_TITLE_WORDS = 3
"""Plain text: a title is a heading of at least this many words ("New York" is a place)."""
MAX_HEADING_WORDS_BEFORE_COLON = 12
"""A paragraph ending in ":" this short is a heading's first part, not a sentence of the body."""
SIZE_CHANGE = 0.6
"""Points of font-size difference that make a paragraph prominent (a heading)."""
OCR_TITLE_SIZE_SHARE = 0.95
"""OCR: a title is set at least this share of the body text's size; preamble lines are smaller
(measured on scans: titles 0.98-1.09 of the body size, preamble lines 0.82-0.91)."""
EXPLICIT_END = re.compile(r"[,!:;.]$")
SENTENCE_END = re.compile(r"[.!?:;…]['\"»”’)]*$")
SENTENCE_FINAL = re.compile(r"(?:[!?;]|(?<!\s\w)\.)$")
"""A sentence's last character; "г." and "р." after a date are abbreviations."""


@dataclass(frozen=True, slots=True)
class Opening:
    preamble: tuple[str, ...]
    title: str | None
    address_lines: tuple[Line, ...]
    body: tuple[Paragraph, ...]


def is_preamble_line(text: str) -> bool:
    """Issuer, document code, date, language note, recipient: the shapes of a preamble.

    A preamble line is a label, not a sentence: a text ending like a sentence with more than
    a few words ("Делегация считает, что ...") is body text whatever its first word. A full
    stop after a one-letter word closes an abbreviation ("… 5 марта 2025 г."), not a sentence.
    """
    text = " ".join(text.split())
    if len(text.split()) > MAX_PREAMBLE_SENTENCE_WORDS and SENTENCE_FINAL.search(text):
        return False
    return is_preamble_shaped(text) or is_byline(text)


def is_vocative_paragraph(paragraph: Paragraph) -> bool:
    return all(is_vocative_line(line.text) for line in paragraph.lines)


def looks_like_body(paragraph: Paragraph) -> bool:
    """Running text: long, or a sentence of three words or more that is no preamble line and
    no form of address ("Thank you, Mr President." opening a speech is body)."""
    text = paragraph.text
    if len(text) > HEAD_MAX_CHARS:
        return True
    words = len(text.split())
    if not SENTENCE_END.search(text) or words < MIN_TITLE_WORDS:
        return False
    if text.rstrip().endswith(":") and words <= MAX_HEADING_WORDS_BEFORE_COLON:
        return False  # a heading wrapped after its colon ("…agenda:" / "closing the gap…")
    return not is_preamble_line(text) and not is_vocative_paragraph(paragraph)


def introduces_list(paragraph: Paragraph, following: Paragraph | None) -> bool:
    """A sentence ending in a colon with a list after it ("I have the honour to transmit:" then
    "(a) …") is running text, however short: a heading is not followed by list items."""
    text = paragraph.text.rstrip()
    return (
        following is not None
        and text.endswith(":")
        and len(text.split()) >= MIN_TITLE_WORDS
        and starts_list_item(following.text)
        and not is_preamble_line(text)
    )


def first_body(paragraphs: tuple[Paragraph, ...], limit: int = HEAD_SEARCH_LIMIT) -> int | None:
    """Index of the first body paragraph among the first ``limit``; None if there is none."""
    for index, paragraph in enumerate(paragraphs[:limit]):
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if looks_like_body(paragraph) or introduces_list(paragraph, following):
            return index
    return None


def head_end(paragraphs: tuple[Paragraph, ...]) -> int:
    """Index of the first body paragraph (the head is everything before it); 0 when there is
    no running text near the top: nothing is then taken for a head."""
    return first_body(paragraphs) or 0


def _leading_vocative_lines(paragraph: Paragraph) -> int:
    """Lines opening a body paragraph that are a salutation reflow left attached to it: each a
    form of address ending with explicit punctuation, and text after them."""
    count = 0
    for line in paragraph.lines[:-1]:
        if not (is_vocative_line(line.text) and EXPLICIT_END.search(line.text.strip())):
            break
        count += 1
    return count


def _vocative_flags(lines: list[tuple[int, Line]], paragraphs: tuple[Paragraph, ...]) -> list[bool]:
    """Which lines are forms of address; a paragraph that is one address as a whole (a long one
    wrapped: "…, Mr. Philemon" / "Yang,") counts for all its lines."""
    whole = {
        owner: _is_wrapped_address(paragraphs[owner]) for owner in {owner for owner, _ in lines}
    }
    return [whole[owner] or is_vocative_line(line.text) for owner, line in lines]


def _is_wrapped_address(paragraph: Paragraph) -> bool:
    """One form of address wrapped over lines: vocative as a whole, ending like an address, and
    no line of it a preamble line (a letter's recipient block is no salutation)."""
    text = paragraph.text.strip()
    return (
        len(paragraph.lines) > 1
        and EXPLICIT_END.search(text) is not None
        and is_vocative_line(text)
        and not any(is_preamble_line(line.text) for line in paragraph.lines)
    )


def _salutation_block(flags: list[bool]) -> tuple[int, int] | None:
    """The last run of vocative lines (start, end), as line indices."""
    end = None
    for index in range(len(flags) - 1, -1, -1):
        vocative = flags[index]
        if vocative and end is None:
            end = index + 1
        elif not vocative and end is not None:
            return index + 1, end
    return (0, end) if end is not None else None


def _regroup(lines: list[tuple[int, Line]], paragraphs: tuple[Paragraph, ...]) -> list[Paragraph]:
    """Head lines back into paragraphs, keeping whole paragraphs whole (their reflowed text)."""
    groups: list[list[Line]] = []
    owners: list[int] = []
    for owner, line in lines:
        if owners and owners[-1] == owner:
            groups[-1].append(line)
        else:
            groups.append([line])
            owners.append(owner)
    result = []
    for owner, group in zip(owners, groups, strict=True):
        original = paragraphs[owner]
        if len(group) == len(original.lines):
            result.append(original)
        else:
            result.append(Paragraph(" ".join(line.text.strip() for line in group), tuple(group)))
    return result


def split_paragraph(paragraph: Paragraph, at: int) -> tuple[Paragraph | None, Paragraph | None]:
    """The paragraph cut before its line ``at`` (a salutation split off its start, a signature
    off its end): each part keeps the reflowed text where the cut falls on it, else its lines'."""

    def part(lines: tuple[Line, ...], text: str | None) -> Paragraph | None:
        if not lines:
            return None
        joined = " ".join(line.text.strip() for line in lines)
        return Paragraph(text if text is not None else joined, lines, paragraph.kind)

    head, tail = paragraph.lines[:at], paragraph.lines[at:]
    head_text = " ".join(line.text.strip() for line in head)
    tail_text = " ".join(line.text.strip() for line in tail)
    text = paragraph.text
    if head and text.startswith(head_text):
        return part(head, head_text), part(tail, text[len(head_text) :].lstrip())
    if tail and text.endswith(tail_text):
        return part(head, text[: -len(tail_text)].rstrip()), part(tail, tail_text)
    return part(head, None), part(tail, None)


def split_opening(paragraphs: tuple[Paragraph, ...]) -> Opening:
    """Preamble, title, salutation block and the body paragraphs after them."""
    end = head_end(paragraphs)
    head_lines = [(i, line) for i in range(end) for line in paragraphs[i].lines]
    first_body = paragraphs[end] if end < len(paragraphs) else None
    attached = _leading_vocative_lines(first_body) if first_body is not None else 0
    candidates = head_lines + [
        (end, line) for line in (first_body.lines[:attached] if first_body else ())
    ]
    block = _salutation_block(_vocative_flags(candidates, paragraphs))
    if (
        block is not None
        and block[1] < len(head_lines)
        and not _ends_paragraph(candidates, block[1])
    ):
        block = None  # a vocative-looking line in the middle of a head paragraph
    body = list(paragraphs[end:])
    address: tuple[Line, ...] = ()
    if block is None:
        head = head_lines
    else:
        start, stop = block
        head = candidates[:start]
        address = tuple(line for _, line in candidates[start:stop])
        after = candidates[stop:]
        if attached and first_body is not None:
            rest = split_paragraph(first_body, attached)[1]
            assert rest is not None  # the attached lines leave at least the last one
            body[0] = rest
            after = [item for item in after if item[0] != end]
        body = _regroup(after, paragraphs) + body
    head_paragraphs = _regroup(head, paragraphs)
    if not address and head_paragraphs and body and _flows_into(head_paragraphs[-1], body[0]):
        # The first lines of the body's first paragraph, split off by a short first line: a
        # paragraph's opening words are never a title.
        body[0] = _joined(head_paragraphs.pop(), body[0])
    preamble, title = split_head(tuple(head_paragraphs), tuple(body))
    return Opening(preamble, title, address, tuple(body))


def _flows_into(paragraph: Paragraph, following: Paragraph) -> bool:
    """``following`` continues ``paragraph``'s sentence: it opens in lower case after no stop."""
    return following.text[:1].islower() and not SENTENCE_END.search(paragraph.text.rstrip())


def _joined(first: Paragraph, second: Paragraph) -> Paragraph:
    return Paragraph(f"{first.text.rstrip()} {second.text.lstrip()}", first.lines + second.lines)


def _ends_paragraph(lines: list[tuple[int, Line]], stop: int) -> bool:
    """The line before ``stop`` ends its paragraph, or ends with explicit punctuation."""
    if stop >= len(lines) or lines[stop][0] != lines[stop - 1][0]:
        return True
    return bool(EXPLICIT_END.search(lines[stop - 1][1].text.strip()))


def body_font_size(paragraphs: tuple[Paragraph, ...]) -> float | None:
    sizes = [line.size for p in paragraphs for line in p.lines if line.size is not None]
    return statistics.median(sizes) if sizes else None


def _median_size(paragraph: Paragraph) -> float | None:
    sizes = [line.size for line in paragraph.lines if line.size is not None]
    return statistics.median(sizes) if sizes else None


def _is_ocr(paragraph: Paragraph) -> bool:
    return any(line.origin is Origin.OCR for line in paragraph.lines)


def is_prominent(paragraph: Paragraph, body_size: float | None) -> bool:
    """Set apart from the body by weight or size: a heading (text layers only; OCR sees no
    weight and its sizes are estimates)."""
    if body_size is None or _is_ocr(paragraph):
        return False
    if all(line.bold for line in paragraph.lines):
        return True
    size = _median_size(paragraph)
    return size is not None and size >= body_size + SIZE_CHANGE


def _not_smaller_than_body(paragraph: Paragraph, body_size: float | None) -> bool:
    """Preamble lines are often set smaller than the body; a title never is."""
    size = _median_size(paragraph)
    if body_size is None or size is None:
        return True
    if _is_ocr(paragraph):
        return size >= OCR_TITLE_SIZE_SHARE * body_size
    return size >= body_size - SIZE_CHANGE


def _title_by_layout(
    head: tuple[Paragraph, ...], body_size: float | None, column: tuple[float, float] | None
) -> tuple[int, int] | None:
    """The run of prominent head paragraphs set largest (the last such run on a tie)."""
    runs: list[tuple[int, int]] = []
    for index, paragraph in enumerate(head):
        if (
            is_prominent(paragraph, body_size)
            and not is_preamble_shaped(paragraph.text)
            and not is_right_aligned(paragraph, column)
        ):
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
    if not runs:
        return None
    return max(
        runs, key=lambda run: (max(_median_size(p) or 0.0 for p in head[run[0] : run[1]]), run[0])
    )


def text_column(paragraphs: tuple[Paragraph, ...]) -> tuple[float, float] | None:
    """The body's left and right edges (points), where the lines have boxes."""
    boxes = [line.box for p in paragraphs for line in p.lines if line.box is not None]
    if not boxes:
        return None
    return min(b.x0 for b in boxes), max(b.x1 for b in boxes)


def is_right_aligned(paragraph: Paragraph, column: tuple[float, float] | None) -> bool:
    """Set in the right half of the text column, like a letter's date, reference or recipient
    block: never a title."""
    boxes = [line.box for line in paragraph.lines]
    if column is None or not boxes or any(box is None for box in boxes):
        return False
    middle = (column[0] + column[1]) / 2
    return all(box is not None and box.x0 > middle for box in boxes)


def _title_by_position(
    head: tuple[Paragraph, ...], body_size: float | None, column: tuple[float, float] | None
) -> tuple[int, int] | None:
    """The paragraphs after the last preamble-shaped or vocative one, if they read as a heading."""
    start = len(head)
    for index in range(len(head) - 1, -1, -1):
        paragraph = head[index]
        byline = (
            is_byline(paragraph.text)
            and not is_preamble_shaped(paragraph.text)  # one naming a person stays preamble
            and (index == len(head) - 1 or head[index + 1].text[:1].islower())
        )  # a byline is the title when nothing follows it but its own wrapped words
        if (
            (is_preamble_line(paragraph.text) and not byline)
            or is_vocative_paragraph(paragraph)
            or not _not_smaller_than_body(paragraph, body_size)
            or is_right_aligned(paragraph, column)
        ):
            break
        start = index
    # A byline above the title is preamble; a byline with nothing after it is the title itself.
    # A byline followed by a topic ("On the situation in …") is preamble above that title;
    # otherwise the lines after it are the rest of one wrapped title.
    while (
        start < len(head) - 1 and is_byline(head[start].text) and opens_topic(head[start + 1].text)
    ):
        start += 1
    if start == len(head):
        return None
    text = " ".join(p.text for p in head[start:])
    if len(text.split()) < MIN_TITLE_WORDS or text.rstrip().endswith(","):
        return None
    return start, len(head)


def split_head(
    head: tuple[Paragraph, ...], body: tuple[Paragraph, ...]
) -> tuple[tuple[str, ...], str | None]:
    """Preamble lines and the title."""
    body_size = body_font_size(body)
    column = text_column(body)
    run = _title_by_layout(head, body_size, column) or _title_by_position(head, body_size, column)
    if run is None:
        return preamble_lines(head), None
    start, stop = run
    preamble = preamble_lines(head[:start] + head[stop:])
    return preamble, " ".join(p.text for p in head[start:stop])


def preamble_lines(paragraphs: tuple[Paragraph, ...]) -> tuple[str, ...]:
    """The preamble as the lines it was set in (issuer, code, date and labels each on its own,
    even where reflow joined them); a line broken after a hyphen is joined back."""
    lines: list[str] = []
    for paragraph in paragraphs:
        texts = [line.text.strip() for line in paragraph.lines] or [paragraph.text]
        if len(texts) == 1:
            lines.append(paragraph.text.strip())
            continue
        for text in texts:
            if (
                lines
                and lines[-1].endswith("-")
                and lines[-1][-2:-1].isalpha()
                and text[:1].islower()
            ):
                lines[-1] = lines[-1][:-1] + text
            else:
                lines.append(text)
    return tuple(line for line in lines if line)
