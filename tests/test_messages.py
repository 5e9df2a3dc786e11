"""What users read about a failure: fixed sentences, the same in every run, safe to print."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.config import Config, OcrMode
from pipeline.failures import DECOMPRESSION_BOMB, MALFORMED, explain
from pipeline.inputs import printable
from pipeline.process import process_bytes
from tests import pdfbytes

RAW_DETAIL = re.compile(r"0x[0-9a-f]{6,}|<[\w.]+ object at|\\x[0-9a-f]{2}|b'|Error\b|Exception\b")
"""Object addresses, raw bytes and Python exception names: none belongs in a message."""


def test_a_damaged_image_gives_the_same_plain_message_every_time() -> None:
    damaged = b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20
    errors = [process_bytes(damaged, "scan.png", Config()).error for _ in range(3)]
    messages = {error.message for error in errors if error is not None}
    assert len(messages) == 1
    (message,) = messages
    assert not RAW_DETAIL.search(message), message


def test_library_exceptions_map_to_fixed_sentences() -> None:
    assert explain(MemoryError("Unable to allocate output buffer")) == DECOMPRESSION_BOMB
    assert explain(TypeError("'NoneType' object is not iterable")) == MALFORMED
    assert explain(IndexError("list index out of range")) == MALFORMED
    wrapped = ValueError(RecursionError("maximum recursion depth exceeded"))
    assert "nested too deeply" in explain(wrapped)


def test_no_text_is_needs_ocr_only_when_ocr_was_off(tmp_path: Path) -> None:
    blank = pdfbytes.assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
    )
    without_ocr = process_bytes(blank, "blank.pdf", Config(ocr=OcrMode.NEVER)).error
    with_ocr = process_bytes(blank, "blank.pdf", Config(ocr_dpi=72)).error
    assert without_ocr is not None
    assert without_ocr.type == "NeedsOcrError"
    assert with_ocr is not None
    assert with_ocr.type == "NoTextFoundError"
    assert "OCR" in with_ocr.message


def test_printable_escapes_what_a_terminal_would_act_on() -> None:
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("one\nfailed: two") == "one\\nfailed: two"
    assert printable("\u202etxt.exe") == "\\u202etxt.exe"
    assert printable("Заявление — «тест»\tok") == "Заявление — «тест»\\tok"
