"""Execute each notebook once, keep what it computed, and build the book from exactly those outputs.

The pipeline behind ``make test`` and ``make book``:

1. **Execute** (``make test``, or ``make book`` for what is missing): the repository's pytest plugin
   (``conftest.py``) runs every notebook in ``book/`` and ``exercises/`` with nbmake's runner, in parallel
   across the cores (pytest-xdist). A notebook that runs cleanly is written, outputs included, to
   ``_build/executed/<same path>`` with a record in its metadata (key ``lessons_lib_execution``): the SHA-256 of
   the committed notebook, the *fingerprint* of what its outputs depend on (lessons_lib's source files and the
   versions of Python and the frameworks), the time it took and the id of the pytest run that executed it.
2. **Assemble**: ``_build/site/`` is a copy of the book's sources in which every notebook is its executed copy,
   and ``_config.yml`` says ``execute_notebooks: "off"``. A notebook whose executed copy is missing, was made
   from other source bytes or another fingerprint, has a cell that did not run, or holds an error, is *stale*.
   ``make book`` executes the stale ones first (only those); with ``--no-execute`` (CI) a stale notebook is
   an error, so the built book shows nothing that the run's test step did not compute.
3. **Build**: ``jupyter-book build _build/site --path-output .`` writes ``_build/html`` (warnings are errors).

So editing one chapter re-executes one notebook, and editing ``lessons_lib`` (or upgrading a framework)
re-executes them all: the fingerprint changes. ``python -m tools.nbexec status`` lists what is stale and why.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
EXECUTED = BUILD / "executed"
SITE = BUILD / "site"
KEY = "lessons_lib_execution"
#: Packages whose version changes what a notebook computes or shows.
FINGERPRINT_PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "torch", "keras", "tensorflow-cpu",
                        "tensorflow", "jupyterquiz", "myst-nb")
#: What the book build needs besides the notebooks (copied as they are into the assembled site).
SITE_FILES = ("_toc.yml", "references.bib", "LICENSE", "LICENSE-TEXT")
SITE_DIRS = ("book", "exercises")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint() -> str:
    """A hash of everything besides its own source that a notebook's outputs depend on.

    lessons_lib's files (as the kernel will import them: the installed package's own folder) and the versions
    of Python and of :data:`FINGERPRINT_PACKAGES`.
    """
    spec = importlib.util.find_spec("lessons_lib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("lessons_lib is not importable; install it (`make test` does) before executing notebooks")
    pkg = Path(next(iter(spec.submodule_search_locations)))
    h = hashlib.sha256()
    for path in sorted(p for p in pkg.rglob("*") if p.suffix in {".py", ".json", ".txt"} and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(pkg)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(platform.python_version().encode())
    for name in FINGERPRINT_PACKAGES:
        try:
            h.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name} absent".encode())
    return h.hexdigest()


def executed_path(source: Path) -> Path:
    """Where the executed copy of ``source`` (a notebook inside the repository) is kept."""
    return EXECUTED / Path(source).resolve().relative_to(ROOT)


def record(source: Path, nb: Any, seconds: float, run_id: str, fp: str) -> Path:
    """Save the executed notebook ``nb`` of ``source`` with its execution record; returns the path written."""
    import nbformat

    source = Path(source).resolve()
    # Saved ipywidgets state is useless in the static book (the widgets need a kernel; the book shows static and
    # precomputed figures instead) and makes myst-nb load the widget manager from a CDN: drop it.
    nb.metadata.pop("widgets", None)
    nb.metadata[KEY] = {"source_sha256": _sha256(source.read_bytes()), "fingerprint": fp,
                        "seconds": round(seconds, 2), "run_id": run_id}
    out = executed_path(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, out)  # atomic: a half-written notebook is never read by the build
    return out


def discard(source: Path) -> None:
    """Forget the executed copy of ``source`` (it failed this time: an old success must not be shown)."""
    executed_path(source).unlink(missing_ok=True)


def staleness(source: Path, fp: str) -> str | None:
    """Why the executed copy of ``source`` cannot be shown (``None`` when it can)."""
    out = executed_path(source)
    if not out.exists():
        return "not executed"
    nb = json.loads(out.read_text())
    meta = nb.get("metadata", {}).get(KEY)
    if not meta:
        return "no execution record"
    if meta.get("source_sha256") != _sha256(Path(source).read_bytes()):
        return "notebook changed since it was executed"
    if meta.get("fingerprint") != fp:
        return "lessons_lib or a framework changed since it was executed"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        skipped = "skip-execution" in cell.get("metadata", {}).get("tags", [])  # nbclient leaves these alone
        if cell["source"] and cell.get("execution_count") is None and not skipped:
            return f"cell {i} was not executed"
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return f"cell {i} holds an error"
    return None


def toc_notebooks() -> list[Path]:
    """The notebooks the table of contents lists, in its order."""
    import yaml

    def walk(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [v for k, v in node.items() if k in ("file", "root") and isinstance(v, str)] + \
                   [f for k, v in node.items() if k not in ("file", "root") for f in walk(v)]
        if isinstance(node, list):
            return [f for item in node for f in walk(item)]
        return []

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [ROOT / f"{entry}.ipynb" for entry in walk(toc) if (ROOT / f"{entry}.ipynb").exists()]


def stale_notebooks(fp: str | None = None) -> dict[Path, str]:
    """Every toc notebook whose executed copy cannot be shown, with the reason."""
    fp = fingerprint() if fp is None else fp
    return {nb: why for nb in toc_notebooks() if (why := staleness(nb, fp)) is not None}


def execute(notebooks: list[Path]) -> int:
    """Execute ``notebooks`` through the pytest plugin, in parallel; returns pytest's exit code."""
    if not notebooks:
        return 0
    workers = max(1, min(len(notebooks), os.cpu_count() or 1))
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", "-n", str(workers),
           *[str(p.relative_to(ROOT)) for p in notebooks]]
    print(f"[nbexec] executing {len(notebooks)} notebook(s) on {workers} worker(s)", flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def assemble(fp: str) -> Path:
    """Write ``_build/site``: the book's sources with every notebook replaced by its executed copy."""
    import yaml

    stale = stale_notebooks(fp)
    if stale:
        raise SystemExit("[nbexec] cannot assemble the book; stale notebooks:\n" +
                         "\n".join(f"  {p.relative_to(ROOT)}: {why}" for p, why in stale.items()))
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    (SITE / "_config.yml").write_text(
        "# Generated by tools/nbexec.py from ../../_config.yml: the notebooks here are already executed.\n"
        + yaml.safe_dump(config, sort_keys=False))
    for name in SITE_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, SITE / name)
    ignore = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__", "source")
    for name in SITE_DIRS:
        shutil.copytree(ROOT / name, SITE / name, ignore=ignore)
    for nb in toc_notebooks():
        target = SITE / nb.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed_path(nb), target)
    return SITE


def build(no_execute: bool, sphinx_args: list[str]) -> int:
    """``make book``: execute what is stale (unless ``no_execute``), assemble, build the HTML."""
    fp = fingerprint()
    stale = stale_notebooks(fp)
    for path, why in stale.items():
        print(f"[nbexec] stale: {path.relative_to(ROOT)} ({why})")
    if stale and no_execute:
        print("[nbexec] --no-execute: refusing to build a book with outputs this run did not compute", file=sys.stderr)
        return 1
    if execute(list(stale)) != 0:
        print("[nbexec] a notebook failed; the book is not built", file=sys.stderr)
        return 1
    taken = toc_notebooks()
    run_ids = sorted({json.loads(executed_path(nb).read_text())["metadata"][KEY]["run_id"] for nb in taken})
    print(f"[nbexec] {len(taken)} executed notebooks from run(s) {', '.join(run_ids)}; "
          f"{len(stale)} executed by this command, 0 executed by the book build")
    site = assemble(fp)
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(site.relative_to(ROOT)),
           "--path-output", ".", *sphinx_args]
    print("[nbexec]", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def times() -> list[tuple[str, float]]:
    """(notebook, seconds) of every executed copy, slowest first."""
    rows = []
    for nb in toc_notebooks():
        out = executed_path(nb)
        if out.exists():
            meta = json.loads(out.read_text())["metadata"].get(KEY, {})
            rows.append((str(nb.relative_to(ROOT)), float(meta.get("seconds", float("nan")))))
    return sorted(rows, key=lambda r: -r[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.nbexec", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("book", help="execute stale notebooks, assemble _build/site, build _build/html")
    b.add_argument("--no-execute", action="store_true", help="fail instead of executing a stale notebook (CI)")
    b.add_argument("sphinx_args", nargs=argparse.REMAINDER, help="passed to jupyter-book build (after --)")
    sub.add_parser("status", help="list stale notebooks and why")
    args = parser.parse_args(argv)
    if args.command == "status":
        stale = stale_notebooks()
        for path, why in stale.items():
            print(f"{path.relative_to(ROOT)}: {why}")
        print(f"{len(toc_notebooks()) - len(stale)} fresh, {len(stale)} stale")
        return 0
    extra = [a for a in args.sphinx_args if a != "--"]
    return build(args.no_execute, extra)


if __name__ == "__main__":
    sys.exit(main())
