"""The repair log: every change with its place, before and after, capped per kind; every kind
the stages write is a kind of the schema."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.config import Config
from pipeline.dehyphenate import HyphenEvidence, join_lines
from pipeline.models import Document
from pipeline.process import process_bytes
from pipeline.provenance import MAX_CHANGES_PER_KIND
from pipeline.repair import REPAIRS
from pipeline.schema import RepairKind

SEED = Path(__file__).parent / "golden" / "seed.txt"
SPLITTABLE = re.compile(r"(?<=\s)([а-яё]{10,})\s*$")
"""A long lower-case word ending a line: split in two across the line end by the test."""
HYPHEN_KINDS = {"dehyphenated", "hyphen_kept"}


def hyphenate_seed() -> tuple[str, list[tuple[str, str]]]:
    """The seed with the last long word of many lines broken over the line end as
    "left-" / "right"; returns the text and the (left, right) halves in order."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    breaks: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        following = next(
            (j for j in range(index + 1, min(index + 3, len(lines))) if lines[j].strip()), None
        )
        match = SPLITTABLE.search(line)
        if match is None or following is None or not lines[following][:1].isalpha():
            continue
        word = match.group(1)
        left, right = word[: len(word) // 2], word[len(word) // 2 :]
        lines[index] = line[: match.start(1)] + left + "-"
        lines[following] = right + " " + lines[following]
        breaks.append((left, right))
    return "\n".join(lines), breaks


def hyphen_changes(document: Document) -> list[dict[str, object]]:
    published = document.to_dict("t")
    return [
        {"kind": repair["kind"], **change}
        for repair in published["repairs"]  # type: ignore[attr-defined]
        for change in repair["changes"]
        if repair["kind"] in HYPHEN_KINDS
    ]


def test_seed_lists_no_join_as_it_has_no_line_end_hyphen() -> None:
    seed = process_bytes(SEED.read_bytes(), "seed.txt", Config())
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert not any(line.rstrip().endswith("-") for line in lines)
    assert hyphen_changes(seed) == []


def test_hyphenated_seed_lists_each_join_with_before_and_after() -> None:
    text, breaks = hyphenate_seed()
    assert len(breaks) > 10
    document = process_bytes(text.encode("utf-8"), "seed-hyphenated.txt", Config())
    changes = hyphen_changes(document)
    assert [change["before"] for change in changes] == [
        f"{left}-\n{right}" for left, right in breaks
    ]
    body = [p.text for p in document.sections.body]
    for change, (left, right) in zip(changes, breaks, strict=True):
        after = f"{left}{right}" if change["kind"] == "dehyphenated" else f"{left}-{right}"
        assert str(change["after"]).startswith(after)
        assert change["page"] == 1
        paragraph = change["paragraph"]
        if paragraph is not None:
            assert after in body[paragraph]  # type: ignore[index]
    # a break outside the body (in the title here) has no paragraph, and is where it says
    head = "\n".join(filter(None, (document.sections.title, document.sections.address)))
    assert all(str(c["after"]) in head for c in changes if c["paragraph"] is None)
    assert sum(c["kind"] == "dehyphenated" for c in changes) > len(changes) / 2


def test_changes_are_capped_per_kind_and_the_cap_reported() -> None:
    lines = []
    for number in range(MAX_CHANGES_PER_KIND + 10):
        # lines told apart by letters, not digits, or they would be taken for running headers
        name = "".join(chr(ord("a") + int(digit)) for digit in str(number))
        lines += [f"Item {name} speaks of the govern-", f"ment of item {name}.", ""]
    document = process_bytes("\n".join(lines).encode(), "many.txt", Config())
    (record,) = [r for r in document.to_dict("t")["repairs"] if r["kind"] == "dehyphenated"]  # type: ignore[attr-defined]
    assert record["count"] == MAX_CHANGES_PER_KIND + 10
    assert len(record["changes"]) == record["changes_cap"] == MAX_CHANGES_PER_KIND


def test_line_repairs_list_the_line_before_and_after() -> None:
    clean = "Уважаемый господин Председатель,\n\nМы приветствуем доклад.\n"
    mojibake = clean.encode("cp1251").decode("latin-1")
    document = process_bytes(mojibake.encode("utf-8"), "moji.txt", Config())
    (record,) = [r for r in document.to_dict("t")["repairs"] if "mojibake" in r["kind"]]  # type: ignore[attr-defined]
    befores = [c["before"] for c in record["changes"]]
    afters = [c["after"] for c in record["changes"]]
    assert befores == [line for line in mojibake.split("\n") if line]
    assert afters == [line for line in clean.split("\n") if line]
    assert record["changes"][1]["paragraph"] == 0  # the body's first paragraph


def test_removed_furniture_is_listed() -> None:
    pages = [f"Line {n} of a page that goes on a while." for n in range(3)]
    text = "\f".join("\n".join([*pages, "", f"- {n} -"]) for n in (1, 2, 3))
    document = process_bytes(text.encode(), "paged.txt", Config())
    records = [r for r in document.to_dict("t")["repairs"] if r["kind"] == "furniture_removed"]  # type: ignore[attr-defined]
    assert records, document.furniture
    listed = [(c["page"], c["before"], c["after"]) for c in records[0]["changes"]]
    assert listed == [(f.page, f.text, "") for f in document.furniture]


def test_every_kind_the_stages_write_is_a_schema_kind() -> None:
    evidence = HyphenEvidence.from_lines([])
    joins = {
        join_lines(prev, cur, evidence, Config())[1]
        for prev, cur in (("soft\u00ad", "ware"), ("the govern-", "ment"), ("in Нью-", "Йорке"))
    }
    assert joins == {"soft_hyphen_join", "dehyphenated", "hyphen_kept"}
    written = {repair.kind for repair in REPAIRS} | joins | {"furniture_removed"}
    assert written == {kind.value for kind in RepairKind}
