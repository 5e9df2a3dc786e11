"""Line-end hyphens: join "взаимо-" + "действия", keep "Нью-" + "Йорк", on evidence only.

The document's own usage decides first (a word written joined or hyphenated mid-line), then the
wordfreq lexicon; when unsure the hyphen stays, because a wrong join cannot be undone and a missed
one can.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.cues import CUES
from pipeline.lexicon import WORD, zipf
from pipeline.models import Line

SOFT_HYPHEN = "\u00ad"
LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-$")
LEADING_LETTERS = re.compile(r"^[^\W\d_]+")
TRAILING_WORD = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$")


def ends_with_hyphen(text: str) -> bool:
    """The line ends with a hyphen after a letter, or with a soft hyphen."""
    stripped = text.rstrip()
    return stripped.endswith(SOFT_HYPHEN) or bool(LINE_END_HYPHEN.search(stripped))


@dataclass(frozen=True, slots=True)
class HyphenEvidence:
    """How often the document itself writes a word joined and hyphenated (mid-line)."""

    counts: Counter[str]

    @classmethod
    def from_lines(cls, lines: list[Line]) -> HyphenEvidence:
        counts: Counter[str] = Counter()
        for line in lines:
            words = WORD.findall(line.text.replace(SOFT_HYPHEN, ""))
            # the last word of a hyphen-ended line is only half a word
            if ends_with_hyphen(line.text) and words:
                words = words[:-1]
            counts.update(word.casefold() for word in words)
        return cls(counts)

    def prefers(self, joined: str, hyphenated: str) -> str | None:
        j, h = self.counts[joined.casefold()], self.counts[hyphenated.casefold()]
        if j == h:
            return None
        return "joined" if j > h else "hyphenated"


def keeps_hyphen(left: str, right: str, evidence: HyphenEvidence, config: Config) -> bool:
    """Decide "left-" + "right": True keeps the hyphen (a compound), False joins the halves.

    >>> e = HyphenEvidence(Counter())
    >>> keeps_hyphen("взаимо", "действия", e, Config()), keeps_hyphen("Нью", "Йорке", e, Config())
    (False, True)
    >>> keeps_hyphen("российско", "казахстанские", e, Config())
    True
    """
    if right[:1].isupper():
        return True  # "Нью-Йорк", "Politico-Military": a capital never continues a word
    if right.casefold() in CUES.hyphen_particles or left.casefold() in CUES.hyphen_prefixes:
        return True
    preferred = evidence.prefers(left + right, f"{left}-{right}")
    if preferred is not None:
        return preferred == "hyphenated"
    joined = zipf(left + right)
    if joined < config.hyphen_min_zipf:
        return True  # unknown as one word: when unsure, keep the hyphen
    if WORD.fullmatch(right) and _is_latin(right):
        # English writes many compounds both ways; wordfreq scores the hyphenated form from
        # its parts, which is a fair estimate of how often the pair is written hyphenated.
        return zipf(f"{left}-{right}") > joined
    return False


def _is_latin(word: str) -> bool:
    return all(ch.isascii() for ch in word)


def join_lines(
    prev: str, cur: str, evidence: HyphenEvidence, config: Config
) -> tuple[str, str | None]:
    """Join two wrapped lines; the second value names the hyphen repair made, if any."""
    prev, cur = prev.rstrip(), cur.lstrip()
    if prev.endswith(SOFT_HYPHEN):
        return prev[:-1] + cur, "soft_hyphen_join"
    match = TRAILING_WORD.search(prev)
    right_match = LEADING_LETTERS.match(cur)
    if match is None or right_match is None or not config.dehyphenate:
        return f"{prev} {cur}", None
    right = right_match.group(0)
    if right.casefold() in CUES.suspended_hyphen_words:
        return f"{prev} {cur}", None  # "low- and middle-income": a suspended hyphen
    left = match.group(1).split("-")[-1]
    if keeps_hyphen(left, right, evidence, config):
        return prev + cur, "hyphen_kept"
    return prev[:-1] + cur, "dehyphenated"
