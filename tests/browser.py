"""A real headless browser for the HTML pages: render a file, collect its console, screenshot it.

Uses the distribution's `chromium-headless-shell` (or `chromium`). `.ci/run` installs it when it
is missing and sets TRUSTCHECK_REQUIRE_BROWSER=1, so in CI a missing browser fails the tests
instead of skipping them; on a machine without one they are skipped with the reason.

    from browser import render, needs_browser
    @needs_browser
    def test_page(tmp_path): shot = render(page, width=1280, height=720); shot.console == []

Pages are loaded from a file:// address with networking off, so a page that asks for anything
outside itself shows it as a console message (a blocked or failed request), which tests refuse.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")
# Chromium logs each console message on stderr:
# `[...:INFO:CONSOLE:<line>] "<message>", source: ...`
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\]\s*(?P<message>.*)$")


def browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


needs_browser = pytest.mark.skipif(
    browser() is None and os.environ.get("TRUSTCHECK_REQUIRE_BROWSER", "") in ("", "0"),
    reason="no headless Chromium here (apt install chromium-headless-shell); .ci/run installs it",
)


@dataclass
class Rendered:
    console: list[str]  # every console message the page caused (errors, blocked requests)
    screenshot: Path  # a PNG of the viewport (width x height)

    def image(self):  # a Pillow image of the screenshot, RGB
        from PIL import Image

        with Image.open(self.screenshot) as opened:
            return opened.convert("RGB")


def render(page: Path, *, width: int, height: int, screenshot: Path | None = None) -> Rendered:
    """Load `page` in headless Chromium at width x height pixels and screenshot the viewport."""
    found = browser()
    if found is None:
        pytest.fail("TRUSTCHECK_REQUIRE_BROWSER is set but no headless Chromium is installed")
    shot = screenshot or page.with_name(f"{page.stem}-{width}x{height}.png")
    profile = page.parent / f".chromium-{width}x{height}"
    command = [
        found, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0",
        f"--user-data-dir={profile}", f"--window-size={width},{height}",
        # No network: anything the page fetches from outside fails, and shows in the console.
        "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        f"--screenshot={shot}", page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(page.parent)})
    if not shot.exists():
        pytest.fail(f"Chromium wrote no screenshot (exit {done.returncode}):\n"
                    f"{done.stderr[-2000:]}")
    console = [m.group("message") for m in map(_CONSOLE.search, done.stderr.splitlines()) if m]
    return Rendered(console=console, screenshot=shot)


def share_of_pixels(image, colour: tuple[int, int, int], tolerance: int = 40) -> float:
    """The share of the image's pixels within `tolerance` of `colour` (per channel)."""
    flattened = getattr(image, "get_flattened_data", None) or image.getdata  # Pillow 12+
    pixels = list(flattened())
    near = sum(1 for pixel in pixels
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)))
    return near / len(pixels)
