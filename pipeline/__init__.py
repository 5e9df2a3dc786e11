"""Official statements (PDF text layers, text files) to clean, structured JSON.

The Python API gives the same results as the command line::

    from pipeline import Config, process_path
    document = process_path(Path("statement.pdf"), Config())
    document.to_dict(__version__)  # the published JSON object (see ``pipeline schema``)
    document.to_markdown(), document.to_text()  # the same document as Markdown, plain text
    for document in iter_documents(paths, Config()):  # many files, isolated, as they finish
        ...

The names are loaded on first use (PEP 562): ``import pipeline`` alone, as ``pipeline
--version`` does, reads no PDF, image, OCR or word-list library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.batch import iter_documents
    from pipeline.config import Config
    from pipeline.models import Document
    from pipeline.process import process_bytes, process_path, process_text

    __version__: str

DISTRIBUTION = "statement-pipeline"
UNKNOWN_VERSION = "0.0.0+unknown"

_LAZY_NAMES = {
    "Config": "pipeline.config",
    "Document": "pipeline.models",
    "iter_documents": "pipeline.batch",
    "process_bytes": "pipeline.process",
    "process_path": "pipeline.process",
    "process_text": "pipeline.process",
}
"""Public name -> the module defining it, imported when the name is first asked for."""

__all__ = [
    "Config",
    "Document",
    "__version__",
    "iter_documents",
    "process_bytes",
    "process_path",
    "process_text",
]


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # running from a source tree that was never installed
        return UNKNOWN_VERSION


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _installed_version()
    elif name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups find it without coming here again
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
