"""Quizzes render in the built HTML book: headless Chromium runs the page's JavaScript and the DOM then holds
jupyterquiz's answer buttons and question text (the static HTML holds only the script that creates them)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from lessons_lib.quiz import BANKS
from tests._browser import dump_dom  # one Chromium profile per call: the checks run in parallel

from .conftest import HTML

ROOT = HTML.parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _pages_with_quizzes() -> list[tuple[str, str]]:
    out = []
    for nb in sorted(ROOT.glob("book/**/*.ipynb")):
        text = nb.read_text()
        m = re.search(r'show_quiz\(\\"([\w-]+)\\"\)', text)
        if m:
            out.append((str(nb.relative_to(ROOT).with_suffix(".html")), m.group(1)))
    return out

@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("page, chapter", _pages_with_quizzes())
def test_quiz_renders_in_the_built_page(page: str, chapter: str) -> None:
    path = HTML / page
    static = path.read_text()
    dom = dump_dom(path)
    assert 'class="MCButton"' not in static, "the buttons must come from the quiz's JavaScript"
    assert dom.count('class="MCButton"') >= 2, "jupyterquiz did not render its answer buttons"
    dom_without_scripts = re.sub(r"<script.*?</script>", "", dom, flags=re.S)
    first_mc = next(q for q in BANKS[chapter] if q["type"] == "multiple_choice")
    assert json.dumps(first_mc["question"])[1:30] in dom_without_scripts or first_mc["question"][:30] in dom_without_scripts
