"""Salutations and closing formulas: the cue lists (``pipeline/cues``) applied to a text.

Two stages ask: reflow, so that a salutation alone on its line or a closing formula starts a
paragraph, and sections, to find the address, in-body salutations and the closing.
"""

from __future__ import annotations

import re

from pipeline.cues import CUES

MAX_SALUTATION_CHARS = 80
"""A salutation is one short line, such as "Господин Председатель,"."""

MAX_SALUTATION_WORDS = 8
"""Words at most in a salutation with a cue ("Excellencies, ladies and gentlemen,")."""

MAX_SALUTATION_WORDS_WITHOUT_CUE = 4
"""An in-body salutation without a cue word ("Ambassador Morrow,") has at most this many words."""

MAX_CLOSING_CHARS = 250
"""A closing formula is short; a long paragraph that starts "Thank you" is body text."""

SALUTATION_END = re.compile(r"[,!:]$")
# A sentence end inside the text: "Mr." and "г." are abbreviations, so 4+ letters must end it.
SENTENCE_INSIDE = re.compile(r"\w{4,}[.!?]\s+\S")


def is_salutation(text: str, *, require_cue: bool) -> bool:
    """Short, ending with a comma (or "!"/":"), and opening with a salutation cue.

    >>> is_salutation("Господин Председатель,", require_cue=True)
    True
    >>> is_salutation("Ambassador Morrow,", require_cue=False)
    True
    >>> is_salutation("Mr. Smith said that the report, in his view,", require_cue=True)
    False
    """
    text = text.strip()
    if len(text) > MAX_SALUTATION_CHARS or not SALUTATION_END.search(text):
        return False
    if SENTENCE_INSIDE.search(text):
        return False
    has_cue = text.startswith(CUES.address_starts)
    if has_cue:
        return len(text.split()) <= MAX_SALUTATION_WORDS
    return not require_cue and len(text.split()) <= MAX_SALUTATION_WORDS_WITHOUT_CUE


def is_closing(text: str) -> bool:
    return len(text) <= MAX_CLOSING_CHARS and text.strip().startswith(CUES.closing_starts)
