"""The ``pipeline`` command's entry point (also ``python -m pipeline``).

``pipeline run`` starts its worker pool's server first, before the command line itself loads:
the server imports the stages for the workers (0.4 s), and started here that import overlaps
the command line's own start (typer, the options, planning the run) instead of following it.
A run that ends up needing no pool (one or two small files, ``--help``, a Dask run) leaves the
server idle; it exits with this process. Everything else is ``pipeline.cli``'s.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

HELP_OPTIONS = frozenset({"-h", "--help"})
EXECUTOR_OPTION = "--executor"


def starts_a_local_pool(arguments: Sequence[str]) -> bool:
    """``pipeline run …`` with this machine's workers, as far as the raw arguments tell."""
    return (
        bool(arguments)
        and arguments[0] == "run"
        and not HELP_OPTIONS.intersection(arguments)
        and not any(a == EXECUTOR_OPTION or a.startswith(EXECUTOR_OPTION + "=") for a in arguments)
    )


def main() -> None:
    if starts_a_local_pool(sys.argv[1:]):
        from pipeline.workers import start_pool_early

        start_pool_early()
    from pipeline.cli import main as cli_main

    cli_main()
