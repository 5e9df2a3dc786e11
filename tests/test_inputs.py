"""Which files a run takes, in which order, what they are, and where their results go."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.inputs import (
    TEXT_SAMPLE_BYTES,
    collect_inputs,
    display_path,
    output_relpath,
    sniff_media_type,
)


def touch(root: Path, *relatives: str) -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def relative_names(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


# --- collect_inputs ----------------------------------------------------------------------------


def test_collects_recursively_in_sorted_order(tmp_path: Path) -> None:
    touch(tmp_path, "b.txt", "a/z.pdf", "a/b/c.txt", "A.txt", "a.txt")
    assert relative_names(collect_inputs(tmp_path), tmp_path) == [
        "A.txt",
        "a/b/c.txt",
        "a/z.pdf",
        "a.txt",
        "b.txt",
    ]


def test_skips_hidden_files_and_folders(tmp_path: Path) -> None:
    touch(tmp_path, "keep.txt", ".hidden.txt", ".git/config", "sub/.DS_Store", "sub/keep.pdf")
    assert relative_names(collect_inputs(tmp_path), tmp_path) == ["keep.txt", "sub/keep.pdf"]


def test_skips_an_output_folder_inside_the_input_tree(tmp_path: Path) -> None:
    touch(tmp_path, "a.txt", "out/a.json", "out/index.jsonl", "out/sub/b.json")
    found = collect_inputs(tmp_path, exclude=[tmp_path / "out"])
    assert relative_names(found, tmp_path) == ["a.txt"]


def test_outputs_beside_the_inputs_skip_only_files_of_ours_by_content(tmp_path: Path) -> None:
    touch(tmp_path, "a.txt", "b.pdf", "mine.json", "c/index.jsonl")
    result = {"schema_version": "1.0", "source": {}, "status": "ok", "pipeline": {"version": "1"}}
    (tmp_path / "a.json").write_text(json.dumps(result))
    (tmp_path / "index.jsonl").write_text('{"path": "a.txt", "status": "ok", "output": "a.json"}\n')
    found = collect_inputs(tmp_path, exclude=[tmp_path])
    assert relative_names(found, tmp_path) == ["a.txt", "b.pdf", "c/index.jsonl", "mine.json"]


def test_symlinks_are_not_followed_out_of_the_tree(tmp_path: Path) -> None:
    root, outside = tmp_path / "in", tmp_path / "outside"
    touch(root, "real.txt", "sub/inner.txt")
    touch(outside, "secret.txt", "folder/deep.txt")
    (root / "to_secret.txt").symlink_to(outside / "secret.txt")
    (root / "to_folder").symlink_to(outside / "folder", target_is_directory=True)
    (root / "to_inner.txt").symlink_to(root / "sub" / "inner.txt")
    (root / "loop").symlink_to(root, target_is_directory=True)
    assert relative_names(collect_inputs(root), root) == [
        "real.txt",
        "sub/inner.txt",
        "to_inner.txt",
    ]


def test_a_dangling_symlink_is_skipped(tmp_path: Path) -> None:
    touch(tmp_path, "a.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    assert relative_names(collect_inputs(tmp_path), tmp_path) == ["a.txt"]


# --- output_relpath ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a.pdf"], ["a.json"]),
        (["sub/deeper/a.txt"], ["sub/deeper/a.json"]),
        (["a.pdf", "a.txt"], ["a.pdf.json", "a.txt.json"]),
        (["a.pdf", "b.txt"], ["a.json", "b.json"]),
        (["x/a.pdf", "y/a.txt"], ["x/a.json", "y/a.json"]),  # different folders: no clash
        (["README"], ["README.json"]),
        (["notes.v2.txt"], ["notes.v2.json"]),
        # a.pdf.txt would take a.pdf.json, which the shared stem of a.pdf/a.txt needs.
        (["a.pdf", "a.txt", "a.pdf.txt"], ["a.pdf.json", "a.txt.json", "a.pdf.txt.json"]),
        (["a", "a.pdf"], ["a.json", "a.pdf.json"]),
    ],
)
def test_output_names(tmp_path: Path, names: list[str], expected: list[str]) -> None:
    inputs = [tmp_path / name for name in names]
    mapping = output_relpath(inputs, tmp_path)
    assert [mapping[path].as_posix() for path in inputs] == expected


def test_output_names_are_unique_for_any_mix(tmp_path: Path) -> None:
    names = ["a", "a.pdf", "a.txt", "a.pdf.txt", "a.json", "a.txt.json", "b.tar.gz", "b.tar"]
    mapping = output_relpath([tmp_path / name for name in names], tmp_path)
    assert len(set(mapping.values())) == len(names)


def test_display_path_makes_odd_bytes_printable() -> None:
    odd = Path(os.fsdecode(b"caf\xe9-\xff.txt"))
    shown = display_path(odd)
    assert shown == "caf\ufffd-\ufffd.txt"
    assert shown.encode("utf-8")  # would raise on a lone surrogate


def test_display_path_keeps_ordinary_names() -> None:
    assert display_path(Path("папка/заявление.pdf")) == "папка/заявление.pdf"


# --- sniff_media_type ------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))
PDF_AFTER_JUNK = b"\r\n  junk%PDF-1.4\n\x00\x01"
BINARY_MENTIONING_PDF = b"junk\x00\x01 %PDF-1.4 \x02"
BIN = "application/octet-stream"
RUSSIAN = "Уважаемый господин Председатель, делегация благодарит вас за внимание.\n" * 20


@pytest.mark.parametrize(
    ("label", "data", "name", "expected"),
    [
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a.pdf", "application/pdf"),
        ("pdf named .txt", b"%PDF-1.4\n1 0 obj", "a.txt", "application/pdf"),
        ("pdf header after junk, .pdf name", PDF_AFTER_JUNK, "a.pdf", "application/pdf"),
        ("pdf header after junk, other name", BINARY_MENTIONING_PDF, "a.bin", BIN),
        ("png", PNG, "a.pdf", "image/png"),
        ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "a.jpg", "image/jpeg"),
        ("tiff little-endian", b"II*\x00\x08\x00\x00\x00", "a.tif", "image/tiff"),
        ("tiff big-endian", b"MM\x00*\x00\x00\x00\x08", "a.tif", "image/tiff"),
        ("utf-8 text", RUSSIAN.encode("utf-8"), "a.txt", "text/plain"),
        ("utf-8 text named .pdf", RUSSIAN.encode("utf-8"), "a.pdf", "text/plain"),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + RUSSIAN.encode("utf-8"), "a.txt", "text/plain"),
        ("cp1251 text", RUSSIAN.encode("cp1251"), "a.txt", "text/plain"),
        ("koi8-r text", RUSSIAN.encode("koi8-r"), "a.txt", "text/plain"),
        ("utf-16 with BOM", RUSSIAN.encode("utf-16"), "a.txt", "text/plain"),
        ("ascii", b"Mr. Chairperson,\nthank you.\n", "a", "text/plain"),
        ("all byte values", bytes(range(256)) * 8, "a.txt", BIN),
        ("zip", ZIP, "a.txt", BIN),
        ("nul bytes in ascii", b"abc\x00\x00\x00def\x00", "a.txt", BIN),
        ("empty, .pdf name", b"", "a.pdf", "application/pdf"),
        ("empty, .txt name", b"", "a.txt", "text/plain"),
        ("empty, no name hint", b"", "a", BIN),
    ],
)  # fmt: skip
def test_sniff_media_type(label: str, data: bytes, name: str, expected: str) -> None:
    assert sniff_media_type(data, name) == expected, label


def test_sniff_accepts_utf8_cut_mid_character_at_the_sample_end() -> None:
    # Two-byte Cyrillic letters after one ASCII byte: the sample boundary splits a letter.
    data = b"a" + "ж".encode() * TEXT_SAMPLE_BYTES
    with pytest.raises(UnicodeDecodeError):
        data[:TEXT_SAMPLE_BYTES].decode("utf-8")
    assert sniff_media_type(data, "a.txt") == "text/plain"
