"""Session-wide fixtures: statement PDFs and hostile files, generated once per test run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.pdfgen import (
    EncryptedPdf,
    GeneratedStatement,
    english_statement,
    generate_statement,
    make_image_only_pdf,
    make_random_bytes,
    make_scan_tiff,
    make_truncated_pdf,
    sample_statements,
)

pytest_plugins = ["tests.golden_plugin"]

ENCRYPTION_PASSWORD = "s3cret-pass"


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdfgen")


@pytest.fixture(scope="session")
def ru_statement_pdf(pdf_dir: Path) -> GeneratedStatement:
    """The Russian sample: 3 pages, soft hyphens, "– 2 –" at the top beside the running header."""
    return generate_statement(pdf_dir / "ru-statement.pdf", sample_statements()["ru"])


@pytest.fixture(scope="session")
def en_statement_pdf(pdf_dir: Path) -> GeneratedStatement:
    """The English sample: 2 pages, hard hyphens, "Page 1 of 2" at the foot of every page."""
    return generate_statement(pdf_dir / "en-statement.pdf", sample_statements()["en"])


@pytest.fixture(scope="session")
def encrypted_pdf(pdf_dir: Path) -> EncryptedPdf:
    path = pdf_dir / "encrypted.pdf"
    statement = english_statement()
    one_page = replace(statement, paragraphs=statement.paragraphs[:1])
    generate_statement(path, one_page, password=ENCRYPTION_PASSWORD)
    return EncryptedPdf(path, ENCRYPTION_PASSWORD)


@pytest.fixture(scope="session")
def truncated_pdf(pdf_dir: Path, en_statement_pdf: GeneratedStatement) -> Path:
    return make_truncated_pdf(pdf_dir / "truncated.pdf", en_statement_pdf.path)


@pytest.fixture(scope="session")
def random_bytes_pdf(pdf_dir: Path) -> Path:
    return make_random_bytes(pdf_dir / "random.pdf")


@pytest.fixture(scope="session")
def image_only_pdf(pdf_dir: Path) -> Path:
    return make_image_only_pdf(pdf_dir / "image-only.pdf")


@pytest.fixture(scope="session")
def en_statement_scan(pdf_dir: Path, en_statement_pdf: GeneratedStatement) -> Path:
    """The English sample as a two-page 300-dpi grayscale TIFF scan (no text layer)."""
    return make_scan_tiff(pdf_dir / "en-statement-scan.tif", en_statement_pdf.path)
