"""Every ``sh`` and ``python`` block of the README runs, as a user would type it.

Blocks run in README order in one scratch folder (as a reader following the README would:
a block may use what an earlier one wrote), holding a copy of the repository's ``input/`` and
``scans/letter.pdf``, with a home folder that has ``~/statements`` and ``~/letters``, and
``pipeline`` on the PATH (this checkout). A block preceded by
``<!-- docs-test: skip (reason) -->`` is not run: the README says why (the network, the whole
test suite).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults import GOOD_TEXT

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLOCK = re.compile(
    r"(?:<!-- docs-test: (?P<note>[^\n]*?) -->\n)?```(?P<language>\w*)\n(?P<code>.*?)```",
    re.DOTALL,
)
RUNNABLE = {"sh", "python"}
SKIP = "skip"
BLOCK_TIMEOUT_SECONDS = 600
"""Far above what any block needs (a few text documents); only a hang would reach it."""


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    note: str | None
    line: int

    @property
    def label(self) -> str:
        return f"README.md:{self.line}"


def readme_blocks() -> list[Block]:
    text = README.read_text("utf-8")
    return [
        Block(
            match["language"], match["code"], match["note"], text.count("\n", 0, match.start()) + 1
        )
        for match in BLOCK.finditer(text)
        if match["language"] in RUNNABLE
    ]


BLOCKS = readme_blocks()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The working folder and environment the blocks run in."""
    tmp_path = tmp_path_factory.mktemp("docs")
    work, home, bin_dir = tmp_path / "work", tmp_path / "home", tmp_path / "bin"
    shutil.copytree(REPO / "input", work / "input")
    (work / "scans").mkdir()
    shutil.copy(REPO / "input" / "ru-statement.pdf", work / "scans" / "letter.pdf")
    (home / "statements").mkdir(parents=True)
    (home / "statements" / "en.txt").write_text(GOOD_TEXT, encoding="utf-8")
    shutil.copy(REPO / "input" / "seed.txt", home / "statements" / "seed.txt")
    shutil.copy(REPO / "input" / "en-statement.pdf", home / "statements" / "en.pdf")
    (home / "letters").mkdir()
    (home / "letters" / "note.txt").write_text(GOOD_TEXT, encoding="utf-8")
    bin_dir.mkdir()
    shim = bin_dir / "pipeline"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pipeline "$@"\n')
    shim.chmod(0o755)
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
    }
    return work, env


def test_the_readme_has_runnable_blocks_and_every_skip_says_why() -> None:
    assert sum(block.language == "sh" for block in BLOCKS) >= 3
    assert any(block.language == "python" for block in BLOCKS)
    for block in BLOCKS:
        if block.note is not None and block.note.startswith(SKIP):
            assert re.fullmatch(r"skip \(.+\)", block.note), block.label


@pytest.mark.parametrize("block", BLOCKS, ids=[block.label for block in BLOCKS])
def test_a_readme_block_runs(block: Block, scratch: tuple[Path, dict[str, str]]) -> None:
    if block.note is not None and block.note.startswith(SKIP):
        pytest.skip(f"{block.label}: {block.note}")
    work, env = scratch
    if block.language == "sh":
        command = ["bash", "-e", "-o", "pipefail", "-c", block.code]
    else:
        command = [sys.executable, "-c", block.code]
    done = subprocess.run(
        command, cwd=work, env=env, capture_output=True, timeout=BLOCK_TIMEOUT_SECONDS, check=False
    )
    assert done.returncode == 0, (
        f"{block.label} exited {done.returncode}\n{done.stdout.decode()}\n{done.stderr.decode()}"
    )
