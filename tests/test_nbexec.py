"""The execute-once pipeline (tools/nbexec.py): what counts as a fresh executed notebook, and a build that refuses
to show outputs it cannot vouch for."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tools import nbexec


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny repository: a toc with one notebook and one page, executed copies kept under its _build."""
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/ch\n")
    (tmp_path / "_config.yml").write_text("title: T\nexecute:\n  execute_notebooks: cache\n")
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Ch"), nbformat.v4.new_code_cell("1 + 1")])
    nbformat.write(nb, tmp_path / "book" / "ch.ipynb")
    monkeypatch.setattr(nbexec, "ROOT", tmp_path)
    monkeypatch.setattr(nbexec, "EXECUTED", tmp_path / "_build" / "executed")
    monkeypatch.setattr(nbexec, "SITE", tmp_path / "_build" / "site")
    monkeypatch.setattr(nbexec, "SITE_DIRS", ("book",))
    return tmp_path


def _executed(repo: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(repo / "book" / "ch.ipynb", 4)
    nb.cells[1].execution_count = 1
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    return nb


def test_a_clean_execution_is_fresh_and_assembled_with_execution_off(repo: Path) -> None:
    src = repo / "book" / "ch.ipynb"
    assert nbexec.staleness(src, "fp") == "not executed"
    nbexec.record(src, _executed(repo), 1.5, "run1", "fp")
    assert nbexec.staleness(src, "fp") is None
    site = nbexec.assemble("fp")
    built = json.loads((site / "book" / "ch.ipynb").read_text())
    assert "".join(built["cells"][1]["outputs"][0]["data"]["text/plain"]) == "2"
    assert built["metadata"][nbexec.KEY]["run_id"] == "run1"
    assert "execute_notebooks: 'off'" in (site / "_config.yml").read_text()
    assert (site / "book" / "intro.md").exists()
    assert nbexec.times() == [("book/ch.ipynb", 1.5)]


@pytest.mark.parametrize("change, reason", [
    ("source", "notebook changed since it was executed"),
    ("fingerprint", "lessons_lib or a framework changed since it was executed"),
    ("error", "cell 1 holds an error"),
    ("unexecuted", "cell 1 was not executed"),
    ("discarded", "not executed"),
])
def test_stale_copies_are_named_and_refused(repo: Path, change: str, reason: str) -> None:
    src = repo / "book" / "ch.ipynb"
    nb = _executed(repo)
    if change == "error":
        nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])]
    if change == "unexecuted":
        nb.cells[1].execution_count = None
    nbexec.record(src, nb, 1.0, "run1", "fp")
    if change == "source":
        src.write_text(src.read_text().replace("1 + 1", "1 + 2"))
    if change == "discarded":
        nbexec.discard(src)
    fp = "other" if change == "fingerprint" else "fp"
    assert nbexec.staleness(src, fp) == reason
    with pytest.raises(SystemExit, match="stale notebooks"):
        nbexec.assemble(fp)


def test_build_without_execution_refuses_stale_notebooks(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(nbexec, "fingerprint", lambda: "fp")
    assert nbexec.build(no_execute=True, sphinx_args=[]) == 1
    out = capsys.readouterr()
    assert "stale: book/ch.ipynb (not executed)" in out.out and "refusing to build" in out.err


def test_fingerprint_tracks_the_installed_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing a source file of the package the kernels import changes the fingerprint; bytecode does not."""
    import importlib.machinery

    pkg = tmp_path / "lessons_lib"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "__init__.py").write_text("x = 1\n")
    spec = importlib.machinery.ModuleSpec("lessons_lib", None, is_package=True)
    spec.submodule_search_locations = [str(pkg)]
    monkeypatch.setattr(nbexec.importlib.util, "find_spec", lambda name: spec if name == "lessons_lib" else None)
    first = nbexec.fingerprint()
    assert len(first) == 64 and nbexec.fingerprint() == first
    (pkg / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"bytecode")
    assert nbexec.fingerprint() == first
    (pkg / "__init__.py").write_text("x = 2\n")
    assert nbexec.fingerprint() != first
    monkeypatch.setattr(nbexec.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="lessons_lib is not importable"):
        nbexec.fingerprint()


def test_a_cell_tagged_skip_execution_does_not_make_the_copy_stale(repo: Path) -> None:
    """Widget cells (they need a live kernel and can stall a headless run) are tagged skip-execution: nbclient
    leaves them unexecuted, and that is not a failure."""
    src = repo / "book" / "ch.ipynb"
    nb = nbformat.read(src, 4)
    nb.cells.append(nbformat.v4.new_code_cell("explorer()", metadata={"tags": ["remove-cell", "skip-execution"]}))
    nbformat.write(nb, src)
    executed = nbformat.read(src, 4)
    executed.cells[1].execution_count = 1
    nbexec.record(src, executed, 1.0, "run1", "fp")
    assert nbexec.staleness(src, "fp") is None
