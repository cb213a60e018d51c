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
    items = [i for i in list_exercises() if i["kind"] in ("implement", "debug")]
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
EXPECT = {"raises": "raised ZeroDivisionError at line", "loops forever": "did not finish within 0.5 s on a public case", "returns nan": "largest error",
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


# ------------------------------------------------------------------------------------ more correct variants pass
def _momentum_copy(theta, grad, buf, lr, momentum, t, dampening=0.0):
    theta, buf = theta.copy(), buf.copy()  # in-place arithmetic on copies is fine
    if t == 1:
        buf[...] = grad
    else:
        buf *= momentum
        buf += (1 - dampening) * grad
    theta -= lr * buf
    return theta, buf


def _rmsprop_lists(theta, grad, v, lr, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * np.square(grad)
    return list(theta - lr * grad / (np.sqrt(v) + eps)), list(v)  # lists of numbers are accepted


def _minibatches_generator(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _minibatches_lists(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n).tolist()
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def _cosine_numpy(lr0, T_max, k, eta_min=0.0):
    return np.asarray(eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * np.minimum(k, T_max) / T_max)) / 2)


def _step_decay_int_power(lr0, gamma, step_size, epoch):
    drops = 0
    for e in range(1, epoch + 1):
        if e % step_size == 0:
            drops += 1
    return lr0 * gamma**drops


def _plateau_verbose(lr, metric, best, num_bad, patience, factor=0.1, threshold=1e-4):
    print(f"epoch metric {metric}")
    improved = metric < best * (1 - threshold)
    num_bad = 0 if improved else num_bad + 1
    best = metric if improved else best
    if num_bad > patience:
        return lr * factor, best, 0
    return lr, best, num_bad


@pytest.mark.parametrize("eid, fn", [
    ("momentum_step", _momentum_copy), ("rmsprop_step", _rmsprop_lists), ("minibatches", _minibatches_generator),
    ("minibatches", _minibatches_lists), ("cosine_annealing", _cosine_numpy), ("step_decay", _step_decay_int_power),
    ("plateau_decision", _plateau_verbose)], ids=lambda x: getattr(x, "__name__", x))
def test_other_correct_variants_pass(eid, fn) -> None:
    result = check(eid, fn)
    assert result.passed, str(result)


def test_per_exercise_check_method() -> None:
    r = EXERCISES["gd_step"].check(LEARNER["gd_step"].reference)
    assert r.passed and "All" in r.feedback


def test_float32_cases_exist_and_the_float32_reference_passes() -> None:
    """Every optimizer-step exercise has a float32 case, and a dtype-preserving float32 solution passes it."""
    for eid in ("gd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step",
                "adamw_step"):
        cases = EXERCISES[eid].cases(np.random.default_rng(0))
        assert any(isinstance(a, np.ndarray) and a.dtype == np.float32 for args, _ in cases for a in args), eid
        assert check(eid, LEARNER[eid].reference).passed


# ------------------------------------------------------------------------------------------- more hostile code
def _swallows_timeouts(theta, grad, lr):
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001 - a learner's catch-all
            pass


def _subclass_liar(theta, grad, lr):
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    return (theta - lr * grad + 1).view(Liar)


def _float_liar(theta, grad, lr):
    class F(float):
        def __eq__(self, other):
            return True

    return [F(x) for x in theta]


def _unprofiles(theta, grad, lr):
    import sys

    sys.setprofile(None)
    return theta - lr * grad


def _library_adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    from lessons_lib.optimizers import Adam
    from lessons_lib.optimizers.adam import AdamState

    opt = Adam(lr=lr, betas=(beta1, beta2), eps=eps)
    new, state = opt.update(theta, grad, AdamState(t - 1, m, v, None))
    return new, state.exp_avg, state.exp_avg_sq


def _sorts_its_input(accuracies, target):
    accuracies.sort()
    return -1


def _prints_forever_bounded(theta, grad, lr):
    for _ in range(20_000):
        print("y" * 1000)
    return theta - lr * grad


def test_a_loop_that_swallows_the_timeout_still_stops() -> None:
    start = time.monotonic()
    result = check("gd_step", _swallows_timeouts, timeout=0.3)
    assert result.status == "timeout" and "did not finish" in result.feedback
    assert time.monotonic() - start < 5


def test_time_limit_works_off_the_main_thread() -> None:
    import threading

    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("r", check("gd_step", _forever, timeout=0.3)))
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and out["r"].status == "timeout"


def test_checker_restores_the_signal_handler_and_profiler() -> None:
    import signal
    import sys

    before = (signal.getsignal(signal.SIGALRM), sys.getprofile(), signal.getitimer(signal.ITIMER_REAL))
    check("gd_step", _forever, timeout=0.2)
    check("gd_step", LEARNER["gd_step"].reference)
    assert (signal.getsignal(signal.SIGALRM), sys.getprofile(), signal.getitimer(signal.ITIMER_REAL)) == before


@pytest.mark.parametrize("eid, fn, expect", [
    ("gd_step", _subclass_liar, "returned a Liar"),
    ("gd_step", _float_liar, "returned a F"),
    ("gd_step", _unprofiles, "switched off the checker's monitoring"),
    ("adam_step", _library_adam, "course library"),
    ("time_to_accuracy", _sorts_its_input, "changed its inputs"),
], ids=["ndarray subclass with fake __eq__", "float subclass with fake __eq__", "removes the profiler",
        "library Adam", "sorts its list input"])
def test_more_hostile_functions_fail_cleanly(eid, fn, expect) -> None:
    result = check(eid, fn, timeout=1.0)
    assert not result.passed and expect in str(result), str(result)


def test_partial_of_the_reference_is_refused() -> None:
    import functools

    from lessons_lib.exercises.catalog import gd_step

    assert check("gd_step", functools.partial(gd_step)).status == "refused"


def test_huge_output_is_captured_and_truncated() -> None:
    result = check("gd_step", _prints_forever_bounded)
    assert result.passed and len(result.printed) < 3000 and "more characters" in result.printed



def _plateau_with_np_where(lr, metric, best, num_bad, patience, factor=0.1, threshold=1e-4):
    better = metric < best * (1 - threshold)
    best, num_bad = np.where(better, metric, best), np.where(better, 0, num_bad + 1)
    cut = num_bad > patience
    return np.where(cut, lr * factor, lr), best, np.where(cut, 0, num_bad)  # three 0-d arrays


_FORMS = {"0-d arrays": lambda out: out, "a list": lambda out: [float(x) for x in out],
          "NumPy scalars": lambda out: tuple(x[()] for x in out),
          "mixed scalars": lambda out: (float(out[0]), np.float64(out[1]), np.int64(out[2]))}


@pytest.mark.parametrize("form", sorted(_FORMS))
def test_the_same_numbers_in_any_scalar_form_pass(form: str) -> None:
    """np.where's 0-d arrays, a list, NumPy scalars: the same three numbers pass in every form (they used to be
    read as three outputs of the wrong shape)."""
    result = check("plateau_decision", lambda *a, **k: _FORMS[form](_plateau_with_np_where(*a, **k)))
    assert result.passed, str(result)


def test_a_yes_no_answer_may_be_a_python_or_numpy_bool() -> None:
    def by_hand(values, completed, n_startup_trials=5, n_warmup_steps=0):
        step = len(values) - 1
        if len(completed) == 0 or len(completed) < n_startup_trials or step < n_warmup_steps:
            return np.bool_(False)
        at_step = np.array([c[step] for c in completed if len(c) > step], dtype=float)
        return np.bool_(at_step.size > 0 and np.min(values) > np.median(at_step))

    assert check("median_prune", by_hand).passed
    wrong = check("median_prune", lambda *a, **k: True)
    assert not wrong.passed and "expected" in wrong.feedback
