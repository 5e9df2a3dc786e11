"""Start-up: what `pipeline --version` and `--help` import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from pipeline import entry, wordstore
from tests import faults

HEAVY_LIBRARIES = (
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    "PIL.Image",
    "numpy",
    "pytesseract",
    "wordfreq",
    "ftfy",
)
"""PDF, image, OCR, word-list and text-repair libraries (module names as in sys.modules; the
bare ``PIL`` package, a few names, is no image library yet)."""

LOADED_AFTER = """
import json, sys
sys.argv = ["pipeline", *json.loads(sys.argv[1])]
from pipeline.entry import main  # what the ``pipeline`` script runs
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
"""Runs the command line in a fresh interpreter; prints the modules it loaded."""


def modules_loaded_by(*arguments: str, env: dict[str, str] | None = None) -> set[str]:
    child = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
        env=None if env is None else {**os.environ, **env},
    )
    loaded: list[str] = json.loads(child.stderr.strip().splitlines()[-1])
    return set(loaded)


@pytest.mark.parametrize("arguments", [["--version"], ["--help"], ["run", "--help"]])
def test_version_and_help_import_no_pdf_image_ocr_or_word_list_library(
    arguments: list[str],
) -> None:
    loaded = modules_loaded_by(*arguments)
    assert "pipeline" in loaded  # the command line really ran
    assert loaded.isdisjoint(HEAVY_LIBRARIES), loaded & set(HEAVY_LIBRARIES)


def test_cleaning_a_file_does_load_the_stages(tmp_path: Path) -> None:
    """The check above can fail: the same probe sees the libraries a real command loads."""
    statement = faults.good_pdf(tmp_path / "statement.pdf")
    loaded = modules_loaded_by("clean", str(statement))
    assert "pdfplumber" in loaded
    assert "numpy" not in loaded  # images and OCR stay unloaded for a text layer


def test_wordfreq_loads_only_until_its_lists_are_indexed(tmp_path: Path) -> None:
    """The first document on a machine has wordfreq index its lists; later ones read the
    indexes without loading wordfreq (0.2 s of imports)."""
    statement = faults.good_pdf(tmp_path / "statement.pdf")
    fresh_cache = {wordstore.CACHE_ENV: str(tmp_path / "cache")}
    assert "wordfreq" in modules_loaded_by("clean", str(statement), env=fresh_cache)
    assert "wordfreq" not in modules_loaded_by("clean", str(statement), env=fresh_cache)


def test_the_package_names_load_on_first_use() -> None:
    import pipeline
    from pipeline import config, process

    assert pipeline.__version__ == version(pipeline.DISTRIBUTION)
    assert pipeline.Config is config.Config
    assert pipeline.process_path is process.process_path
    assert set(pipeline.__all__) <= set(dir(pipeline))
    with pytest.raises(AttributeError):
        _ = pipeline.no_such_name  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("arguments", "starts"),
    [
        (["run"], True),
        (["run", "input", "--out", "output", "--force"], True),
        (["run", "--help"], False),
        (["run", "input", "-h"], False),
        (["run", "input", "--executor", "dask"], False),
        (["run", "input", "--executor=dask"], False),
        (["clean", "statement.pdf"], False),
        (["--version"], False),
        ([], False),
    ],
)
def test_only_a_local_run_starts_its_pool_before_the_command_line_loads(
    arguments: list[str], starts: bool
) -> None:
    assert entry.starts_a_local_pool(arguments) is starts


def test_a_pipeline_package_in_the_working_directory_is_not_what_the_workers_run(
    tmp_path: Path,
) -> None:
    """Run from a folder holding another ``pipeline`` package (a checkout of another version, a
    project of that name): the worker pool still runs this one."""
    shadow = tmp_path / "project" / "pipeline"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise SystemExit("the shadowing package ran")\n')
    inputs = tmp_path / "in"
    inputs.mkdir()
    for number in range(3):  # more than a run reads in its own process
        faults.good_text(inputs / f"{number}.txt")
    script = Path(sys.executable).parent / "pipeline"  # the installed command, as a user runs it
    if not script.exists():
        pytest.skip("the pipeline command is not installed beside this Python")
    child = subprocess.run(
        [str(script), "run", str(inputs), "--out", str(tmp_path / "out")],
        cwd=shadow.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert "shadowing package" not in child.stderr
    assert len(list((tmp_path / "out").glob("*.json"))) == 3
