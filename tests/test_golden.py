"""Golden test: the project's sample statement through ``process_path``, compared exactly.

``tests/golden/<name>.txt`` is the input, ``<name>.expected.json`` the expected sections. Run
``pytest tests/test_golden.py --update-goldens`` to rewrite the expected files after a deliberate
change (the option comes from ``tests/golden_plugin.py``), then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.models import Status
from pipeline.process import process_path

GOLDEN = Path(__file__).parent / "golden"
SECTION_FIELDS = ("language", "preamble", "title", "address", "body", "closing")
GOLDEN_INPUTS = sorted(GOLDEN.glob("*.txt"))


def actual_sections(source: Path) -> dict[str, Any]:
    document = process_path(source, Config(), display_path=source.name)
    assert document.status is Status.OK, document.error
    published = document.to_dict("golden")
    result = {name: published[name] for name in SECTION_FIELDS}
    result["body"] = [paragraph["text"] for paragraph in published["body"]]
    return result


def expected_path(source: Path) -> Path:
    return source.with_suffix(".expected.json")


def updating(request: pytest.FixtureRequest) -> bool:
    # ``default`` keeps the golden test usable while conftest has not loaded the plugin yet
    return bool(request.config.getoption("--update-goldens", default=False))


@pytest.fixture(params=GOLDEN_INPUTS, ids=[p.stem for p in GOLDEN_INPUTS])
def golden(request: pytest.FixtureRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """(actual, expected) sections of one golden input."""
    source: Path = request.param
    actual = actual_sections(source)
    target = expected_path(source)
    if updating(request):
        target.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not target.exists():
        pytest.fail(f"{target.name} is missing: run pytest with --update-goldens and review it")
    return actual, json.loads(target.read_text(encoding="utf-8"))


def test_there_is_a_golden_input() -> None:
    assert [p.name for p in GOLDEN_INPUTS] == ["seed.txt"]


def test_expected_file_has_every_section(golden: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, expected = golden
    assert set(expected) == set(SECTION_FIELDS)


@pytest.mark.parametrize("field", [f for f in SECTION_FIELDS if f != "body"])
def test_section_matches(golden: tuple[dict[str, Any], dict[str, Any]], field: str) -> None:
    actual, expected = golden
    assert actual[field] == expected[field]


def test_body_paragraphs_match(golden: tuple[dict[str, Any], dict[str, Any]]) -> None:
    actual, expected = golden
    assert len(actual["body"]) == len(expected["body"])
    for index, (got, want) in enumerate(zip(actual["body"], expected["body"], strict=True)):
        assert got == want, f"body paragraph {index + 1} differs"


def test_seed_has_eight_body_paragraphs() -> None:
    expected = json.loads((GOLDEN / "seed.expected.json").read_text(encoding="utf-8"))
    assert len(expected["body"]) == 8
