"""Every chapter has the same shape, so a reader always knows where they are.

goals -> intuition (a figure first) -> math next to it -> code -> experiment -> pitfalls -> summary -> exercises -> quiz

Checked on the notebook sources (fast, no execution):

* the opening cell states the chapter's goals in a ``{admonition} Goals`` box (a bulleted list);
* at least two *intuition figures*: code cells tagged ``intuition`` whose ``mystnb`` metadata gives the figure a
  caption (its takeaway, a full sentence), a ``fig-`` name and alt text; the first one comes before the second
  ``##`` section, so the chapter opens with a picture;
* at least one ``sphinx-proof`` box (``{prf:algorithm}``, ``{prf:definition}``, ``{prf:theorem}`` ...);
* the last four sections are, in order, Pitfalls, Summary, Exercises, Check your understanding, and Pitfalls has at
  least three bullets;
* the quiz cell's code is folded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in ROOT.glob("book/part*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
ENDING = ["Pitfalls", "Summary", "Exercises", "Check your understanding"]
PROOF = re.compile(r"^(```+|:::+)\{prf:(algorithm|definition|theorem|proposition|lemma|remark|property|example)\}", re.M)


def _cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text())
    return [{**c, "text": "".join(c["source"])} for c in nb["cells"]]


def _sections(cells: list[dict]) -> list[tuple[int, str]]:
    out = []
    for i, c in enumerate(cells):
        if c["cell_type"] == "markdown":
            out += [(i, m.group(1).strip()) for m in re.finditer(r"^## (.+)$", c["text"], re.M)]
    return out


def intuition_figures(cells: list[dict]) -> list[tuple[int, dict]]:
    """(cell index, mystnb metadata) of the cells tagged ``intuition``."""
    return [
        (i, c["metadata"].get("mystnb", {}))
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and "intuition" in c["metadata"].get("tags", [])
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_goals_first(path: Path) -> None:
    cells = _cells(path)
    first_md = next(c["text"] for c in cells if c["cell_type"] == "markdown")
    box = re.search(r"(```+|:::+)\{admonition\} Goals\n(.*?)\n\1", first_md, re.S)
    assert box, f"{path.name}: the first markdown cell has no ```{{admonition}} Goals box"
    bullets = [ln for ln in box.group(2).splitlines() if ln.lstrip().startswith(("- ", "* "))]
    assert len(bullets) >= 2, f"{path.name}: the Goals box lists {len(bullets)} goals, want at least 2"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_intuition_figures(path: Path) -> None:
    cells = _cells(path)
    figures = intuition_figures(cells)
    assert len(figures) >= 2, f"{path.name}: {len(figures)} intuition figures, want at least 2"
    names = []
    for i, meta in figures:
        caption = meta.get("figure", {}).get("caption", "")
        name = meta.get("figure", {}).get("name", "")
        alt = meta.get("image", {}).get("alt", "")
        assert len(caption.split()) >= 8 and caption.rstrip().endswith("."), (
            f"{path.name} cell {i}: the caption should state the takeaway in a sentence, got {caption!r}"
        )
        assert name.startswith("fig-"), f"{path.name} cell {i}: figure name {name!r} should start with 'fig-'"
        assert len(alt.split()) >= 6, f"{path.name} cell {i}: alt text {alt!r} is too short to describe the figure"
        assert not cells[i]["text"].lstrip().startswith(("![", "<img")), f"{path.name} cell {i}: computed, not an image"
        names.append(name)
    assert len(set(names)) == len(names), f"{path.name}: duplicate figure names {names}"
    sections = _sections(cells)
    assert len(sections) >= 2 and figures[0][0] < sections[1][0], (
        f"{path.name}: the first intuition figure should come before the second section ({sections[1][1]!r})"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_proof_box(path: Path) -> None:
    text = "\n".join(c["text"] for c in _cells(path) if c["cell_type"] == "markdown")
    assert PROOF.search(text), f"{path.name}: no sphinx-proof box ({{prf:algorithm}}, {{prf:definition}}, ...)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_ending(path: Path) -> None:
    cells = _cells(path)
    sections = _sections(cells)
    assert [title for _, title in sections[-4:]] == ENDING, f"{path.name}: ends with {sections[-4:]}"
    start = sections[-4][0]
    pitfalls = cells[start]["text"].split("## Pitfalls", 1)[1]
    bullets = [ln for ln in pitfalls.splitlines() if ln.startswith(("- ", "* ", "1. ", "2. ", "3. "))]
    assert len(bullets) >= 3, f"{path.name}: Pitfalls lists {len(bullets)} items, want at least 3"
    quiz = [c for c in cells if c["cell_type"] == "code" and "show_quiz(" in c["text"]]
    assert quiz, f"{path.name}: no quiz cell"
    assert {"hide-input", "remove-input"} & set(quiz[-1]["metadata"].get("tags", [])), f"{path.name}: quiz code shown"
