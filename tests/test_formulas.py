"""The genre's formulas, by function, in Russian, Ukrainian and English: positives and negatives
beyond the dev corpus (other wordings, capitals, punctuation), as case tables."""

from __future__ import annotations

import doctest

import pytest

from pipeline import formulas
from pipeline.formulas import closing_function, is_signature_line, is_vocative_line
from tests.helpers import load_cases


@pytest.mark.parametrize(("text", "expected"), load_cases("formulas", "is_vocative_line"))
def test_is_vocative_line(text: str, expected: bool) -> None:
    assert is_vocative_line(text) is expected


@pytest.mark.parametrize(("text", "expected"), load_cases("formulas", "closing_function"))
def test_closing_function(text: str, expected: str | None) -> None:
    assert closing_function(text) == expected


@pytest.mark.parametrize(("text", "expected"), load_cases("formulas", "is_signature_line"))
def test_is_signature_line(text: str, expected: bool) -> None:
    assert is_signature_line(text) is expected


def test_doctests() -> None:
    result = doctest.testmod(formulas)
    assert result.attempted > 0
    assert result.failed == 0
