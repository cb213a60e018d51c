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


# ---------------------------------------------------------------------------------------------- localising feedback
def _gd_wrong_for_matrices(theta, grad, lr):
    return theta - lr * grad * (0.5 if theta.ndim == 2 else 1.0)


def _warmup_cosine_not_held_at_zero(peak_lr, warmup_steps, total_steps, k):
    import math

    if k < warmup_steps:
        return peak_lr * k / warmup_steps
    return peak_lr * 0.5 * (1 + math.cos(math.pi * (k - warmup_steps) / (total_steps - warmup_steps)))


@pytest.mark.parametrize("eid, fn, where", [
    ("gd_step", _gd_wrong_for_matrices, "wrong on every case with 2-D theta"),
    ("warmup_cosine", _warmup_cosine_not_held_at_zero, "wrong on every case with steps past total_steps"),
])
def test_an_uncatalogued_mistake_is_located_by_input_class(eid, fn, where) -> None:
    from lessons_lib.exercises import check

    result = check(eid, fn)
    assert not result.passed and "Looks like" not in result.feedback
    assert where in result.feedback, result.feedback


def test_a_mistake_is_named_only_when_no_other_catalogued_one_fits() -> None:
    """Two catalogued mistakes that give the same outputs on every case: neither is named."""
    from lessons_lib.exercises._core import Exercise, Variant, check_function

    ref = lambda x: 2.0 * x  # noqa: E731
    twin_a, twin_b = (lambda x: 3.0 * x), (lambda x: x + x + x)  # noqa: E731
    ex = Exercise(id="double", chapter="test", title="double", signature="double(x)", doc="", reference=ref,
                  cases=lambda rng: [((1.0,), {}), ((2.0,), {}), ((-3.0,), {})],
                  variants=[Variant("times three", twin_a, "a"), Variant("three additions", twin_b, "b")])
    result = check_function(ex, lambda x: 3.0 * x)
    assert not result.passed and "Looks like" not in result.feedback
    alone = Exercise(**{**ex.__dict__, "variants": [Variant("times three", twin_a, "a")]})
    assert "Looks like: times three" in check_function(alone, lambda x: 3.0 * x).feedback
