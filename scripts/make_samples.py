"""Write the sample statements input/ru-statement.pdf and input/en-statement.pdf.

They are drawn by the tests' own generator (tests/pdfgen.py), so the samples and the test
fixtures are one code path: the same text, layouts, header, page numbers and hyphenation.
The output is byte-for-byte reproducible (reportlab's invariant mode), so rerunning this
changes nothing unless the generator did.

    python scripts/make_samples.py [OUTPUT_DIR]     # default: input/ beside this script
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(REPO))

from tests.pdfgen import expected_result, make_statement_pdf, sample_statements  # noqa: E402


def make_samples(out_dir: Path) -> list[Path]:
    """Write one PDF per sample statement into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        make_statement_pdf(out_dir / f"{language}-statement.pdf", spec)
        for language, spec in sample_statements().items()
    ]


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else REPO / "input"
    for path, spec in zip(make_samples(out_dir), sample_statements().values(), strict=True):
        expected = expected_result(spec)
        print(
            f"{path}: {expected.pages} pages, {len(expected.breaks)} line-end breaks",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
