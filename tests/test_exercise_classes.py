"""Issue 10, item 2: the hidden cases of every exercise cover every kind of input its task text allows.

For each exercise, ``lessons_lib.exercises.classes.CLASSES`` names the input classes (1-D and 2-D arrays, float32,
the first and later steps, past-the-end steps, non-default hyperparameters, ties at thresholds...). This test proves,
exercise by exercise and class by class, that the cases contain at least one case of the class and at least one
outside it, whatever the seed of the hidden cases: so a function that is right on one class and wrong on another
cannot pass, and feedback can tell the two apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.exercises import EXERCISES
from lessons_lib.exercises.classes import CLASSES, case_classes


def test_every_exercise_has_input_classes() -> None:
    assert set(CLASSES) == set(EXERCISES)
    assert all(len(c) >= 2 for c in CLASSES.values())


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_every_class_is_exercised_and_separated(eid: str) -> None:
    ex = EXERCISES[eid]
    problems = []
    for seed in (0, 1, 20261122):
        cases = ex.cases(np.random.default_rng(seed))
        labels = [set(case_classes(ex.reference, CLASSES[eid], args, kwargs)) for args, kwargs in cases]
        for name in CLASSES[eid]:
            inside = sum(name in lab for lab in labels)
            if inside == 0:
                problems.append(f"no case of the class {name!r} (seed {seed})")
            elif inside == len(cases):
                problems.append(f"every case is of the class {name!r}, none outside it (seed {seed})")
    assert not problems, f"{eid}: " + "; ".join(sorted(set(problems)))
