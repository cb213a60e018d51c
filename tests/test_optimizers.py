"""The optimizer contract: pure updates, dtype preserved (parameters and state), nested dict params equal to the
arrays taken one by one, printable state, and a state that must belong to the optimizer and the parameters.
Bad hyperparameters and gradients: tests/test_optimizer_inputs.py; agreement with torch/Keras:
tests/test_optimizer_conformance.py."""

from __future__ import annotations

import copy

import numpy as np
import pytest

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
            for x in (leaf["W"], leaf["b"]["c"]):
                assert x is None or x.dtype == np.float32, field


def _flat(tree):
    return np.concatenate([tree["W"].ravel(), tree["b"]["c"]])


@pytest.mark.parametrize("name", sorted(ALL))
def test_nested_dict_params_equal_stacking_them(name: str) -> None:
    """Updates are elementwise: a nested dict gives exactly the numbers of one stacked vector, update after update."""
    opt = ALL[name]()
    tree, flat = _tree(), _flat(_tree())
    s_tree, s_flat = opt.init(tree), opt.init(flat)
    for seed in range(5):
        g = _grads(tree, seed)
        tree, s_tree = opt.update(tree, g, s_tree)
        flat, s_flat = opt.update(flat, _flat(g), s_flat)
        np.testing.assert_array_equal(_flat(tree), flat)
    assert tree["W"].shape == (3, 2) and set(tree) == {"W", "b"} and set(tree["b"]) == {"c"}


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


@pytest.mark.parametrize("name", sorted(ALL))
def test_state_must_match_the_parameters(name: str) -> None:
    opt = ALL[name]()
    state = opt.init(np.zeros(3))
    for params in (np.zeros(1), np.zeros(4), np.zeros((3, 1))):  # (1,) would silently broadcast without the check
        with pytest.raises(ValueError, match=r"state\.\w+ does not match params: expected shape .*got shape \(3,\)"):
            opt.update(params, np.ones_like(params), state)
    tree = _tree()
    state = opt.init(tree)
    other = {"W": tree["W"], "b": {"d": tree["b"]["c"]}}
    with pytest.raises(ValueError, match=r"state\.\w+\['b'\] does not match params: expected keys \['d'\], got \['c'\]"):
        opt.update(other, _grads(tree) | {"b": {"d": np.ones(2)}}, state)
    with pytest.raises(TypeError, match="state must be the"):
        opt.update(tree, _grads(tree), (0,))


def test_float32_state_and_nesting_against_float64_stacking() -> None:
    """A nested dict in float32 follows the float64 run of the same numbers to float32 accuracy."""
    opt = Adam(lr=0.01, amsgrad=True)
    p32, p64 = _tree(np.float32), _flat(_tree())
    s32, s64 = opt.init(p32), opt.init(p64)
    for seed in range(20):
        g = _grads(p32, seed)
        p32, s32 = opt.update(p32, g, s32)
        p64, s64 = opt.update(p64, _flat(g), s64)
    flat32 = _flat(p32)
    assert flat32.dtype == np.float32 and s32.exp_avg_sq["b"]["c"].dtype == np.float32
    np.testing.assert_allclose(flat32, p64, rtol=1e-5, atol=1e-6)
