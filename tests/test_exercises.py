"""Every checker against its reference (passes), its stub (not implemented), every catalogued wrong variant (fails
and names the misconception), and hostile functions (fail cleanly, the caller keeps running)."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np
import pytest

from lessons_lib.exercises import EXERCISES, check, list_exercises
from lessons_lib.exercises import catalog

# Learner-like copies of the catalogue: the same code compiled outside the library, as a learner's cell would be.
_src = Path(catalog.__file__).read_text().replace("from ._core import", "from lessons_lib.exercises._core import") \
    .replace("from .._exercise_inputs import", "from lessons_lib._exercise_inputs import")
_ns: dict = {"__name__": "learner_notebook"}
exec(compile(_src, "<learner>", "exec"), _ns)
LEARNER = {e.id: e for e in _ns["EXERCISES"]}
VARIANTS = [(eid, i) for eid, e in LEARNER.items() for i in range(len(e.variants))]


def test_registry_lists_at_least_18_exercises_with_metadata() -> None:
    items = list_exercises()
    assert len(items) >= 18
    for item in items:
        assert re.match(r"^[a-z_]+\(.*\)$", item["signature"]), item["signature"]
        assert item["chapter"] and item["title"] and item["doc"]
    assert len({i["id"] for i in items}) == len(items)


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_reference_solution_passes(eid: str) -> None:
    result = check(eid, LEARNER[eid].reference)
    assert result.passed and result.score == 1.0 and result.status == "passed", str(result)


@pytest.mark.parametrize("eid", sorted(EXERCISES))
def test_stub_reports_not_implemented(eid: str) -> None:
    def stub(*args, **kwargs):
        raise NotImplementedError

    result = check(eid, stub)
    assert result.status == "not implemented" and not result.passed and result.score == 0.0
    assert "Not implemented yet" in str(result)


@pytest.mark.parametrize("eid, i", VARIANTS, ids=[f"{e}-{LEARNER[e].variants[i].name}" for e, i in VARIANTS])
def test_wrong_variant_fails_and_is_named(eid: str, i: int) -> None:
    variant = LEARNER[eid].variants[i]
    result = check(eid, variant.fn)
    assert not result.passed and result.score < 1.0
    assert f"Looks like: {variant.name}." in result.feedback, str(result)


def test_float32_and_other_correct_variants_pass() -> None:
    def adam_alt(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = m + (1 - beta1) * (grad - m)  # torch's lerp form
        v = v * beta2 + (1 - beta2) * grad * grad
        step = lr / (1 - beta1**t)
        return theta - step * m / (np.sqrt(v) / math.sqrt(1 - beta2**t) + eps), m, v  # math.sqrt keeps float32

    assert check("adam_step", adam_alt).passed

    def gd_list(theta, grad, lr):
        return theta - lr * grad  # float32 in, float32 out

    assert check("gd_step", gd_list).passed


HOSTILE = {
    "raises": lambda theta, grad, lr: 1 / 0,
    "loops forever": None,
    "returns nan": lambda theta, grad, lr: theta * np.nan,
    "returns a string": lambda theta, grad, lr: "theta",
    "wrong shape": lambda theta, grad, lr: (theta - lr * grad)[:1],
    "mutates its input": None,
    "prints a lot": None,
    "fakes equality": None,
    "uses the library": None,
    "changes the dtype": lambda theta, grad, lr: theta.astype(np.float64) - lr * grad.astype(np.float64),
    "returns None": lambda theta, grad, lr: None,
}


def _forever(theta, grad, lr):
    while True:
        pass


def _mutates(theta, grad, lr):
    theta -= lr * grad
    return theta


def _prints(theta, grad, lr):
    print("x" * 100_000)
    return theta - lr * grad


class _Liar:
    def __eq__(self, other):
        return True

    def __array__(self, *a, **k):
        raise RuntimeError("never asked")


def _fake(theta, grad, lr):
    return _Liar()


def _library(theta, grad, lr):
    from lessons_lib.optimizers import SGD

    opt = SGD(lr=lr)
    return opt.update(theta, grad, opt.init(theta))[0]


HOSTILE.update({"loops forever": _forever, "mutates its input": _mutates, "prints a lot": _prints,
                "fakes equality": _fake, "uses the library": _library})
EXPECT = {"raises": "ZeroDivisionError", "loops forever": "did not finish", "returns nan": "largest error",
          "returns a string": "returned a str", "wrong shape": "shapes differ", "mutates its input": "changed its inputs",
          "prints a lot": "more characters", "fakes equality": "returned a _Liar", "uses the library": "course library",
          "changes the dtype": "keep the input dtype", "returns None": "returned a NoneType"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_functions_fail_cleanly(name: str) -> None:
    start = time.monotonic()
    result = check("gd_step", HOSTILE[name], timeout=0.5)
    assert result.passed == (name == "prints a lot")  # printing is allowed, and shown truncated
    assert EXPECT[name] in str(result), str(result)
    assert time.monotonic() - start < 10


def test_raised_error_shows_the_learners_line() -> None:
    result = check("gd_step", HOSTILE["raises"])
    assert "ZeroDivisionError" in result.feedback and "lessons_lib" not in result.feedback.split("raised")[1]


def test_handing_in_the_reference_is_refused() -> None:
    from lessons_lib.exercises.catalog import adam_step

    assert check("adam_step", adam_step).status == "refused"


def test_result_displays() -> None:
    r = check("gd_step", LEARNER["gd_step"].reference)
    assert "PASSED" in str(r) and "<div" in r._repr_html_()
    assert check("nope", LEARNER["gd_step"].reference).status == "error"
    assert check("gd_step", 42).status == "failed"
