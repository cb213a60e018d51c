"""Structure of the book: the table of contents, notebook hygiene, setup cells and citations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def _toc_files(node: object) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root"):
                out.append(value)
            else:
                out.extend(_toc_files(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_toc_files(item))
    return out


def _resolve(entry: str) -> Path:
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{entry}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(entry)


TOC_FILES = _toc_files(TOC)
NOTEBOOKS = sorted(p for p in ROOT.glob("book/**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
ALL_NOTEBOOKS = NOTEBOOKS + sorted(ROOT.glob("exercises/*.ipynb"))


def test_every_toc_entry_exists() -> None:
    for entry in TOC_FILES:
        assert _resolve(entry).exists(), entry


def test_every_book_notebook_is_in_the_toc() -> None:
    listed = {str(_resolve(e).relative_to(ROOT)) for e in TOC_FILES}
    orphans = [str(p.relative_to(ROOT)) for p in NOTEBOOKS if str(p.relative_to(ROOT)) not in listed]
    assert not orphans, f"notebooks missing from _toc.yml: {orphans}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_outputs_are_stripped(path: Path) -> None:
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name}: outputs committed"
            assert cell.get("execution_count") is None, f"{path.name}: execution count committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_title_then_colab_setup(path: Path) -> None:
    nb = json.loads(path.read_text())
    first = "".join(nb["cells"][0]["source"])
    assert nb["cells"][0]["cell_type"] == "markdown" and re.match(r"(\([\w-]+\)=\n)?# \S", first), \
        "first cell must be the '# Title' (after an optional MyST label line)"
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    prose = re.sub(r"^(```+)[^\n]*\n.*?^\1\s*$", "", prose, flags=re.M | re.S)  # a shell comment is not a heading
    assert len(re.findall(r"^# ", prose, flags=re.M)) == 1, "exactly one top-level heading (the page title)"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    setup = "".join(code[0]["source"])
    assert 'find_spec("lessons_lib")' in setup, "first code cell must install lessons_lib when missing (Colab)"
    assert CONFIG["repository"]["url"].removeprefix("https://") in setup, "setup cell must install from this repository"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_citations_exist_in_bibliography(path: Path) -> None:
    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
        for key in group.split(","):
            assert key.strip() in keys, f"{path.name} cites unknown key {key!r}"


# The reading experience: a chapter page shows the ideas, and folds the checks (which still run).
from tools.reading import TARGET, load  # noqa: E402

#: Checks (assert statements and assert_* calls) in the book's pages when their plumbing was folded; folding must
#: never remove one. Raise this floor when checks are added.
ASSERT_FLOOR = 273


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_page_shows_at_most_90_lines_of_code(path: Path) -> None:
    visible = load(path)["visible"]
    assert visible <= TARGET, (f"{path.name} shows {visible} non-blank code lines; fold what proves rather than "
                               f"teaches (tags hide-input / hide-cell) to get to {TARGET} or fewer")


def test_folding_removed_no_check() -> None:
    total = sum(load(p)["asserts"] for p in NOTEBOOKS)
    assert total >= ASSERT_FLOOR, f"the pages hold {total} checks, fewer than the {ASSERT_FLOOR} they had"
