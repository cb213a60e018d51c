"""The optimizers beyond the Adam family: ASGD, Rprop, SparseAdam and L-BFGS against torch.optim, Ftrl against Keras.

float64, 400 updates (L-BFGS: every iteration torch makes), non-default settings; error measure and gradients as in
tests/test_optimizer_conformance.py. Each bound is the one lessons_lib.frameworks.COVERAGE states for that class.
"""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.frameworks import (
    COVERAGE,
    NoEquivalentError,
    keras_optimizer,
    run_keras,
    run_lbfgs_numpy,
    run_lbfgs_torch,
    run_numpy,
    run_torch,
    torch_optimizer,
)
from lessons_lib.optimizers import ASGD, LBFGS, Ftrl, Rprop, SparseAdam
from lessons_lib.problems import rosenbrock

STEPS = 400
DIM = 7
_RNG = np.random.default_rng(20261130)
NOISE = _RNG.standard_normal((STEPS + 1, DIM)) * np.logspace(-6, 1, DIM)
THETA0 = _RNG.standard_normal(DIM)
CURV = np.linspace(0.1, 2.0, DIM)
DROP = _RNG.random((STEPS + 1, DIM)) < 0.4  # for SparseAdam: about 40% of the entries carry no gradient


def grad_fn(theta: np.ndarray, t: int) -> np.ndarray:
    return CURV * theta + NOISE[t]


def sparse_grad_fn(theta: np.ndarray, t: int) -> np.ndarray:
    g = grad_fn(theta, t)
    if t % 50 == 0:
        return np.zeros_like(g)  # an update with an all-zero gradient: the step count still advances
    return np.where(DROP[t], 0.0, g)


def worst_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.max(np.abs(a - b), axis=1) / np.maximum(1.0, np.max(np.abs(b), axis=1))))


TORCH_CASES = {
    "ASGD default": ("torch.optim.ASGD", ASGD(), grad_fn),
    "ASGD averaging from t0=50, wd": ("torch.optim.ASGD",
                                      ASGD(lr=0.02, lambd=1e-3, alpha=0.6, t0=50, weight_decay=0.05), grad_fn),
    "ASGD schedule + maximize": ("torch.optim.ASGD", ASGD(lr=lambda k: 0.01 * 0.995**k, t0=100, maximize=True),
                                 lambda th, t: -grad_fn(th, t)),
    "Rprop default": ("torch.optim.Rprop", Rprop(), grad_fn),
    "Rprop etas + step_sizes": ("torch.optim.Rprop", Rprop(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-4, 0.2)),
                                grad_fn),
    "SparseAdam default": ("torch.optim.SparseAdam", SparseAdam(lr=0.01), sparse_grad_fn),
    "SparseAdam betas + eps": ("torch.optim.SparseAdam", SparseAdam(lr=0.02, betas=(0.8, 0.99), eps=1e-6),
                               sparse_grad_fn),
}


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_against_torch(name: str) -> None:
    key, opt, g = TORCH_CASES[name]
    ours, theirs = run_numpy(opt, THETA0, g, STEPS), run_torch(opt, THETA0, g, STEPS)
    assert np.max(np.abs(ours[-1] - ours[0])) > 1e-3
    assert worst_error(ours, theirs) <= COVERAGE[key].bound, worst_error(ours, theirs)


def test_asgd_average_matches_torch_state() -> None:
    import torch

    opt = ASGD(lr=0.02, lambd=1e-3, alpha=0.6, t0=50)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # torch keeps eta and mu in the default dtype (float32 otherwise)
    try:
        x = torch.tensor(THETA0.copy(), requires_grad=True)
        topt = torch_optimizer(opt, [x])
        p, state = THETA0.copy(), opt.init(THETA0)
        for t in range(1, 201):
            g = grad_fn(p, t)
            x.grad = torch.from_numpy(g.copy())
            topt.step()
            p, state = opt.update(p, g, state)
    finally:
        torch.set_default_dtype(default)
    st = topt.state[x]
    assert worst_error(state.ax[None], st["ax"].numpy()[None]) <= COVERAGE["torch.optim.ASGD"].bound
    following = opt._step_extra(state, 201)  # torch stores the eta and mu of the *next* update
    assert state.mu != 1.0 and following["eta"] == float(st["eta"]) and following["mu"] == float(st["mu"])


def test_sparse_adam_leaves_untouched_entries_alone() -> None:
    opt = SparseAdam(lr=0.1)
    p = np.array([1.0, 2.0, 3.0])
    state = opt.init(p)
    p1, state = opt.update(p, np.array([0.5, 0.0, -1.0]), state)
    assert p1[1] == 2.0 and state.exp_avg[1] == 0.0 and state.exp_avg_sq[1] == 0.0
    p2, state2 = opt.update(p1, np.zeros(3), state)
    assert np.array_equal(p2, p1) and state2.step == 2 and np.array_equal(state2.exp_avg, state.exp_avg)


def test_rprop_ignores_a_schedule_after_the_first_update() -> None:
    """torch reads lr once (the initial step size); a scheduler changes nothing afterwards."""
    a = run_numpy(Rprop(lr=0.05), THETA0, grad_fn, 50)
    b = run_numpy(Rprop(lr=lambda k: 0.05 * 0.5**k), THETA0, grad_fn, 50)
    assert np.array_equal(a, b)


KERAS_CASES = {  # hyperparameters exact in float32 (Keras's TF backend casts Python floats through float32)
    "Ftrl default-like": Ftrl.from_keras(learning_rate=0.0625, initial_accumulator_value=0.125),
    "Ftrl l1 + l2 + shrinkage + beta": Ftrl.from_keras(learning_rate=0.125, learning_rate_power=-0.75,
                                                       initial_accumulator_value=0.25,
                                                       l1_regularization_strength=0.0078125,
                                                       l2_regularization_strength=0.03125,
                                                       l2_shrinkage_regularization_strength=0.015625, beta=0.5),
    "Ftrl power 0 + weight_decay": Ftrl.from_keras(learning_rate=0.03125, learning_rate_power=0.0,
                                                   l1_regularization_strength=0.001953125, weight_decay=0.0625),
}


@pytest.mark.parametrize("name", sorted(KERAS_CASES))
def test_ftrl_against_keras(name: str) -> None:
    opt = KERAS_CASES[name]
    ours, theirs = run_numpy(opt, THETA0, grad_fn, STEPS), run_keras(opt, THETA0, grad_fn, STEPS)
    assert np.max(np.abs(ours[-1] - ours[0])) > 1e-3
    assert worst_error(ours, theirs) <= COVERAGE["keras.optimizers.Ftrl"].bound, worst_error(ours, theirs)


def test_ftrl_l1_gives_exact_zeros() -> None:
    opt = Ftrl(lr=0.1, l1_regularization_strength=5.0)
    p = run_numpy(opt, THETA0, grad_fn, 30)[-1]
    assert np.sum(p == 0.0) >= 1


ROSEN = rosenbrock


def rosen_fun(x: np.ndarray) -> tuple[float, np.ndarray]:
    return float(ROSEN.f(x)), np.asarray(ROSEN.grad(x), dtype=np.float64)


def quad_fun(x: np.ndarray) -> tuple[float, np.ndarray]:
    A = np.diag(np.linspace(1.0, 50.0, DIM)) + 0.1
    return float(0.5 * x @ A @ x - x.sum()), A @ x - 1.0


# Without a line search, fixed steps on Rosenbrock amplify last-bit differences (torch's dot and fused add against
# NumPy's) about a hundredfold per call of step: lr=0.5, max_iter=10 is 3e-15 apart after 2 calls, 6e-10 after 5.
# The case below stops while the runs still agree to the bound; the strong-Wolfe runs converge and stay together.
LBFGS_CASES = {
    "Rosenbrock, no line search": (LBFGS(lr=0.25, max_iter=10, history_size=5), rosen_fun, np.array([-1.5, 2.0]),
                                   5),
    "Rosenbrock, strong Wolfe": (LBFGS(max_iter=20, history_size=7, line_search_fn="strong_wolfe"), rosen_fun,
                                 np.array([-1.5, 2.0]), 3),
    "quadratic, strong Wolfe": (LBFGS(lr=1.0, max_iter=5, history_size=3, line_search_fn="strong_wolfe"),
                                quad_fun, THETA0, 6),
    "quadratic, no line search": (LBFGS(lr=0.05, max_iter=25, history_size=4), quad_fun, THETA0, 12),
}


@pytest.mark.parametrize("name", sorted(LBFGS_CASES))
def test_lbfgs_against_torch(name: str) -> None:
    """Every call of step(closure): all of torch's inner iterations and line-search evaluations."""
    opt, fun, x0, calls = LBFGS_CASES[name]
    ours, theirs = run_lbfgs_numpy(opt, x0, fun, calls), run_lbfgs_torch(opt, x0, fun, calls)
    assert np.max(np.abs(ours[-1] - ours[0])) > 1e-2
    assert worst_error(ours, theirs) <= COVERAGE["torch.optim.LBFGS"].bound, worst_error(ours, theirs)


def test_lbfgs_state_counts_like_torch() -> None:
    import torch

    opt, fun, x0, _ = LBFGS_CASES["Rosenbrock, strong Wolfe"]
    x = torch.tensor(x0.copy(), requires_grad=True)
    topt = torch_optimizer(opt, [x])

    def closure():
        f, g = fun(x.detach().numpy().copy())
        x.grad = torch.from_numpy(g.copy())
        return torch.tensor(f, dtype=torch.float64)

    p, state = x0.copy(), opt.init(x0)
    for _ in range(2):
        loss_t = float(topt.step(closure))
        p, state, loss = opt.step(p, fun, state)
        assert loss == pytest.approx(loss_t, rel=1e-12)
    st = topt.state[x]
    assert (state.func_evals, state.n_iter, len(state.old_dirs)) == (st["func_evals"], st["n_iter"],
                                                                      len(st["old_dirs"]))


def test_refusals_name_the_missing_optimizer() -> None:
    import torch

    for opt, word in [(ASGD(), "no ASGD"), (Rprop(), "no Rprop"), (SparseAdam(), "no SparseAdam"),
                      (LBFGS(), "no L-BFGS")]:
        with pytest.raises(NoEquivalentError, match=word):
            keras_optimizer(opt)
    with pytest.raises(NoEquivalentError, match="no FTRL"):
        torch_optimizer(Ftrl(), [torch.zeros(2, requires_grad=True)])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"etas must satisfy 0 < etaminus < 1 < etaplus, got \(0.5, 0.9\)"):
        Rprop(etas=(0.5, 0.9))
    with pytest.raises(ValueError, match="learning_rate_power must be <= 0, got 0.5"):
        Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="line_search_fn must be one of 'strong_wolfe', got 'armijo'"):
        LBFGS(line_search_fn="armijo")
    with pytest.raises(ValueError, match="lambd must be a finite number >= 0"):
        ASGD(lambd=-1)
