"""Headless Chromium driven through its command line (no browser driver is needed)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_TIMEOUT = 120
"""Seconds a headless run may take on a loaded machine before the test gives up."""
QUIET_FLAGS = (
    "--headless",
    "--no-sandbox",  # tests may run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def _run(page: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "chromium is not installed (scripts/install-system-deps.sh)"
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [CHROMIUM, *QUIET_FLAGS, f"--user-data-dir={profile}", *flags, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=BROWSER_TIMEOUT,
            check=True,
        )


def screenshot(page: Path, target: Path, width: int, height: int) -> Path:
    """A PNG of the page as the browser draws it in a window of ``width`` x ``height``."""
    _run(page, f"--window-size={width},{height}", f"--screenshot={target}")
    return target


def dump_dom(page: Path) -> str:
    """The page's DOM after its scripts ran, serialised as HTML."""
    return _run(page, "--dump-dom").stdout
