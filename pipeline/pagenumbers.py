"""Page numbers: their usual shapes, and numbers that follow the pages whatever surrounds them.

A page number is recognised two ways: by a shape every reader knows ("2", "- 2 -", "Page 2 of
3", "Стр. 2"), and as a sequence: a short label whose number grows with the page at one offset
and in one place ("2 | Page", "[2]", "-2-", "— 2 —"), whatever text it carries. Plain text has
no places, so there the labels must count up through the text one by one.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.models import Page

_DASH = r"[-–—]"
# Labelled and "N of M" forms, longest first: "Page 2 of 3", "Стр. 2", "p. 2", "2/3", "2 из 3".
# After a label, OCR's usual misreadings of digits (l, I, O for 1 and 0) still make a number.
_LABELLED_NUMBER = (
    r"(?:page|p\.|pg\.|стр\.?|страница|с\.)\s*[\dlIO]{1,4}(?:\s*(?:of|из|/)\s*[\dlIO]{1,4})?"
    r"|\d{1,4}\s*(?:/|of|из)\s*\d{1,4}"
)
# A line that is only a page number: the forms above, "2", "- 2 -", "– 2 –".
PAGE_NUMBER = re.compile(
    rf"^(?:{_LABELLED_NUMBER}|{_DASH}?\s*\d{{1,3}}\s*{_DASH}?)$", re.IGNORECASE
)
# A page number glued to a header on one line: "Стр. 2 EEF.DEL/41/23", "PC.DEL/388/24 - 2 -";
# a bare number there needs no dash on either side, a dashed one needs both; it has at most three
# digits, so "Alma Ata, 21 December 1991" keeps its year.
_GLUED_NUMBER = rf"(?:{_LABELLED_NUMBER}|{_DASH}\s*\d{{1,4}}\s*{_DASH}|\d{{1,3}})"
LEADING_PAGE_NUMBER = re.compile(rf"^(?P<pn>{_GLUED_NUMBER})\s+(?P<rest>\S.*)$", re.IGNORECASE)
# The rest is matched lazily so the page number takes its longest form ("Page 3 of 4", not "4").
TRAILING_PAGE_NUMBER = re.compile(rf"^(?P<rest>.*?\S)\s+(?P<pn>{_GLUED_NUMBER})$", re.IGNORECASE)


def is_page_number(text: str) -> bool:
    """True for the usual page-number shapes.

    >>> [is_page_number(t) for t in ["2", "- 2 -", "Page 2 of 3", "Стр. 2", "2023 г.", "A- grade"]]
    [True, True, True, True, False, False]
    """
    return bool(PAGE_NUMBER.match(text.strip()))


def split_page_number(text: str) -> tuple[str, str] | None:
    """Split "Стр. 2 EEF.DEL/41/23" into (page number, rest); None when there is no such part."""
    for pattern in (LEADING_PAGE_NUMBER, TRAILING_PAGE_NUMBER):
        match = pattern.match(text.strip())
        # "Ref.: 05/311" is a code, not "Ref.:" and page "05/311": a page number has no
        # leading zero and no year in it
        if match and page_label_numbers(match.group("pn")):
            return match.group("pn"), match.group("rest")
    return None


MAX_LABEL_CHARS = 24
"""A page-number label ("2 | Page", "[2]", "Page 2 of 5", "— 2 —") is at most this long."""
MAX_LABEL_WORDS = 2
"""Words of letters a page-number label may hold beside its numbers ("Page", "of", "Стр.")."""
MAX_LABEL_WORD_CHARS = 9
"""Letters in one word of a page-number label ("Страница"); longer words are text."""
_LABEL_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?![\d,])")
_LONG_NUMBER = re.compile(r"\d{4}|(?<!\d)0\d")
"""A year, or a number with a leading zero (a code, a date): never on a page-number label."""
_LABEL_WORD = re.compile(r"[^\W\d_]+")
_LIST_NUMBER = re.compile(r"^\d{1,3}[.)]$")
_WORD_THEN_STOP = re.compile(r"[^\W\d_][.,;:!?…]$")


def page_label_numbers(text: str) -> tuple[int, ...]:
    """The numbers of a short page-number label, whatever surrounds them; () for other text.

    >>> [page_label_numbers(t) for t in ["2 | Page", "[2]", "-2-", "Page 2 of 5", "2/5"]]
    [(2,), (2,), (2,), (2, 5), (2, 5)]
    >>> [page_label_numbers(t) for t in ["2.", "Article 2 of the Charter", "12 May 2024", ""]]
    [(), (), (), ()]
    """
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_LABEL_CHARS or _LIST_NUMBER.match(stripped):
        return ()
    if _LONG_NUMBER.search(stripped) or _WORD_THEN_STOP.search(stripped):
        return ()  # a year or a code; a sentence's end
    numbers = tuple(int(n) for n in _LABEL_NUMBER.findall(stripped))
    words = _LABEL_WORD.findall(stripped)
    if not numbers or len(numbers) > 2 or len(words) > MAX_LABEL_WORDS:
        return ()
    if any(len(word) > MAX_LABEL_WORD_CHARS for word in words):
        return ()
    return numbers


PageLine = tuple[int, int]
"""(page number, index of the line on its page)."""


def numbered_lines(candidates: list[tuple[PageLine, str, tuple[int, ...]]]) -> set[PageLine]:
    """The candidates whose number follows the page number at one offset, in one zone.

    A page number is a number that grows with the page: its value minus the page's number is
    the same on every page that shows one. One page alone may show its own number (page 2 of a
    two-page statement). ``candidates`` are (where, zone, numbers) of page-number labels.
    """
    pages_at: Counter[tuple[int, str]] = Counter()
    for (page, _), zone, numbers in candidates:
        for offset in {value - page for value in numbers}:
            pages_at[(offset, zone)] += 1
    if not pages_at:
        return set()
    (offset, zone), count = pages_at.most_common(1)[0]
    if count < 2:
        offset = 0  # a single label: it must show its own page's number
    return {
        where
        for where, line_zone, numbers in candidates
        if (count < 2 or line_zone == zone) and where[0] + offset in numbers
    }


FIRST_LATER_PAGE = 2
"""The page a lone plain-text label must number: a two-page text numbers only its second."""


def plain_numbered_lines(pages: tuple[Page, ...]) -> set[PageLine]:
    """Plain text: page-number labels, found by the page rhythm.

    With form feeds the pages are known and the labels follow them as on a laid-out page.
    Without, a label is a page number when the labels met in reading order count up one by one
    (2, 3, 4 ...); a lone label counts when it shows the number of page 2.
    """
    candidates = [
        ((page.number, index), "plain", numbers)
        for page in pages
        for index, line in enumerate(page.lines)
        if (numbers := page_label_numbers(line.text))
    ]
    if len(pages) > 1:
        return numbered_lines(candidates)
    best: list[PageLine] = []
    for start, (_, _, numbers) in enumerate(candidates):
        for first in numbers:
            chain, expected = [], first
            for where, _, later in candidates[start:]:
                if expected in later:
                    chain.append(where)
                    expected += 1
            if len(chain) > len(best) and (len(chain) > 1 or first == FIRST_LATER_PAGE):
                best = chain
    return set(best)
