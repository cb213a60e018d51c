"""Read a built HTML page the way a reader sees it: headless Chromium runs the page's JavaScript and returns the DOM.

Use in tests of the built book (jupyterquiz quizzes, widgets' static figures, anything created by scripts)::

    from tests._browser import assert_rendered, rendered_text
    assert_rendered(Path("_build/html/book/part1/05_adam.html"), "Adam without bias correction")

Everything skips (``pytest.skip``) when no Chromium is installed (``apt-get install chromium``).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


def require_chromium() -> str:
    """The Chromium executable, or skip the calling test."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def dump_dom(page: Path, budget_ms: int = 8000, timeout: float = 120) -> str:
    """The page's DOM after its scripts ran for ``budget_ms`` of virtual time (each call gets its own profile, so
    parallel test workers do not share a locked profile)."""
    exe = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        result = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                                 "--dump-dom", Path(page).resolve().as_uri()],
                                capture_output=True, text=True, timeout=timeout)
    if not result.stdout.strip():
        raise RuntimeError(f"Chromium returned no DOM for {page}: {result.stderr[-2000:]}")
    return result.stdout


def visible_html(dom: str) -> str:
    """The DOM without <script>/<style> blocks, HTML entities decoded: text that scripts put on the page shows up
    here, while text that only sits inside a script does not."""
    return html.unescape(re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S | re.I))


def rendered_text(page: Path, **kw) -> str:
    """:func:`visible_html` of the rendered page."""
    return visible_html(dump_dom(page, **kw))


def assert_rendered(page: Path, *strings: str, **kw) -> str:
    """Assert every string appears in the rendered page (outside scripts); returns the rendered text."""
    text = rendered_text(page, **kw)
    missing = [s for s in strings if s not in text]
    assert not missing, f"not rendered in {page}: {missing}"
    return text
