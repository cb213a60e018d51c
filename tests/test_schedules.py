"""Schedules: known values from the formulas, vectorised == scalar, composition, bad arguments, properties,
and the LR range test on a problem whose stability limit is known."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib import schedules as S
from lessons_lib.optimizers import SGD
from lessons_lib.problems import quadratic

EXAMPLES = [
    S.Constant(0.1), S.StepDecay(1.0, 3, 0.5), S.MultiStep(1.0, [2, 5]), S.ExponentialDecay(1.0, 0.5, 4),
    S.InverseTimeDecay(1.0, 1.0, 2), S.PolynomialDecay(1.0, 10, 0.1, 2.0), S.PiecewiseConstant([3], [1.0, 0.1]),
    S.CosineAnnealing(1.0, 10, 0.1), S.CosineWarmRestarts(1.0, 3, 2), S.Cyclic(0.1, 1.0, 2),
    S.OneCycle(1.0, 10), S.warmup_cosine(1.0, 5, 10), S.Lambda(lambda k: 0.9**k),
    S.Sequence([S.Constant(1.0), S.Constant(0.5)], [4]), S.per_epoch(S.StepDecay(1.0, 1, 0.5), 3),
]


def test_known_values_from_the_reference_sheet() -> None:
    np.testing.assert_allclose(S.CosineWarmRestarts(1.0, 3, 2)(np.arange(11)),
                               [1, .75, .25, 1, .9330127, .75, .5, .25, .0669873, 1, .98296291], atol=1e-7)
    np.testing.assert_allclose(S.Cyclic(0.1, 1.0, 2)(np.arange(5)), [.1, .55, 1, .55, .1])
    np.testing.assert_allclose(S.Cyclic(0.1, 1.0, 2, mode="triangular2")(np.array([2, 6, 10])), [1, .55, .325])
    np.testing.assert_allclose(S.Cyclic(0.1, 1.0, 2).momentum(np.arange(5)), [.9, .85, .8, .85, .9])
    np.testing.assert_allclose(S.OneCycle(1.0, 10)(np.arange(10)),
                               [.04, .52, 1.0, .95048, .81174, .61126, .38874, .18826, .04952, 4e-6], atol=1e-5)
    np.testing.assert_allclose(S.PolynomialDecay(1.0, 4, 0.0, cycle=True)(np.arange(10)),
                               [1, .75, .5, .25, 0, .375, .25, .125, 0, .25])
    assert S.CosineAnnealing(1.0, 10, 0.2)(5) == pytest.approx(0.6)  # the midpoint at T/2
    np.testing.assert_allclose(S.warmup_cosine(1.0, 5, 10)(np.arange(6)), [0, .2, .4, .6, .8, 1.0])
    assert S.InverseTimeDecay.legacy_keras_decay(1e-3, 1e-6)(10**6) == pytest.approx(5e-4)


@pytest.mark.parametrize("s", EXAMPLES, ids=lambda s: type(s).__name__)
def test_vectorised_equals_scalar_and_types(s: S.Schedule) -> None:
    k = np.arange(30)
    curve = s(k)
    assert isinstance(curve, np.ndarray) and curve.dtype == np.float64 and curve.shape == (30,)
    assert all(isinstance(s(int(i)), float) and s(int(i)) == curve[i] for i in k)
    assert s(np.int64(3)) == curve[3]
    np.testing.assert_array_equal(s(k.reshape(5, 6)), curve.reshape(5, 6))
    assert type(s).__name__ in repr(s)


def test_index_validation() -> None:
    s = S.Constant(0.1)
    with pytest.raises(ValueError, match=r"k must be >= 0 \(the 0-based update index\), got -1"):
        s(-1)
    with pytest.raises(TypeError, match=r"k must be an integer update index"):
        s(1.5)
    with pytest.raises(TypeError, match=r"k must be an integer update index"):
        s(True)
    assert s(2.0) == 0.1  # an integral float is accepted


BAD = [
    (lambda: S.StepDecay(-0.1, 3), ValueError, r"lr must be a finite number >= 0, got -0.1"),
    (lambda: S.StepDecay(0.1, 0), ValueError, r"step_size must be an integer >= 1, got 0"),
    (lambda: S.StepDecay(0.1, 2.5), TypeError, r"step_size must be an integer, got 2.5"),
    (lambda: S.MultiStep(0.1, [5, 3]), ValueError, r"milestones must be non-decreasing, got \[5, 3\]"),
    (lambda: S.ExponentialDecay(0.1, float("nan")), ValueError, r"decay_rate must be a finite number, got nan"),
    (lambda: S.PolynomialDecay(0.1, 10, power=0), ValueError, r"power must be a finite number > 0, got 0"),
    (lambda: S.PiecewiseConstant([3, 3], [1, 2, 3]), ValueError, r"boundaries must be strictly increasing"),
    (lambda: S.PiecewiseConstant([3], [1]), ValueError, r"values must have one more entry than boundaries \(2\), got 1"),
    (lambda: S.CosineAnnealing(0.1, 0), ValueError, r"T_max must be an integer >= 1, got 0"),
    (lambda: S.CosineWarmRestarts(0.1, 10, T_mult=0), ValueError,
     r"T_mult must be a number >= 1 \(each cycle at least as long as the last\), got 0"),
    (lambda: S.Cyclic(0.1, 1.0, mode="sine"), ValueError, r"mode must be one of 'triangular', 'triangular2', 'exp_range', got 'sine'"),
    (lambda: S.OneCycle(1.0, 100, pct_start=1.2), ValueError, r"pct_start must be in \(0, 1\), got 1.2"),
    (lambda: S.OneCycle(1.0, 100, anneal_strategy="exp"), ValueError, r"anneal_strategy must be one of 'cos', 'linear'"),
    (lambda: S.LinearWarmup(0.1, 10), TypeError, r"after must be a lessons_lib schedule, got 0.1"),
    (lambda: S.per_epoch(S.Constant(1.0), 0), ValueError, r"steps_per_epoch must be an integer >= 1, got 0"),
    (lambda: S.Lambda(0.5), TypeError, r"fn must be a callable"),
]


@pytest.mark.parametrize("make, exc, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments_name_parameter_and_value(make, exc, message) -> None:
    with pytest.raises(exc, match=message):
        make()


@settings(max_examples=50, deadline=None)
@given(lr=st.floats(max_value=-1e-12, allow_nan=False, allow_infinity=False),
       cls=st.sampled_from([S.Constant, S.StepDecay, S.ExponentialDecay, S.CosineAnnealing, S.PolynomialDecay]))
def test_any_negative_lr_is_rejected(lr: float, cls) -> None:
    args = {S.Constant: (), S.StepDecay: (3,), S.ExponentialDecay: (0.5,), S.CosineAnnealing: (10,),
            S.PolynomialDecay: (10,)}[cls]
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        cls(lr, *args)


@settings(max_examples=80, deadline=None)
@given(lr=st.floats(0, 10), steps=st.integers(1, 500), gamma=st.floats(0, 1), t_mult=st.integers(1, 3),
       ks=st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_valid_schedules_return_finite_non_negative_rates(lr, steps, gamma, t_mult, ks) -> None:
    k = np.array(ks)
    for s in (S.StepDecay(lr, steps, gamma), S.ExponentialDecay(lr, gamma, steps), S.InverseTimeDecay(lr, gamma, steps),
              S.PolynomialDecay(lr, steps, cycle=True), S.CosineAnnealing(lr, steps, periodic=True),
              S.CosineWarmRestarts(lr, steps, t_mult), S.Cyclic(0.0, lr, steps, mode="triangular2"),
              S.OneCycle(lr, steps + 1), S.warmup_cosine(lr, steps, steps)):
        v = s(k)
        assert np.all(np.isfinite(v)) and np.all(v >= 0) and np.all(v <= max(lr, 0) * (1 + 1e-12) + 1e-300)


def test_schedule_drives_an_optimizer() -> None:
    s = S.StepDecay(0.5, 2, 0.1)
    opt = SGD(lr=s)
    p, st_ = np.zeros(1), opt.init(np.zeros(1))
    moves = []
    for _ in range(4):
        new, st_ = opt.update(p, np.ones(1), st_)
        moves.append(float(p[0] - new[0]))
        p = new
    np.testing.assert_allclose(moves, [0.5, 0.5, 0.05, 0.05])


def test_lr_range_test_brackets_the_stability_limit() -> None:
    """On a noisy quadratic, the suggestion is below 2/L and the run stops by divergence above 2/L."""
    q = quadratic(L=4.0, mu=0.5, angle=0.3)
    rng = np.random.default_rng(0)
    noise = 0.05 * rng.standard_normal((200, 2))

    def loss_and_grad(p, k):
        return float(q.f(p)), q.grad(p) + noise[k]

    res = S.lr_range_test(loss_and_grad, np.array(q.start), lambda lr: SGD(lr=lr), start_lr=1e-4, end_lr=10.0,
                          num_steps=200)
    limit = 2 / q.L
    assert res.diverged_at is not None and res.lrs[res.diverged_at] > limit
    assert 1e-3 < res.suggestion() < limit
    assert len(res.lrs) == len(res.losses) == len(res.smoothed)
    with pytest.raises(ValueError, match="end_lr must be larger than start_lr"):
        S.lr_range_test(loss_and_grad, np.zeros(2), lambda lr: SGD(lr=lr), start_lr=1.0, end_lr=0.5)
