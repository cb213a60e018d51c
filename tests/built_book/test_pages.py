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


@pytest.mark.parametrize("rel", [c for c in CHAPTERS if "/part" in f"/{c}"], ids=str)
def test_chapter_page_has_captioned_intuition_figures_with_alt_text_and_proof_boxes(rel: Path) -> None:
    """The chapter shape, as the reader sees it: numbered figures with a caption and alt text, and proof boxes."""
    html = (HTML / rel).read_text()
    figures = re.findall(r"<figure[^>]*>(.*?)</figure>", html, re.S)
    captioned = [f for f in figures if "<figcaption" in f and re.search(r"<img[^>]+alt=\"[^\"]{20,}\"", f)]
    assert len(captioned) >= 2, f"{rel}: {len(captioned)} figures with caption and alt text"
    assert re.search(r'class="[^"]*\bproof\b', html), f"{rel}: no sphinx-proof box rendered"
    assert 'class="admonition' in html and ">Goals<" in html, f"{rel}: no Goals box"
