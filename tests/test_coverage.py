"""lessons_lib.frameworks.COVERAGE against the installed frameworks' own class lists.

A framework release that adds an optimizer or schedule class fails here until the table says what to do with it.
"""

from __future__ import annotations

import importlib

import pytest

from lessons_lib.frameworks import COVERAGE, coverage_markdown, framework_classes

PART_III = {"Adamax", "Adafactor", "Muon", "Lion", "Lamb", "ScheduleFreeAdamW"}


def test_every_installed_class_is_in_the_table_and_no_entry_is_stale() -> None:
    installed = set(framework_classes())
    missing = installed - set(COVERAGE)
    assert not missing, f"classes the coverage table does not mention: {sorted(missing)}"
    stale = {n for n in COVERAGE if not n.startswith("keras.callbacks.")} - installed
    assert not stale, f"table entries the installed frameworks do not have: {sorted(stale)}"


def _resolve(twin: str):
    """'optimizers.Adam.from_keras' or 'schedules.Constant(factor=, ...) / LinearWarmup' -> the objects."""
    import lessons_lib

    objs = []
    for part in twin.split(" / "):
        path = part.split("(")[0].strip()
        if path.startswith("Schedule."):
            path = "schedules." + path
        mod, *attrs = path.split(".")
        if not attrs:  # a second name after " / " in the same module as the first
            mod, attrs = prev_mod, [mod]
        obj = importlib.import_module(f"lessons_lib.{mod}")
        for a in attrs:
            obj = getattr(obj, a)
        objs.append(obj)
        prev_mod = mod
    assert lessons_lib
    return objs


@pytest.mark.parametrize("name", sorted(COVERAGE))
def test_each_entry_has_a_twin_with_a_bound_or_a_reason(name: str) -> None:
    entry = COVERAGE[name]
    if entry.twin is None:
        assert entry.bound is None and len(entry.note) > 15, name
    else:
        assert entry.bound is not None and 0 < entry.bound <= 1e-10
        assert all(callable(o) for o in _resolve(entry.twin)), entry.twin


def test_part_iii_optimizers_are_twinned() -> None:
    found = [name for name in COVERAGE if name.rsplit(".", 1)[1] in PART_III]
    assert len(found) == 9, found  # Adamax, Adafactor, Muon in both; Lion, Lamb, ScheduleFreeAdamW in Keras
    for name in found:
        assert COVERAGE[name].twin is not None, name


def test_markdown_has_a_row_per_entry() -> None:
    md = coverage_markdown()
    assert md.count("\n") == len(COVERAGE) + 1 and "`torch.optim.LBFGS`" in md
