"""A page's characters straight from pdfplumber's layout objects, without its per-object dicts.

``page.chars`` turns every pdfminer object on the page (characters, but also every line, curve
and image) into a dict of some twenty resolved attributes, and that conversion costs more than
pdfminer's reading of the page itself. The pipeline reads nine attributes of the characters
only, so it walks ``page.layout`` (the same pdfminer objects ``page.chars`` is built from, in the
same order) and builds just those, with pdfplumber's own arithmetic for the coordinates: the
result is the same characters with the same values, fit for pdfplumber's word extraction.

Fake-bold duplicates (a glyph printed twice, a hair apart) are dropped here as pdfplumber's
``dedupe_chars`` would drop them, in linear time.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar, LTContainer, LTItem
from pdfplumber.page import Page as PdfPage
from pdfplumber.page import fix_fontname_bytes

Char = dict[str, Any]
"""A character as pdfplumber's word extraction reads it (a subset of a ``page.chars`` dict)."""

DUPLICATE_TOLERANCE = 1.0
"""Points: pdfplumber's ``dedupe_chars`` default; twins closer than this are one glyph."""
DUPLICATE_KEY = itemgetter("upright", "text", "fontname", "size")
"""What two characters must share to be twins (``dedupe_chars`` with its default extra_attrs)."""
POSITION_KEY = itemgetter("doctop", "x0")


def page_chars(page: PdfPage) -> list[Char]:
    """The page's characters in content-stream order, fake-bold duplicates removed."""
    return unique_chars(list(layout_chars(page)))


def layout_chars(page: PdfPage) -> Iterator[Char]:
    """Every character of ``page.layout``, with the values ``page.chars`` would give it.

    Coordinates follow ``pdfplumber.Page.process_object``: pdfminer's are relative to the
    MediaBox's lower left corner, pdfplumber's measured from the page's top.
    """
    height = page.height
    mediabox_x0, mediabox_top = page.mediabox[:2]
    doctop_offset = page.initial_doctop
    unicode_norm = page.pdf.unicode_norm
    for obj in _leaves(page.layout._objs):
        if not isinstance(obj, LTChar):
            continue
        text = obj.get_text()
        if not text:
            continue  # a code that draws nothing (``pdffonts``): no character to read
        if unicode_norm is not None:
            text = normalize_unicode(unicode_norm, text)
        fontname = obj.fontname
        if isinstance(fontname, bytes):  # rare byte-encoded names, as pdfplumber fixes them
            fontname = fix_fontname_bytes(fontname)
        top = (height - obj.y1) + mediabox_top
        x0, x1 = obj.x0, obj.x1
        if mediabox_x0 != 0:
            x0, x1 = x0 + mediabox_x0, x1 + mediabox_x0
        yield {
            "text": text,
            "fontname": fontname,
            "size": obj.size,
            "upright": obj.upright,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": (height - obj.y0) + mediabox_top,
            "doctop": doctop_offset + top,
        }


def _leaves(objects: Sequence[LTItem]) -> Iterator[LTItem]:
    """Layout objects depth first, containers (figures) opened, as ``page.objects`` walks them."""
    for obj in objects:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj._objs)
        else:
            yield obj


def unique_chars(chars: list[Char]) -> list[Char]:
    """``chars`` without fake-bold duplicates, in their order: ``dedupe_chars``'s result.

    pdfplumber's ``dedupe_chars`` sorts its survivors back with ``list.index``, quadratic in
    the characters of a page. Its clusters form among characters of one text, font, size and
    uprightness only, so only such groups of two or more need clustering; every other character
    survives as it is.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, char in enumerate(chars):
        groups.setdefault(DUPLICATE_KEY(char), []).append(index)
    keep = [True] * len(chars)
    for members in groups.values():
        if len(members) > 1:
            for index in _duplicates(chars, members):
                keep[index] = False
    return list(itertools.compress(chars, keep))


def _duplicates(chars: Sequence[Char], members: list[int]) -> Iterator[int]:
    """Indexes of twins among ``members`` (one group): all but the first of each cluster."""
    indexed = [(chars[i]["doctop"], chars[i]["x0"], i) for i in members]
    for near_rows in _clusters(indexed, 0):
        if len(near_rows) < 2:
            continue
        for twins in _clusters(near_rows, 1):
            if len(twins) > 1:
                survivor = min(twins, key=itemgetter(0, 1))
                yield from (index for *_, index in twins if index != survivor[2])


def _clusters(
    items: list[tuple[float, float, int]], field: int
) -> list[list[tuple[float, float, int]]]:
    """``cluster_objects(items, itemgetter(field), DUPLICATE_TOLERANCE)``, without its general
    machinery (this runs for every repeated letter of a page): values chained within the
    tolerance form a cluster; clusters in value order, items in their given order."""
    cluster_of: dict[float, int] = {}
    cluster = 0
    last: float | None = None
    for value in sorted({item[field] for item in items}):
        if last is not None and value > last + DUPLICATE_TOLERANCE:
            cluster += 1
        cluster_of[value] = cluster
        last = value
    if cluster == 0:
        return [items]
    groups: list[list[tuple[float, float, int]]] = [[] for _ in range(cluster + 1)]
    for item in items:
        groups[cluster_of[item[field]]].append(item)
    return groups
