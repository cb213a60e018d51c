"""Quizzes render where readers meet them: in an executed notebook (the outputs carry jupyterquiz's HTML and
JavaScript, which Jupyter and Colab run without a kernel round trip) and in a page built by Jupyter Book 1, opened
in headless Chromium (the question text is in the DOM only after the page's JavaScript ran)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from _browser import CHROMIUM, assert_rendered
from lessons_lib.quiz import BANKS

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "adam"


def _quiz_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Quiz page"),
        nbformat.v4.new_code_cell(f'from lessons_lib.quiz import show_quiz\nshow_quiz("{CHAPTER}")')])
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    return nb


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def test_executed_notebook_carries_the_quiz_html_and_javascript(monkeypatch) -> None:
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])
    nb = _quiz_notebook()
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[1].outputs
    mimes = {m for o in outputs for m in o.get("data", {})}
    assert {"text/html", "application/javascript"} <= mimes
    js = "".join(o["data"]["application/javascript"] for o in outputs if "application/javascript" in o.get("data", {}))
    for q in BANKS[CHAPTER]:
        assert q["question"][:40] in js.replace('\\"', '"')


def _jupyter_book() -> str | None:
    local = Path(sys.executable).with_name("jupyter-book")
    return str(local) if local.exists() else shutil.which("jupyter-book")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
@pytest.mark.skipif(_jupyter_book() is None, reason="jupyter-book is not installed")
def test_quiz_renders_in_a_jupyter_book_page(tmp_path: Path) -> None:
    """A throwaway one-page book: Jupyter Book executes show_quiz; Chromium must then show every question."""
    (tmp_path / "_config.yml").write_text("title: Quiz check\nexecute:\n  execute_notebooks: force\n  timeout: 120\n"
                                          "only_build_toc_files: true\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: quiz\n")
    nbformat.write(_quiz_notebook(), tmp_path / "quiz.ipynb")
    build = subprocess.run([_jupyter_book(), "build", str(tmp_path)], capture_output=True, text=True, timeout=300,
                           env=_env())
    page = tmp_path / "_build" / "html" / "quiz.html"
    assert build.returncode == 0 and page.exists(), build.stdout[-3000:] + build.stderr[-3000:]
    static = re.sub(r"<script\b.*?</script>", "", page.read_text(), flags=re.S)
    questions = [q["question"][:40] for q in BANKS[CHAPTER]]
    assert not any(q in static for q in questions), "the static HTML should hold the quiz only inside its script"
    text = assert_rendered(page, *questions)
    assert all(a["answer"][:30] in text for q in BANKS[CHAPTER] if q["type"] == "multiple_choice" for a in q["answers"])
