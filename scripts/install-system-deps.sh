#!/usr/bin/env bash
# Install the system packages the pipeline and its tests need, when missing.
# With WITH_TEST_DEPS=1 (as `make test` runs it) also those only the tests need: Chromium,
# which renders the review page headless. `make run` does not need it.
#
# As root: apt-get update (once) and apt-get install of whatever is missing.
# Otherwise: print the exact command to run and exit non-zero if something required is missing.
# Safe to run again: nothing is installed twice.
set -euo pipefail

# Tesseract with the Russian and English models (OCR), DejaVu fonts (the tests draw PDFs with
# them), and python3-venv (Debian's python3 cannot make the project's virtualenv without it).
REQUIRED_PACKAGES=(tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng fonts-dejavu-core)
# Headless Chromium for the review-page tests (screenshots and DOM of `pipeline review` pages),
# and the sqlite3 command line that the README's corpus queries use (its docs test runs them).
TEST_PACKAGES=(chromium sqlite3)
PYTHON="${PYTHON:-python3}"
if [ "${WITH_TEST_DEPS:-0}" = "1" ]; then
    REQUIRED_PACKAGES+=("${TEST_PACKAGES[@]}")
fi

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for package in "${REQUIRED_PACKAGES[@]}"; do
    is_installed "$package" || missing+=("$package")
done
if ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
    missing+=(python3-venv)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system packages: all present" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing system packages: ${missing[*]}" >&2
    echo "this is not a Debian-like system: install Tesseract (with rus and eng) and DejaVu fonts with your package manager" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them as root with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
