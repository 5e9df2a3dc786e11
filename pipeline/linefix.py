"""The shape every line repair shares: a document's lines in, a function on one line out."""

from __future__ import annotations

from collections.abc import Callable, Sequence

LineFix = Callable[[str], str]
"""A repair of one line, prepared with what the whole document says."""


def run_on_text(prepare: Callable[[Sequence[str]], LineFix], text: str) -> str:
    """A document-aware repair on the lines of one string, taken as one document."""
    lines = text.split("\n")
    fix = prepare(lines)
    return "\n".join(fix(line) for line in lines)
