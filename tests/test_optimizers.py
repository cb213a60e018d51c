"""The optimizer contract: pure updates, dtype preserved, ndarray or dict params, printable state, and errors that
name the parameter, the value and what is allowed (including property-based tests)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lessons_lib.optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, NAdam, RAdam, RMSprop

ALL = {
    "SGD": lambda: SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adagrad": lambda: Adagrad(lr=0.1, lr_decay=0.01),
    "RMSprop": lambda: RMSprop(lr=0.01, centered=True, momentum=0.5),
    "Adadelta": lambda: Adadelta(),
    "Adam": lambda: Adam(lr=0.01, amsgrad=True),
    "AdamW": lambda: AdamW(lr=0.01),
    "NAdam": lambda: NAdam(),
    "RAdam": lambda: RAdam(),
    "Adam (Keras)": lambda: Adam.from_keras(learning_rate=0.01),
    "SGD (Keras)": lambda: SGD.from_keras(momentum=0.9),
    "RMSprop (Keras)": lambda: RMSprop.from_keras(momentum=0.5, centered=True),
}


def _tree(dtype=np.float64):
    rng = np.random.default_rng(0)
    return {"W": rng.standard_normal((3, 2)).astype(dtype), "b": {"c": rng.standard_normal(2).astype(dtype)}}


def _grads(tree, seed=1):
    rng = np.random.default_rng(seed)
    return {"W": rng.standard_normal(tree["W"].shape), "b": {"c": rng.standard_normal(tree["b"]["c"].shape)}}


@pytest.mark.parametrize("name", sorted(ALL))
def test_update_is_pure(name: str) -> None:
    opt = ALL[name]()
    params = _tree()
    state = opt.init(params)
    params, state = opt.update(params, _grads(params, 5), state)  # a non-trivial state
    grads = _grads(params)
    before = copy.deepcopy((params, grads, state))
    new_params, new_state = opt.update(params, grads, state)
    assert repr(before) == repr((params, grads, state)), "inputs were mutated"
    assert new_state.step == state.step + 1
    assert not np.array_equal(new_params["W"], params["W"])


@pytest.mark.parametrize("name", sorted(ALL))
def test_float32_stays_float32(name: str) -> None:
    opt = ALL[name]()
    params = _tree(np.float32)
    state = opt.init(params)
    for seed in range(3):
        params, state = opt.update(params, _grads(params, seed), state)
    assert params["W"].dtype == np.float32 and params["b"]["c"].dtype == np.float32
    for field in state._fields[1:]:
        leaf = getattr(state, field)
        if isinstance(leaf, dict):
            assert leaf["W"] is None or leaf["W"].dtype == np.float32, field


@pytest.mark.parametrize("name", sorted(ALL))
def test_dict_params_equal_separate_arrays(name: str) -> None:
    params = _tree()
    grads = _grads(params)
    opt = ALL[name]()
    new, _ = opt.update(params, grads, opt.init(params))
    w = params["W"]
    new_w, _ = opt.update(w, grads["W"], opt.init(w))
    np.testing.assert_array_equal(new["W"], new_w)


@pytest.mark.parametrize("name", sorted(ALL))
def test_state_is_printable_and_checked(name: str) -> None:
    opt = ALL[name]()
    state = opt.init(np.zeros(3))
    text = repr(state)
    assert "step=0" in text
    assert type(opt).__name__ in repr(opt)
    with pytest.raises(TypeError, match="state must be the"):
        opt.update(np.zeros(3), np.ones(3), {"step": 0})


@pytest.mark.parametrize("name", sorted(ALL))
def test_zero_dimensional_parameters_stay_arrays(name: str) -> None:
    opt = ALL[name]()
    params = {"b": np.zeros(())}
    state = opt.init(params)
    for _ in range(2):
        params, state = opt.update(params, {"b": np.ones(())}, state)
    assert isinstance(params["b"], np.ndarray) and params["b"].shape == ()


def test_schedule_as_lr_uses_the_0_based_index() -> None:
    seen: list[int] = []

    def lr(k: int) -> float:
        seen.append(k)
        return 0.1

    opt = SGD(lr=lr)
    p, s = np.ones(2), opt.init(np.ones(2))
    for _ in range(3):
        p, s = opt.update(p, np.ones(2), s)
    assert seen == [0, 1, 2]


# ---------------------------------------------------------------- bad input: each error names parameter and value
BAD = [
    (lambda: SGD(lr=-0.1), ValueError, r"lr must be a finite number >= 0, got -0.1"),
    (lambda: SGD(lr=float("nan")), ValueError, r"lr must be a finite number, got nan"),
    (lambda: Adam(lr=float("inf")), ValueError, r"lr must be a finite number, got inf"),
    (lambda: SGD(lr="0.1"), TypeError, r"lr must be a real number, got '0.1'"),
    (lambda: SGD(lr=0.1, momentum=-0.5), ValueError, r"momentum must be a finite number >= 0, got -0.5"),
    (lambda: SGD(lr=0.1, nesterov=True), ValueError, r"nesterov=True requires momentum > 0 and dampening == 0, got momentum=0"),
    (lambda: SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError, r"dampening=0.1"),
    (lambda: SGD(lr=0.1, nesterov=1), TypeError, r"nesterov must be True or False, got 1"),
    (lambda: Adam(betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    (lambda: Adam(betas=(-0.1, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1\), got -0.1"),
    (lambda: Adam(betas=0.9), TypeError, r"betas must be a pair"),
    (lambda: Adam(eps=0.0), ValueError, r"eps must be a finite number > 0, got 0.0"),
    (lambda: RMSprop(eps=-1e-8), ValueError, r"eps must be a finite number > 0, got -1e-08"),
    (lambda: RMSprop(alpha=1.5), ValueError, r"alpha must be in \[0, 1\], got 1.5"),
    (lambda: Adadelta(rho=-0.1), ValueError, r"rho must be in \[0, 1\], got -0.1"),
    (lambda: Adagrad(lr_decay=-1), ValueError, r"lr_decay must be a finite number >= 0, got -1"),
    (lambda: Adagrad(initial_accumulator_value=-0.1), ValueError, r"initial_accumulator_value must be a finite number >= 0"),
    (lambda: AdamW(weight_decay=-0.01), ValueError, r"weight_decay must be a finite number >= 0, got -0.01"),
    (lambda: NAdam(momentum_decay=float("nan")), ValueError, r"momentum_decay must be a finite number, got nan"),
    (lambda: RAdam(betas=(0.9, 0.999, 0.1)), TypeError, r"betas must be a pair"),
]


@pytest.mark.parametrize("make, exc, message", BAD, ids=[m for _, _, m in BAD])
def test_bad_hyperparameters_raise_with_name_and_value(make, exc, message) -> None:
    with pytest.raises(exc, match=message):
        make()


def test_bad_grads_and_params_raise_with_location() -> None:
    opt = Adam()
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    state = opt.init(params)
    with pytest.raises(ValueError, match=r"grads\['W'\] must have shape \(2, 2\) like the parameter, got \(2,\)"):
        opt.update(params, {"W": np.zeros(2), "b": np.zeros(2)}, state)
    with pytest.raises(ValueError, match=r"missing \['b'\], unexpected \['c'\]"):
        opt.update(params, {"W": np.zeros((2, 2)), "c": np.zeros(2)}, state)
    with pytest.raises(ValueError, match=r"grads\['b'\] must be finite, got 1 non-finite value"):
        opt.update(params, {"W": np.zeros((2, 2)), "b": np.array([0.0, np.nan])}, state)
    with pytest.raises(TypeError, match=r"grads must be a dict like params, got ndarray"):
        opt.update(params, np.zeros(2), state)
    with pytest.raises(TypeError, match=r"params must be a NumPy array or a dict of arrays, got list"):
        opt.init([1.0, 2.0])
    with pytest.raises(TypeError, match=r"params must have a floating dtype, got int64"):
        opt.init(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"lr schedule must return a finite number >= 0, got -1.0 at k=0"):
        SGD(lr=lambda k: -1.0).update(np.zeros(1), np.ones(1), SGD(lr=0.1).init(np.zeros(1)))


# ---------------------------------------------------------------- properties
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@settings(max_examples=60, deadline=None)
@given(lr=st.floats(max_value=-1e-300, allow_nan=False, allow_infinity=False))
def test_any_negative_lr_is_rejected_by_every_optimizer(lr: float) -> None:
    for cls in (SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, NAdam, RAdam):
        with pytest.raises(ValueError, match=r"^lr must be a finite number >= 0, got " + re_num(lr)):
            cls(lr=lr)


def re_num(x: float) -> str:
    import re

    return re.escape(repr(x))


@settings(max_examples=60, deadline=None)
@given(b=st.one_of(st.floats(max_value=-1e-12, allow_nan=False, allow_infinity=False),
                   st.floats(min_value=1.0, allow_nan=False, allow_infinity=False)))
def test_any_beta_outside_unit_interval_is_rejected(b: float) -> None:
    for cls in (Adam, AdamW, NAdam, RAdam):
        with pytest.raises(ValueError, match=r"betas\[0\] must be in \[0, 1\)"):
            cls(betas=(b, 0.999))
        with pytest.raises(ValueError, match=r"betas\[1\] must be in \[0, 1\)"):
            cls(betas=(0.9, b))


@settings(max_examples=40, deadline=None)
@given(
    data=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=finite),
    lr=st.floats(min_value=0.0, max_value=1.0),
    beta1=st.floats(min_value=0.0, max_value=0.99),
    name=st.sampled_from(sorted(ALL)),
)
def test_valid_settings_give_finite_pure_updates(data: np.ndarray, lr: float, beta1: float, name: str) -> None:
    opt = ALL[name]()
    if hasattr(opt, "betas"):
        opt = type(opt)(lr=lr, betas=(beta1, 0.999))
    params = data.copy()
    grads = np.flip(data).copy() + 1.0
    snapshot = (params.copy(), grads.copy())
    state = opt.init(params)
    for _ in range(3):
        new, state = opt.update(params, grads, state)
        assert np.all(np.isfinite(new))
    np.testing.assert_array_equal(params, snapshot[0])
    np.testing.assert_array_equal(grads, snapshot[1])
    assert new.shape == params.shape and new.dtype == params.dtype
    assert math.isfinite(float(opt.learning_rate(0)))
