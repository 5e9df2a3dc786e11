"""The terminal side of the commands: stderr for people, stdout for data, exit codes.

stdout carries data only (JSON, JSONL, the schema); messages, the progress bar and the summary
go to stderr through one console, with control characters of file names and library messages
escaped. Run-level errors, Ctrl-C, SIGTERM and SIGHUP become a message and an exit code in one
place (``exit_codes``). rich is imported by the functions that draw, not by this module, so
``pipeline --version`` and ``--help`` do not load it.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from pipeline.errors import ExitCode, PipelineError, StopRequested

if TYPE_CHECKING:
    from rich.console import Console

    from pipeline.progress import Bar


@functools.cache
def stderr_console() -> Console:
    """Rich draws on stdout by default; everything but data goes to stderr here."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


# --- the one place exceptions become exit codes ----------------------------------------------


@contextmanager
def exit_codes(*, resumable: bool = False) -> Iterator[None]:
    """Turn run-level errors, Ctrl-C, SIGTERM and SIGHUP into a message on stderr and their
    exit code (130 for Ctrl-C, 128 + the signal's number for the others)."""
    from pipeline.scratch import use_for_everything
    from pipeline.stopping import stop_signals_interrupt

    # A command is one run: its temporary files, and those of the programs it starts, go
    # to one folder, removed on exit, or by the next run when this one was killed.
    use_for_everything()
    try:
        with stop_signals_interrupt():
            yield
    except PipelineError as exc:
        say(f"pipeline: {exc}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt as exc:
        if isinstance(exc, StopRequested):
            how, code = f"stopped by {signal.Signals(exc.signum).name}", exc.exit_code
        else:
            how, code = "interrupted", int(ExitCode.INTERRUPTED)
        resume = (
            "; the results written so far are complete: run the same command again to resume"
            if resumable
            else ""
        )
        say(f"pipeline: {how}{resume}")
        raise typer.Exit(code) from None


# --- stdout and stderr -----------------------------------------------------------------------


def say(text: str) -> None:
    """A line for the person at the terminal (stderr, no markup read from file names, control
    characters of file names and library messages escaped so they cannot act on it)."""
    from pipeline.inputs import printable

    stderr_console().print(printable(text), markup=False)


def emit(text: str) -> None:
    """Data on stdout as UTF-8, whatever the locale, flushed so a pipe sees it at once."""
    sys.stdout.flush()
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader left (`| head`): send the rest nowhere, as Python's docs advise, so the
        # run still finishes its files instead of dying on the next write.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


IDLE_DESCRIPTION = "cleaning"


@contextmanager
def progress_bar(console: Console, total: int, *, enabled: bool) -> Iterator[Bar]:
    """A progress bar on ``console`` (stderr) over ``total`` documents."""
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from pipeline.progress import Bar

    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=not enabled) as progress:
        task_id = progress.add_task(IDLE_DESCRIPTION, total=total)
        yield Bar(
            describe=lambda text: progress.update(task_id, description=escape(text)),
            advance=lambda: progress.advance(task_id),
        )


@contextmanager
def page_status(*, enabled: bool) -> Iterator[None]:
    """On a terminal, ``clean`` shows how many pages it has read (a scan takes minutes)."""
    if not enabled:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from pipeline.pageprogress import PageProgress, listening

    columns = (SpinnerColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=stderr_console(), transient=True) as progress:
        task_id = progress.add_task("reading", total=None)

        def show(page: PageProgress) -> None:
            progress.update(task_id, description=f"reading {page}")

        with listening(show):
            yield
