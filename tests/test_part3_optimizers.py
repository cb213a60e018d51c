"""Part III optimizers: the contract (pure, dtype-preserving, validated), and the properties the book relies on."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lessons_lib.optimizers import (
    EMA,
    LARS,
    SWA,
    Adafactor,
    Adamax,
    Lamb,
    Lion,
    Muon,
    ScheduleFreeAdamW,
    ScheduleFreeSGD,
    Shampoo,
)
from lessons_lib.optimizers.adafactor import factored_second_moment
from lessons_lib.optimizers.muon import newton_schulz
from lessons_lib.optimizers.shampoo import inverse_root

RNG = np.random.default_rng(7)
PARAMS = {"w": RNG.standard_normal((4, 3)), "b": RNG.standard_normal(3)}
MATRIX_ONLY = {"w": PARAMS["w"]}

ALL = [Adamax(), Adamax.from_keras(), Lion(), Lion.from_keras(weight_decay=0.1), Adafactor(), Adafactor.from_keras(),
       Lamb(weight_decay=0.1), Lamb.from_keras(weight_decay=0.1), LARS(weight_decay=0.01),
       Muon.from_keras(), Shampoo(), ScheduleFreeSGD(lr=0.1), ScheduleFreeAdamW(), ScheduleFreeAdamW.from_keras()]


@pytest.mark.parametrize("opt", ALL + [Muon()], ids=lambda o: repr(o)[:60])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pure_and_dtype_preserving(opt: Any, dtype: type) -> None:
    params = {k: v.astype(dtype) for k, v in (MATRIX_ONLY if type(opt) is Muon and opt.keras is None
                                                 else PARAMS).items()}
    frozen = {k: v.copy() for k, v in params.items()}
    state = opt.init(params)
    p = params
    for _ in range(3):
        grads = {k: (2 * v + 0.1).astype(dtype) for k, v in p.items()}
        p, state = opt.update(p, grads, state)
    for k in params:
        assert p[k].dtype == dtype and p[k].shape == params[k].shape and np.all(np.isfinite(p[k]))
        assert np.array_equal(params[k], frozen[k])
        assert not np.array_equal(p[k], frozen[k])


@pytest.mark.parametrize("make, message", [
    (lambda: Adamax(betas=(0.9, 1.0)), "betas[1]"),
    (lambda: Adamax(eps=0), "eps must be a finite number > 0, got 0"),
    (lambda: Lion(weight_decay=-1), "weight_decay must be a finite number >= 0, got -1"),
    (lambda: Adafactor(beta2_decay=0.5), "beta2_decay must be <= 0"),
    (lambda: Adafactor(eps=1e-3), "eps must be a pair"),
    (lambda: Adafactor(d=0), "d must be a finite number > 0"),
    (lambda: Lamb(bias_correction=True), "bias_correction must be one of 'moments', 'step', 'none', got True"),
    (lambda: LARS(trust_coefficient=0), "trust_coefficient must be a finite number > 0"),
    (lambda: LARS(momentum=0, nesterov=True), "nesterov=True requires momentum > 0"),
    (lambda: Muon(adjust_lr_fn="sqrt"), "adjust_lr_fn must be one of 'original', 'match_rms_adamw', got 'sqrt'"),
    (lambda: Muon(ns_steps=-1), "ns_steps must be an integer >= 0"),
    (lambda: Muon(ns_coefficients=(1.0, 2.0)), "ns_coefficients must be three numbers"),
    (lambda: ScheduleFreeSGD(momentum=0.0), "momentum must be in (0, 1)"),
    (lambda: ScheduleFreeAdamW(warmup_steps=1.5), "warmup_steps must be an integer"),
    (lambda: ScheduleFreeAdamW(betas=(0.0, 0.9)), "betas[0] must be in (0, 1)"),
    (lambda: EMA(decay=1.0), "decay must be in [0, 1), got 1.0"),
    (lambda: Shampoo(eps=0), "eps must be a finite number > 0"),
])
def test_bad_hyperparameters_name_parameter_and_value(make: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    assert message in str(info.value)


def test_muon_refuses_non_matrices_by_name_and_keras_form_hands_them_to_adamw() -> None:
    with pytest.raises(ValueError, match=r"parameter 'b' has shape \(3,\).*AdamW"):
        Muon().init(PARAMS)
    opt = Muon.from_keras()
    state = opt.init({**PARAMS, "embedding": RNG.standard_normal((5, 2))})
    assert state.exp_avg_sq["w"] is None  # a matrix: Muon
    assert state.exp_avg_sq["b"] is not None and state.exp_avg_sq["embedding"] is not None  # AdamW
    assert Muon.from_keras(exclude_layers=["^w$"]).uses_adam(PARAMS["w"], "w")


def test_shampoo_refuses_tensors_of_three_axes() -> None:
    with pytest.raises(ValueError, match=r"shape \(2, 2, 2\)"):
        Shampoo().init(np.zeros((2, 2, 2)))


def test_a_state_from_another_shape_is_refused_with_its_slot_named() -> None:
    opt = Adafactor()
    state = opt.init(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"state.row_var does not match params: expected shape \(5, 1\)"):
        opt.update(np.zeros((5, 3)), np.ones((5, 3)), state)
    with pytest.raises(ValueError, match="state.variance is None"):
        opt.update(np.zeros(3), np.ones(3), opt.init(np.zeros(3))._replace(variance=None))


def test_schedule_free_mode_and_average_state_are_checked() -> None:
    opt = ScheduleFreeSGD()
    state = opt.init(np.zeros(2))
    with pytest.raises(ValueError, match="mode must be one of 'train', 'eval', got 'test'"):
        opt.params_for(state, "test")
    with pytest.raises(TypeError, match="AverageState"):
        EMA().update(state, np.zeros(2))


# ------------------------------------------------------------------------------------------------ properties
def test_newton_schulz_pushes_singular_values_towards_one_and_keeps_singular_vectors() -> None:
    u, _, vt = np.linalg.svd(RNG.standard_normal((8, 5)), full_matrices=False)
    g = u @ np.diag([10.0, 3.0, 1.0, 0.3, 0.1]) @ vt  # condition number 100
    o = newton_schulz(g, steps=5)
    s_out = np.linalg.svd(o, compute_uv=False)
    assert s_out.min() > 0.6 and s_out.max() < 1.25  # Jordan's coefficients: about [0.7, 1.2], not exactly 1
    np.testing.assert_allclose(u.T @ o @ vt.T, np.diag(np.diag(u.T @ o @ vt.T)), atol=1e-10)  # same vectors
    tiny = u @ np.diag([10.0, 3.0, 1.0, 0.1, 0.01]) @ vt  # condition number 1000: five steps are not enough
    assert np.linalg.svd(newton_schulz(tiny, steps=5), compute_uv=False).min() < 0.6
    exact = newton_schulz(g, steps=60, coefficients=(1.5, -0.5, 0.0))  # the cubic iteration converges to U V^T
    np.testing.assert_allclose(exact, u @ vt, atol=1e-8)


def test_factored_second_moment_is_exact_for_rank_one_and_saves_memory() -> None:
    r, c = RNG.random((6, 1)) + 0.1, RNG.random((1, 9)) + 0.1
    g2 = r @ c  # a rank-one matrix of squared gradients
    rows, cols = g2.mean(axis=1, keepdims=True), g2.mean(axis=0, keepdims=True)
    np.testing.assert_allclose(factored_second_moment(rows, cols), g2, rtol=1e-12)
    assert rows.size + cols.size == 15 < g2.size == 54


def test_lion_moves_every_coordinate_by_exactly_lr() -> None:
    opt = Lion(lr=0.01)
    p = RNG.standard_normal(50)
    new, _ = opt.update(p, RNG.standard_normal(50) * np.logspace(-6, 3, 50), opt.init(p))
    np.testing.assert_allclose(np.abs(new - p), 0.01, rtol=1e-12)


def test_adamax_steps_are_at_most_lr() -> None:
    opt, p = Adamax(lr=0.01), RNG.standard_normal(20)
    state = opt.init(p)
    for t in range(200):
        new, state = opt.update(p, RNG.standard_normal(20) * 10.0 ** RNG.integers(-3, 4, 20), state)
        assert np.max(np.abs(new - p)) <= 0.01 * (1 + 1e-12)
        p = new


def test_lamb_moves_each_tensor_by_lr_times_its_norm() -> None:
    opt = Lamb(lr=0.01)
    params = {"big": 100 * RNG.standard_normal((5, 5)), "small": 0.01 * RNG.standard_normal(5)}
    grads = {"big": RNG.standard_normal((5, 5)), "small": 1e3 * RNG.standard_normal(5)}
    new, _ = opt.update(params, grads, opt.init(params))
    for k in params:
        assert np.linalg.norm(new[k] - params[k]) == pytest.approx(0.01 * np.linalg.norm(params[k]), rel=1e-9)


def test_lars_scales_matrices_and_leaves_vectors_alone() -> None:
    opt = LARS(lr=1.0, momentum=0.0, trust_coefficient=0.01)
    params = {"w": 10 * RNG.standard_normal((3, 3)), "b": RNG.standard_normal(3)}
    grads = {"w": RNG.standard_normal((3, 3)), "b": RNG.standard_normal(3)}
    new, _ = opt.update(params, grads, opt.init(params))
    assert np.linalg.norm(new["w"] - params["w"]) == pytest.approx(0.01 * np.linalg.norm(params["w"]), rel=1e-12)
    np.testing.assert_allclose(new["b"], params["b"] - grads["b"])


def test_inverse_root() -> None:
    a = RNG.standard_normal((4, 4))
    a = a @ a.T + np.eye(4)
    r = inverse_root(a, 4)
    np.testing.assert_allclose(np.linalg.matrix_power(r, 4) @ a, np.eye(4), atol=1e-10)


def test_shampoo_is_blind_to_rotation_where_a_diagonal_method_is_not() -> None:
    """On a rotated ill-conditioned quadratic Shampoo's loss matches the axis-aligned one; Adam's does not."""
    from lessons_lib.optimizers import Adam

    d = np.diag([100.0, 1.0])
    q = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])

    def final_loss(make: Any, h: np.ndarray) -> float:
        opt = make()
        w = np.array([[1.0, 1.0], [1.0, -1.0]])
        state = opt.init(w)
        for _ in range(200):
            w, state = opt.update(w, h @ w, state)
        return float(0.5 * np.sum(w * (h @ w)))

    shampoo = [final_loss(lambda: Shampoo(lr=0.3, eps=1e-8), h) for h in (d, q @ d @ q.T)]
    assert shampoo[1] == pytest.approx(shampoo[0], rel=1e-6)
    adam = [final_loss(lambda: Adam(lr=0.01), h) for h in (d, q @ d @ q.T)]
    assert abs(adam[1] - adam[0]) > 0.1 * min(adam)


def test_schedule_free_x_is_the_uniform_average_of_z() -> None:
    opt = ScheduleFreeSGD(lr=0.1, weight_lr_power=0.0)
    p = RNG.standard_normal(3)
    state, zs = opt.init(p), []
    for t in range(1, 21):
        p, state = opt.update(p, 2 * p + RNG.standard_normal(3), state)
        zs.append(state.z)
    np.testing.assert_allclose(state.x, np.mean(zs, axis=0), rtol=1e-12)
    np.testing.assert_allclose(opt.params_for(state, "train"), p, rtol=1e-12)


def test_ema_and_swa() -> None:
    iterates = [RNG.standard_normal(3) for _ in range(10)]
    swa, ema = SWA(), EMA(0.5)
    s, e = swa.init(iterates[0]), ema.init(iterates[0])
    for x in iterates:
        s, e = swa.update(s, x), ema.update(e, x)
    np.testing.assert_allclose(s.average, np.mean(iterates, axis=0), rtol=1e-12)
    expected = iterates[0]
    for x in iterates[1:]:
        expected = 0.5 * expected + 0.5 * x
    np.testing.assert_allclose(e.average, expected, rtol=1e-12)
