"""Russian, Ukrainian and English cues, as data, grouped by the function they serve.

Each ``<language>.json`` beside this file holds one language's cues; ``common.json`` holds shapes
that belong to no language (document codes, list markers). A document is matched against the
union, since a Russian statement may carry an English document code and the other way round.

The groups (each documented by a ``_doc`` entry in the files):
- ``vocative``: the grammar of forms of address (honorifics, addressee nouns, the words that
  betray a clause rather than an address, patronymic endings);
- ``closing``: closing formulas by function (thanks, request, complimentary close, valediction,
  wish), as regular expressions;
- ``signature``: signature markers, the functions a signatory signs with and the rank words
  before a function ("First Deputy Minister");
- ``annex``: the heading that opens an annex after a covering letter;
- ``back_matter``: labels of the lines after a letter's signatory block (executor and contacts,
  distribution, enclosure note); ``contact`` (common): e-mail, web and telephone shapes;
- ``preamble_patterns``: the shapes of head lines (issuer, document code, date, labels);
- ``byline_patterns``: a speech named by its speaker ("Statement by the Delegation of …"), which
  is preamble above a title and the title where nothing follows it;
- list markers and the hyphenation particles and prefixes used by reflow.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

LANGUAGE_FILES = ("ru.json", "uk.json", "en.json", "common.json")
CLOSING_FUNCTIONS = ("thanks", "request", "complimentary_close", "valediction", "wish")


@dataclass(frozen=True, slots=True)
class Cues:
    preamble_patterns: tuple[re.Pattern[str], ...]
    byline_patterns: tuple[re.Pattern[str], ...]  # "Statement by the Delegation of …"
    list_markers: tuple[str, ...]
    hyphen_particles: frozenset[str]
    hyphen_prefixes: frozenset[str]
    suspended_hyphen_words: frozenset[str]
    honorifics: tuple[str, ...]  # casefolded word prefixes
    possessives: frozenset[str]
    addressees: tuple[str, ...]  # casefolded word prefixes, some of two words
    clause_words: frozenset[str]
    function_words: frozenset[str]
    patronymic_endings: tuple[str, ...]
    closing: dict[str, tuple[re.Pattern[str], ...]]  # function → patterns
    signature_markers: tuple[str, ...]
    signatory_functions: tuple[str, ...]  # casefolded prefixes
    signatory_qualifiers: frozenset[str]  # casefolded rank words ("first", "перша")
    annex_headings: tuple[re.Pattern[str], ...]
    back_matter_labels: tuple[str, ...]  # casefolded line openings ("cc", "вик.")
    contact_patterns: tuple[re.Pattern[str], ...]


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    """Lists are concatenated, dictionaries merged key by key; ``_doc`` entries are dropped."""
    for key, value in data.items():
        if key.startswith("_"):
            continue
        if isinstance(value, list):
            into.setdefault(key, []).extend(value)
        elif isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)


def _folded(values: list[str]) -> tuple[str, ...]:
    # Longest first, so that "vice-president" is tried before "president".
    return tuple(sorted({v.casefold() for v in values}, key=len, reverse=True))


def _load() -> Cues:
    merged: dict[str, Any] = {}
    folder = resources.files(__name__)
    for name in LANGUAGE_FILES:
        _merge(merged, json.loads(folder.joinpath(name).read_text(encoding="utf-8")))
    vocative, closing, signature = merged["vocative"], merged["closing"], merged["signature"]
    return Cues(
        preamble_patterns=tuple(re.compile(p) for p in merged["preamble_patterns"]),
        byline_patterns=tuple(re.compile(p) for p in merged["byline_patterns"]),
        list_markers=tuple(merged["list_markers"]),
        hyphen_particles=frozenset(w.casefold() for w in merged["hyphen_particles"]),
        hyphen_prefixes=frozenset(w.casefold() for w in merged["hyphen_prefixes"]),
        suspended_hyphen_words=frozenset(w.casefold() for w in merged["suspended_hyphen_words"]),
        honorifics=_folded(vocative["honorifics"]),
        possessives=frozenset(w.casefold() for w in vocative["possessives"]),
        addressees=_folded(vocative["addressees"]),
        clause_words=frozenset(w.casefold() for w in vocative["clause_words"]),
        function_words=frozenset(w.casefold() for w in vocative["function_words"]),
        patronymic_endings=_folded(vocative["patronymic_endings"]),
        closing={
            function: tuple(re.compile(p, re.IGNORECASE) for p in closing.get(function, []))
            for function in CLOSING_FUNCTIONS
        },
        signature_markers=_folded(signature["markers"]),
        signatory_functions=_folded(signature["functions"]),
        signatory_qualifiers=frozenset(w.casefold() for w in signature["qualifiers"]),
        annex_headings=tuple(re.compile(p, re.IGNORECASE) for p in merged["annex"]["headings"]),
        back_matter_labels=_folded(
            [label for labels in merged["back_matter"].values() for label in labels]
        ),
        contact_patterns=tuple(re.compile(p) for p in merged["contact"]["patterns"]),
    )


CUES = _load()
