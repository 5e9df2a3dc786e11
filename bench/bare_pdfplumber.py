"""The baseline: bare pdfplumber ``extract_text()`` on every page of the given PDFs, one process.

What any tool built on pdfplumber pays at least to get the text out of the same pages:

    python bench/bare_pdfplumber.py a.pdf b.pdf ...
"""

from __future__ import annotations

import sys

import pdfplumber


def main(paths: list[str]) -> int:
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
