"""Which files a run reads, in which order, what they really are, and where their results go.

The order is deterministic (sorted relative paths) so two runs over the same folder produce the
same index; the media type comes from the content, because a file's name may lie.
"""

from __future__ import annotations

import codecs
import mimetypes
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.ownership import is_own_file

INDEX_NAME = "index.jsonl"
"""The run's index inside the output folder (written by ``output.write_index``)."""

OUTPUT_SUFFIX = ".json"

PDF_MAGIC = b"%PDF-"
PDF_HEADER_WINDOW = 1024
"""PDF readers accept the ``%PDF-`` header anywhere in the first KiB (junk may precede it)."""
IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
TEXT_SAMPLE_BYTES = 64 * 1024
"""Bytes looked at to decide whether a file is text: enough for any encoding detector."""
TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
WIDE_ENCODINGS = ("utf_16", "utf_32")
BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1c-\x1f]")
"""C0 control bytes no text file holds (tab, line ends, form feed, DOS EOF and ESC excepted)."""
MAX_STRAY_CONTROL_SHARE = 0.001
"""...but one in a thousand bytes is a text file damaged in a copy (a stray NUL), read as text
with the bytes taken out; binary data has them by the tenth."""
STRAY_CONTROLS_IN_ANY_TEXT = 2
"""...and a short file may hold this many whatever its length."""

PDF = "application/pdf"
TEXT = "text/plain"
BINARY = "application/octet-stream"


# --- collecting ----------------------------------------------------------------------------


def collect_inputs(root: Path, *, exclude: Sequence[Path] = ()) -> list[Path]:
    """Every regular file below ``root``, sorted by relative path.

    Hidden files and folders (name starting with ".") are skipped, and so is anything inside
    ``exclude`` (our own output folder when it sits inside the input tree). Symbolic links are
    taken only when they point to a file inside ``root``; linked folders are never entered, so
    a link can neither leave the tree nor loop.
    """
    root_real = Path(os.path.realpath(root))
    excluded = [Path(os.path.realpath(path)) for path in exclude]
    found = [
        path
        for path in _walk_visible_files(root)
        if _stays_inside(path, root_real) and not _is_own_output(path, root_real, excluded)
    ]
    return sorted(found, key=lambda path: path.relative_to(root).parts)


def links_leaving_tree(root: Path, *, exclude: Sequence[Path] = ()) -> list[Path]:
    """Symbolic links below ``root`` (to files or folders) whose target lies outside it.

    They are never followed; a run reports each as a failed input rather than drop it unseen.
    Hidden names and ``exclude`` are skipped as in ``collect_inputs``.
    """
    root_real = Path(os.path.realpath(root))
    excluded = [Path(os.path.realpath(path)) for path in exclude]
    found = [
        path
        for path in _walk_visible_links(root)
        if not _stays_inside(path, root_real) and not _in_output_folder(path, root_real, excluded)
    ]
    return sorted(found, key=lambda path: path.relative_to(root).parts)


def _in_output_folder(path: Path, root_real: Path, excluded: Iterable[Path]) -> bool:
    """True for an entry of an output folder that sits inside the input tree (not the tree)."""
    folder = Path(os.path.realpath(path.parent))
    return any(folder.is_relative_to(out) for out in excluded if out != root_real)


def _walk_visible_links(root: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [name for name in dirnames if not _is_hidden(name)]
        folder_path = Path(folder)
        for name in [*dirnames, *filenames]:
            path = folder_path / name
            if not _is_hidden(name) and path.is_symlink():
                yield path


def _walk_visible_files(root: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        # Pruning in place is how os.walk is told not to descend.
        dirnames[:] = [name for name in dirnames if not _is_hidden(name)]
        folder_path = Path(folder)
        for name in filenames:
            path = folder_path / name
            if not _is_hidden(name) and path.is_file():
                yield path


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _stays_inside(path: Path, root_real: Path) -> bool:
    """False for a symbolic link whose target lies outside the input tree."""
    if not path.is_symlink():
        return True
    return Path(os.path.realpath(path)).is_relative_to(root_real)


def _is_own_output(path: Path, root_real: Path, excluded: Iterable[Path]) -> bool:
    real = Path(os.path.realpath(path))
    for out_dir in excluded:
        if not real.is_relative_to(out_dir):
            continue
        if out_dir != root_real:
            return True
        # Outputs written beside the inputs: only files of ours (by content) are ours; the
        # user's own ``report.json`` stays an input.
        named_like_ours = real.name == INDEX_NAME or real.suffix == OUTPUT_SUFFIX
        if named_like_ours and is_own_file(real, INDEX_NAME):
            return True
    return False


# --- naming --------------------------------------------------------------------------------


def output_relpath(inputs: Sequence[Path], root: Path) -> dict[Path, Path]:
    """Each input's output path relative to the output folder.

    ``a/b.pdf`` -> ``a/b.json``; when two inputs of one folder share a stem (``a.pdf``,
    ``a.txt``) both keep their full name (``a.pdf.json``, ``a.txt.json``) so neither overwrites
    the other.
    """
    relatives = {path: path.relative_to(root) for path in inputs}
    by_relative = output_relpaths(list(relatives.values()))
    return {path: by_relative[rel] for path, rel in relatives.items()}


def output_relpaths(inputs: Sequence[Path]) -> dict[Path, Path]:
    """``output_relpath`` for paths already relative to their input folder (each unique)."""
    relatives = {rel: rel for rel in inputs}
    full_name = set(_sharing_a_stem(relatives.values()))
    while True:
        names = {path: _output_name(rel, rel in full_name) for path, rel in relatives.items()}
        clashing = _clashes(names)
        # Full names are unique within a folder, so each pass only shrinks what can clash.
        newly_full = {relatives[path] for path in clashing} - full_name
        if not newly_full:
            return names
        full_name |= newly_full


def _sharing_a_stem(relatives: Iterable[Path]) -> Iterator[Path]:
    by_stem: defaultdict[tuple[Path, str], list[Path]] = defaultdict(list)
    for rel in relatives:
        by_stem[(rel.parent, rel.stem)].append(rel)
    for group in by_stem.values():
        if len(group) > 1:
            yield from group


def _output_name(rel: Path, keep_full_name: bool) -> Path:
    if keep_full_name or not rel.suffix:
        return rel.with_name(rel.name + OUTPUT_SUFFIX)
    return rel.with_suffix(OUTPUT_SUFFIX)


def _clashes(names: Mapping[Path, Path]) -> list[Path]:
    owners: defaultdict[Path, list[Path]] = defaultdict(list)
    for path, name in names.items():
        owners[name].append(path)
    return [path for group in owners.values() if len(group) > 1 for path in group]


def display_path(path: Path) -> str:
    """A path as printable UTF-8 text: undecodable bytes in a file name become U+FFFD.

    Python keeps such bytes as lone surrogates, which JSON encoders cannot write as UTF-8.
    """
    return os.fsencode(path).decode("utf-8", errors="replace")


TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal acts on or that forge lines when printed: C0 and C1 controls (ESC
starts escape sequences, a newline starts a fake line), DEL, line separators, bidi overrides."""


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: each unsafe character shown as its escape
    (``\\x1b``, ``\\n``, ``\\u202e``), everything else as it is."""
    return TERMINAL_UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


# --- sniffing ------------------------------------------------------------------------------


def sniff_media_type(data: bytes, name: str) -> str:
    """The media type by content: PDF, PNG, JPEG, TIFF, text, or binary.

    The name only breaks ties: a PDF header after leading junk counts for a ``.pdf`` name, and
    an empty file takes the type its name suggests.
    """
    if data.startswith(PDF_MAGIC):
        return PDF
    for magic, media_type in IMAGE_MAGIC:
        if data.startswith(magic):
            return media_type
    guessed = _type_from_name(name)
    if not data:
        return guessed or BINARY
    if guessed == PDF and PDF_MAGIC in data[:PDF_HEADER_WINDOW]:
        return PDF
    return TEXT if _decodes_as_text(data[:TEXT_SAMPLE_BYTES]) else BINARY


def _type_from_name(name: str) -> str | None:
    media_type, _ = mimetypes.guess_type(name, strict=False)
    return media_type


def _decodes_as_text(sample: bytes) -> bool:
    """True when the bytes read as text in some encoding (charset-normalizer's verdict).

    Control bytes such as NUL mark binary data unless the text is UTF-16/32, where they are
    half of every Latin letter; a stray few (``MAX_STRAY_CONTROL_SHARE``) are damage.
    """
    if sample.startswith(TEXT_BOMS) or _is_utf8_prefix(sample):
        return True
    from charset_normalizer import from_bytes  # only for files without a telling signature

    best = from_bytes(sample).best()
    if best is None:
        return False
    return best.encoding.startswith(WIDE_ENCODINGS) or _few_controls(sample)


def _is_utf8_prefix(sample: bytes) -> bool:
    """True for valid UTF-8, allowing a character cut in half at the end of the sample."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return _few_controls(sample)


def _few_controls(sample: bytes) -> bool:
    """No more control bytes than a text file damaged in a copy holds."""
    allowed = STRAY_CONTROLS_IN_ANY_TEXT + MAX_STRAY_CONTROL_SHARE * len(sample)
    return len(BINARY_CONTROL.findall(sample)) <= allowed
