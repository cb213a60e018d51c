"""The built book shows every chapter with its figures, its executed outputs and a Colab launch button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import HTML

ROOT = HTML.parents[1]
CHAPTERS = sorted(p.relative_to(ROOT).with_suffix(".html") for p in ROOT.glob("book/**/*.ipynb"))


@pytest.mark.parametrize("rel", CHAPTERS, ids=str)
def test_chapter_page_has_figures_outputs_and_colab(rel: Path) -> None:
    page = HTML / rel
    assert page.exists(), f"{rel} was not built"
    html = page.read_text()
    assert "colab.research.google.com/github/" in html, "no Colab launch button"
    if "/appendix/" not in f"/{rel}":  # a chapter teaches with figures; an appendix may be tables only
        assert re.search(r"<img[^>]+src=\"[^\"]*_images/[^\"]+\.png\"", html), "no executed figure"
    assert "cell_output" in html, "no executed output"
    assert "Traceback (most recent call last)" not in html, "a cell raised during the build"
