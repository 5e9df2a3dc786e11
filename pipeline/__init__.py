"""Official statements (PDF text layers, text files) to clean, structured JSON.

The Python API gives the same results as the command line::

    from pipeline import Config, process_path
    document = process_path(Path("statement.pdf"), Config())
    document.to_dict(__version__)  # the published JSON object (see ``pipeline schema``)
    document.to_markdown(), document.to_text()  # the same document as Markdown, plain text
    for document in iter_documents(paths, Config()):  # many files, isolated, as they finish
        ...
"""

from importlib.metadata import PackageNotFoundError, version

from pipeline.config import Config
from pipeline.models import Document
from pipeline.process import process_bytes, process_path, process_text

DISTRIBUTION = "statement-pipeline"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

# batch reads __version__ from this package, so it is imported once that is set.
from pipeline.batch import iter_documents  # noqa: E402

__all__ = [
    "Config",
    "Document",
    "__version__",
    "iter_documents",
    "process_bytes",
    "process_path",
    "process_text",
]
