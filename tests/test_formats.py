"""`--to json,md,txt` on run and clean; every JSON a run writes validates against the published
schema, whose every property (at any depth) has a description; the iterator API."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from pipeline import iter_documents
from pipeline.cli import app
from pipeline.config import Config
from pipeline.errors import ExitCode
from pipeline.models import Status
from pipeline.process import process_path
from pipeline.schema import json_schema
from tests.pdfgen import GeneratedStatement

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


@pytest.fixture(scope="module")
def input_dir(
    tmp_path_factory: pytest.TempPathFactory,
    en_statement_pdf: GeneratedStatement,
    ru_statement_pdf: GeneratedStatement,
) -> Path:
    folder = tmp_path_factory.mktemp("formats-in")
    shutil.copy(GOLDEN / "seed.txt", folder / "seed.txt")
    shutil.copy(en_statement_pdf.path, folder / "en.pdf")
    shutil.copy(ru_statement_pdf.path, folder / "nested-ru.pdf")
    (folder / "empty.txt").write_bytes(b"")  # a failed document has its renderings too
    return folder


@pytest.fixture(scope="module")
def run_out(input_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("formats-out")
    result = runner.invoke(
        app, ["run", str(input_dir), "--out", str(out), "--to", "json,md,txt", "-w", "1", "-q"]
    )
    assert result.exit_code == ExitCode.SOME_FAILED, result.output  # empty.txt fails
    return out


def test_run_writes_every_format_beside_each_json(input_dir: Path, run_out: Path) -> None:
    for source in input_dir.iterdir():
        for suffix in (".json", ".md", ".txt"):
            assert (run_out / source.with_suffix(suffix).name).is_file(), (source, suffix)


def test_run_renderings_are_the_documents_renderings(input_dir: Path, run_out: Path) -> None:
    document = process_path(input_dir / "en.pdf", Config())
    assert (run_out / "en.md").read_text(encoding="utf-8") == document.to_markdown()
    assert (run_out / "en.txt").read_text(encoding="utf-8") == document.to_text()
    seed_txt = (run_out / "seed.txt").read_text(encoding="utf-8")
    assert seed_txt == (GOLDEN / "rendered" / "seed.txt").read_text(encoding="utf-8")


def test_every_json_of_the_run_validates(run_out: Path) -> None:
    validator = Draft202012Validator(json_schema())
    results = list(run_out.glob("*.json"))
    assert len(results) == 4
    for path in results:
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_bytes()))]
        assert errors == [], path


def test_a_rerun_asking_for_a_new_format_writes_it(input_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(input_dir), "--out", str(out), "-w", "1", "-q"])
    assert not (out / "seed.md").exists()
    runner.invoke(app, ["run", str(input_dir), "--out", str(out), "--to", "md", "-w", "1", "-q"])
    assert (out / "seed.md").is_file()
    assert (out / "seed.json").is_file()


def undescribed(node: Any, path: str = "#") -> list[str]:
    """Paths of properties in a JSON Schema without a description (after following $refs)."""
    missing = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if not (prop.get("description") or _ref_description(prop)):
                missing.append(f"{path}/{name}")
        for key, value in node.items():
            missing += undescribed(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            missing += undescribed(value, f"{path}/{index}")
    return missing


def _ref_description(prop: dict[str, Any]) -> str | None:
    ref = prop.get("$ref") or next(
        (option.get("$ref") for option in prop.get("anyOf", []) if "$ref" in option), None
    )
    if ref is None:
        return None
    return json_schema()["$defs"][ref.rsplit("/", 1)[1]].get("description")  # type: ignore[index]


def test_every_property_of_the_schema_is_described() -> None:
    schema = json_schema()
    assert undescribed(schema) == []
    assert len(json.dumps(schema)) > 1000  # the walk saw the nested models


def test_repair_kinds_are_an_enum_each_with_a_description() -> None:
    kinds = json_schema()["$defs"]["RepairModel"]["properties"]["kind"]  # type: ignore[index]
    options = kinds["oneOf"]
    assert {"dehyphenated", "mojibake", "furniture_removed"} <= {o["const"] for o in options}
    assert all(option["description"] for option in options)


def test_clean_to_md_prints_markdown(en_statement_pdf: GeneratedStatement) -> None:
    result = runner.invoke(app, ["clean", str(en_statement_pdf.path), "--to", "md"])
    assert result.exit_code == 0
    assert result.stdout.startswith("---\nsymbol: ")
    assert f"\n# {en_statement_pdf.expected.title}\n" in result.stdout
    result = runner.invoke(app, ["clean", str(GOLDEN / "seed.txt"), "--to", "txt"])
    assert result.stdout == (GOLDEN / "rendered" / "seed.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("to", ["docx", "md,txt"])
def test_clean_refuses_an_unknown_or_several_formats(to: str) -> None:
    result = runner.invoke(app, ["clean", str(GOLDEN / "seed.txt"), "--to", to])
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""


def test_iter_documents_yields_each_input_once_isolated(input_dir: Path) -> None:
    paths = sorted(input_dir.iterdir())
    documents = list(iter_documents(paths, Config(), workers=2))
    assert sorted(d.source.path for d in documents) == sorted(str(p) for p in paths)
    statuses = {Path(d.source.path).name: d.status for d in documents}
    assert statuses["empty.txt"] is Status.FAILED
    assert statuses["seed.txt"] is Status.OK
    seed = next(d for d in documents if d.source.path.endswith("seed.txt"))
    assert seed.to_text() == (GOLDEN / "rendered" / "seed.txt").read_text(encoding="utf-8")


def test_iter_documents_can_stop_early(input_dir: Path) -> None:
    iterator = iter_documents(sorted(input_dir.iterdir()), Config(), workers=2)
    first = next(iterator)
    iterator.close()  # stops the workers
    assert first.source.path


def test_clean_to_md_into_head_ends_cleanly() -> None:
    """`pipeline clean FILE --to md | head` (a reader that leaves early) as a user runs it."""
    command = f"{sys.executable} -m pipeline clean {GOLDEN / 'seed.txt'} --to md | head -4"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["---", 'language: "ru"', "---", ""]
