"""The ``--update-goldens`` option: rewrite ``tests/golden/*.expected.json`` from the pipeline.

Options must be registered by conftest or a plugin, so conftest loads this module with
``pytest_plugins = ["tests.golden_plugin"]``. Without the option a golden test only compares;
a missing expected file fails it.
"""

from __future__ import annotations

import pytest

UPDATE_GOLDENS = "--update-goldens"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        UPDATE_GOLDENS,
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.expected.json from the current pipeline output "
        "(review the diff before committing)",
    )
