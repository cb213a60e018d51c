"""How much code a chapter page shows its reader (see benchmarks/reading_load.py and tests/test_book.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

HIDDEN = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
TARGET = 90


def load(path: Path) -> dict[str, int]:
    """Visible and folded code lines, code cells and assertions of one notebook."""
    nb = json.loads(path.read_text())
    visible = folded = cells = asserts = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        lines = [ln for ln in src.splitlines() if ln.strip()]
        cells += 1
        asserts += len(re.findall(r"\bassert", src))  # assert statements and assert_* helper calls
        if HIDDEN & set(cell.get("metadata", {}).get("tags", [])):
            folded += len(lines)
        else:
            visible += len(lines)
    return {"visible": visible, "folded": folded, "cells": cells, "asserts": asserts}
