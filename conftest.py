"""Repository-wide pytest plugin: every notebook is a test, executed once, and what it computed is kept.

Each ``*.ipynb`` that pytest collects (``book/`` and ``exercises/`` by default) is executed by nbmake's runner
(in its own kernel, from its own folder, outputs cleared first). When it runs cleanly its executed copy is
saved under ``_build/executed/`` for the book build (see ``tools/nbexec.py``); when it fails, any earlier copy
is deleted, so the book can never show outputs of an older version. Passing ``--nbmake`` explicitly hands the
notebooks to nbmake's own plugin instead (nothing is saved). Deselect notebooks with ``-m "not notebook"``.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from nbmake.nb_run import NotebookRun
from nbmake.pytest_items import NotebookFailedException, NotebookItem

from tools import nbexec


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "notebook: a notebook executed end to end (book/, exercises/)")
    # One id per pytest run, shared by the xdist workers, recorded in every notebook this run executes.
    workerinput = getattr(config, "workerinput", None)
    config._nbexec_run_id = workerinput["nbexec_run_id"] if workerinput else uuid.uuid4().hex[:12]  # type: ignore[attr-defined]
    config._nbexec_fingerprint = None  # type: ignore[attr-defined]


def pytest_configure_node(node: Any) -> None:  # pytest-xdist hook (controller side)
    node.workerinput["nbexec_run_id"] = node.config._nbexec_run_id


class ExecutedNotebook(NotebookItem):
    """nbmake's notebook test, which also keeps the executed notebook for the book build."""

    def runtest(self) -> None:
        config = self.config
        option = config.option
        source = Path(self.filename).resolve()
        if config._nbexec_fingerprint is None:  # type: ignore[attr-defined]
            config._nbexec_fingerprint = nbexec.fingerprint()  # type: ignore[attr-defined]
        # The kernel inherits this process's environment; a non-interactive MPLBACKEND (set by a user or a tool)
        # would leave the executed notebook, and so the book, without figures.
        backend = os.environ.pop("MPLBACKEND", None)
        start = time.perf_counter()
        try:
            result = NotebookRun(source, option.nbmake_timeout, verbose=bool(option.verbose),
                                 kernel=option.nbmake_kernel).execute()
        finally:
            if backend is not None:
                os.environ["MPLBACKEND"] = backend
        seconds = time.perf_counter() - start
        inside = nbexec.ROOT in source.parents
        if result.error is not None:
            if inside:
                nbexec.discard(source)
            raise NotebookFailedException(result)
        if inside:
            nbexec.record(source, result.nb, seconds, config._nbexec_run_id,  # type: ignore[attr-defined]
                          config._nbexec_fingerprint)  # type: ignore[attr-defined]


class NotebookFile(pytest.File):
    def collect(self):  # type: ignore[override]
        item = ExecutedNotebook.from_parent(self, filename=str(self.path))
        item.add_marker(pytest.mark.notebook)
        yield item


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if parent.config.option.nbmake:  # nbmake's own plugin collects them
        return None
    if file_path.suffix == ".ipynb" and not {"_build", ".ipynb_checkpoints"} & set(file_path.parts):
        return NotebookFile.from_parent(parent, path=file_path)
    return None
