"""Sphinx extension: every script appears once in a page's ``<head>``.

Jupyter Book 1's extensions (sphinx-thebe, sphinx-togglebutton) register their inline configuration scripts when
the environment starts reading, which under Sphinx 7 adds each one twice to the page. A duplicated
``const THEBE_JS_URL = ...`` is a JavaScript SyntaxError on every page (the reader's console shows it; the built-book
checks fail on it). This drops exact repeats (same file or same inline body, same attributes; an inline script is registered once with
filename None and once with ""), keeping the first.
"""

from __future__ import annotations

from typing import Any


def _unique(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", {}) or {}
        key = (str(getattr(js, "filename", js) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept  # in place: later handlers (MathJax's) add to this very list


def setup(app: Any) -> dict[str, Any]:
    # Early: html-page-context is emitted "first result wins", and a theme handler may return a template name.
    app.connect("html-page-context", _unique, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
