"""One mapping from the libraries' exceptions to what a user is told.

pdfminer, pdfplumber, Pillow, zlib and Tesseract report damage with whatever Python exception
their parser met ("list index out of range", "'NoneType' object is not iterable"), with raw
bytes of the file, or with the address of an object ("<_io.BytesIO object at 0x7f…>", different
in every run). Users get instead a fixed sentence per kind of damage: the same file always gives
the same message, and the message says what is wrong with the file, not with our code.
"""

from __future__ import annotations

import struct
import zlib

from PIL import UnidentifiedImageError

DECOMPRESSION_BOMB = "a compressed stream expands beyond the memory limit (a decompression bomb)"
TOO_DEEP = "objects nested too deeply, or referring to themselves"
CORRUPT_STREAM = "a compressed stream is corrupt"
MALFORMED = "its structure is malformed"
UNKNOWN_IMAGE = "not an image format we read, or its header is corrupt"
TRUNCATED = "the data is truncated or corrupt"

MESSAGES: tuple[tuple[type[BaseException], str], ...] = (
    (MemoryError, DECOMPRESSION_BOMB),  # zlib: "Unable to allocate output buffer"
    (RecursionError, TOO_DEEP),
    (zlib.error, CORRUPT_STREAM),
    (UnidentifiedImageError, UNKNOWN_IMAGE),
    (struct.error, TRUNCATED),
    (EOFError, TRUNCATED),
    (OSError, TRUNCATED),
)
"""First match wins (by class, never by message text); anything else is a malformed file."""


def explain(exc: BaseException) -> str:
    """A short, deterministic sentence for a library's exception about a file's content."""
    cause = _unwrapped(exc)
    for kind, message in MESSAGES:
        if isinstance(cause, kind):
            return message
    return MALFORMED


def ran_out_of_memory(exc: BaseException) -> bool:
    """True when the library's exception is a ``MemoryError`` (a decompression bomb under the
    memory limit), wrapped or not: reading the same data again would only meet it again."""
    return isinstance(_unwrapped(exc), MemoryError)


def _unwrapped(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exception (``PdfminerException(original)``): the original."""
    seen = 0
    while exc.args and isinstance(exc.args[0], BaseException) and seen < len(MESSAGES):
        exc, seen = exc.args[0], seen + 1
    return exc
