"""Which inputs a run takes and where each result goes: the run's tasks, in input order.

``pipeline run`` takes one or more files and folders. With one folder, results mirror it
(``IN/a/b.pdf`` -> ``OUT/a/b.json``); with several arguments, each keeps its own name as the
first part (``run d1 d2 f.pdf`` -> ``OUT/d1/...``, ``OUT/d2/...``, ``OUT/f.json``), so that
inputs of different folders never share a result. ``--include``/``--exclude`` globs select
files by their path relative to that base (a pattern without ``/`` also matches the name).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path

from pipeline.errors import NoInputError, UsageError
from pipeline.inputs import (
    INDEX_NAME,
    collect_inputs,
    display_path,
    links_leaving_tree,
    output_relpaths,
)
from pipeline.tasks import Task


def plan_run(
    inputs: Path | Sequence[Path],
    out_dir: Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    renderings: bool = False,
) -> list[Task]:
    """The run's tasks in input order; NoInputError for a missing input or none at all.

    Symbolic links leading out of an input folder become tasks that fail without being read.
    ``renderings`` (``--to md,txt``) are refused in an input folder: a rendering cannot be
    told from an input by its content, so a later run would read it as one.
    """
    roots = [inputs] if isinstance(inputs, Path) else list(inputs)
    if not roots:
        raise NoInputError("no input given")
    out_real = Path(os.path.realpath(out_dir))
    if renderings and any(
        root.is_dir() and Path(os.path.realpath(root)).is_relative_to(out_real) for root in roots
    ):
        raise UsageError(
            f"--to md/txt writes renderings, which cannot go into an input folder: choose an "
            f"--out apart from the inputs (not {display_path(out_dir)})"
        )
    found: dict[Path, tuple[Path, str | None]] = {}  # relative path -> (path, refusal)
    for root in roots:
        for relative, path, refusal in _entries(root, out_dir, single=len(roots) == 1):
            if not _selected(relative, include, exclude):
                continue
            if relative in found and found[relative][0] != path:
                raise UsageError(
                    f"two inputs would share one result: {display_path(found[relative][0])} "
                    f"and {display_path(path)} (run them separately or with other --out)"
                )
            found[relative] = (path, refusal)
    if not found:
        named = ", ".join(display_path(root) for root in roots)
        raise NoInputError(f"no input files in {named}" + _filter_note(include, exclude))
    ordered = sorted(found, key=lambda relative: relative.parts)
    outputs = output_relpaths(ordered)
    tasks = [Task(found[rel][0], display_path(rel), outputs[rel], found[rel][1]) for rel in ordered]
    _refuse_outputs_over_inputs(tasks, out_dir)
    return tasks


def _entries(root: Path, out_dir: Path, *, single: bool) -> Iterator[tuple[Path, Path, str | None]]:
    """(relative path, path, refusal) of every input below ``root`` (or ``root`` itself)."""
    if root.is_dir():
        prefix = Path() if single else Path(os.path.realpath(root)).name
        for path in collect_inputs(root, exclude=[out_dir]):
            yield prefix / path.relative_to(root), path, None
        for link in links_leaving_tree(root, exclude=[out_dir]):
            yield prefix / link.relative_to(root), link, _link_refusal(link)
    elif root.is_file():
        yield Path(root.name), root, None
    else:
        what = "is not a file or folder" if os.path.lexists(root) else "does not exist"
        raise NoInputError(f"input {display_path(root)} {what}")


def _selected(relative: Path, include: Sequence[str], exclude: Sequence[str]) -> bool:
    def matches(pattern: str) -> bool:
        return fnmatch(relative.as_posix(), pattern) or fnmatch(relative.name, pattern)

    if include and not any(matches(pattern) for pattern in include):
        return False
    return not any(matches(pattern) for pattern in exclude)


def _filter_note(include: Sequence[str], exclude: Sequence[str]) -> str:
    if not include and not exclude:
        return ""
    return " matching --include/--exclude"


def _link_refusal(link: Path) -> str:
    target = display_path(Path(os.readlink(link)))
    return f"symbolic link to {target}, outside the input folder: not followed"


def _refuse_outputs_over_inputs(tasks: Sequence[Task], out_dir: Path) -> None:
    """UsageError when a result or the index would land on an input (``--out`` is the input
    folder, or holds it, and an input already has a result's name such as ``report.json``)."""
    inputs = {Path(os.path.realpath(task.path)): task for task in tasks}
    clashes = [
        (task, inputs[real])
        for task in tasks
        if (real := Path(os.path.realpath(out_dir / task.output))) in inputs
    ]
    index_clash = Path(os.path.realpath(out_dir / INDEX_NAME)) in inputs
    if not clashes and not index_clash:
        return
    example = (
        f"{display_path(out_dir / INDEX_NAME)}, the run's index"
        if index_clash
        else f"{clashes[0][1].display_path}, the result of {clashes[0][0].display_path}"
    )
    count = len(clashes) + index_clash
    raise UsageError(
        f"--out {display_path(out_dir)} would write over {count} input file(s) (e.g. "
        f"{example}); choose an output folder outside the input folder"
    )
