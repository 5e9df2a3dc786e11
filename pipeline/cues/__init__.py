"""Russian, Ukrainian and English cue lists (salutations, closings, preamble shapes), as data.

Each ``<language>.json`` beside this file holds one language's lists; ``common.json`` holds
shapes that belong to no language (document codes, list markers). A document is matched against
the union, since a Russian statement may carry an English document code and the other way round.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources

LANGUAGE_FILES = ("ru.json", "uk.json", "en.json", "common.json")


@dataclass(frozen=True, slots=True)
class Cues:
    address_starts: tuple[str, ...]
    closing_starts: tuple[str, ...]
    preamble_patterns: tuple[re.Pattern[str], ...]
    list_markers: tuple[str, ...]
    hyphen_particles: frozenset[str]
    hyphen_prefixes: frozenset[str]
    suspended_hyphen_words: frozenset[str]


def _load() -> Cues:
    merged: dict[str, list[str]] = {}
    folder = resources.files(__name__)
    for name in LANGUAGE_FILES:
        data = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for key, values in data.items():
            if isinstance(values, list):
                merged.setdefault(key, []).extend(values)
    return Cues(
        address_starts=tuple(merged["address_starts"]),
        closing_starts=tuple(merged["closing_starts"]),
        preamble_patterns=tuple(re.compile(p) for p in merged["preamble_patterns"]),
        list_markers=tuple(merged["list_markers"]),
        hyphen_particles=frozenset(w.casefold() for w in merged["hyphen_particles"]),
        hyphen_prefixes=frozenset(w.casefold() for w in merged["hyphen_prefixes"]),
        suspended_hyphen_words=frozenset(w.casefold() for w in merged["suspended_hyphen_words"]),
    )


CUES = _load()
