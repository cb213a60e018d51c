"""Part III optimizers against every implementation that computes the same algorithm, and the differences pinned.

float64, 320 updates, a matrix and a vector parameter, non-default settings. Against ``torch.optim`` (Adamax,
Adafactor, Muon, ``swa_utils.AveragedModel``), ``keras.optimizers`` (Adamax, Adafactor, Lion, Lamb, Muon,
ScheduleFreeAdamW, ``use_ema``) and, where neither framework has the algorithm, well-kept reference packages
(``lion-pytorch``, ``pytorch-optimizer`` for LAMB/LARS/Shampoo, ``schedulefree``). Error: worst over every update of
``max|ours - theirs| / max(1, max|theirs|)``; bounds from ``lessons_lib.frameworks.COVERAGE`` (framework classes) or
``OPTIMIZER_TOL`` (reference packages). Keras hyperparameters are exact in float32 (see ``keras_rounded``).
"""

from __future__ import annotations

import contextlib
import io
from typing import Any, Callable

import numpy as np
import pytest

from lessons_lib.frameworks import (
    COVERAGE,
    NoEquivalentError,
    keras_optimizer,
    keras_rounded,
    reference_optimizer,
    run_keras,
    run_numpy,
    run_torch,
    torch_optimizer,
)
from lessons_lib.frameworks.coverage import OPTIMIZER_TOL
from lessons_lib.optimizers import (
    EMA,
    LARS,
    SGD,
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

STEPS = 320
_RNG = np.random.default_rng(20261201)
SHAPES = {"matrix": (6, 4), "tall matrix": (7, 3), "vector": (5,)}
START = {k: _RNG.standard_normal(s) for k, s in SHAPES.items()}
NOISE = {k: 0.3 * _RNG.standard_normal((STEPS + 1,) + s) for k, s in SHAPES.items()}
CURV = {k: np.linspace(0.2, 2.0, int(np.prod(s))).reshape(s) for k, s in SHAPES.items()}
# Keras applies Python-float hyperparameters in float32: these are exact there
B1, B2, EPS = 0.875, 0.998046875, 2.0**-23
NS = tuple(keras_rounded(c) for c in (3.4445, -4.7750, 2.0315))


def grad_fn(shape: str) -> Callable[[np.ndarray, int], np.ndarray]:
    return lambda theta, t: CURV[shape] * theta + NOISE[shape][t]


def worst_error(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    return float(np.max(np.max(np.abs(a - b), axis=1) / np.maximum(1.0, np.max(np.abs(b), axis=1))))


def _moved(traj: np.ndarray) -> None:
    assert np.max(np.abs(traj[-1] - traj[0])) > 0.05, "the run barely moved: the comparison would prove nothing"


# ---------------------------------------------------------------------------------------------------- torch.optim
TORCH = {
    "Adamax default": (Adamax(), ["matrix", "vector"]),
    "Adamax wd, betas, maximize": (Adamax(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, maximize=True),
                                   ["matrix", "vector"]),
    "Adafactor default": (Adafactor(lr=0.05), ["matrix", "vector"]),
    "Adafactor eps, d, wd, decay": (Adafactor(lr=lambda k: 0.05 * 0.995**k, beta2_decay=-0.6, eps=(1e-3, 1e-2),
                                              d=1.5, weight_decay=0.05), ["matrix", "tall matrix", "vector"]),
    "Muon default": (Muon(lr=0.01), ["matrix", "tall matrix"]),
    "Muon plain momentum, match_rms_adamw": (Muon(lr=0.02, nesterov=False, adjust_lr_fn="match_rms_adamw",
                                                  weight_decay=0.05, ns_steps=3, momentum=0.8),
                                             ["matrix", "tall matrix"]),
}


def _ns_float64(grad: Any, coefficients: tuple, steps: int, eps: float) -> Any:
    """torch.optim._muon's Newton-Schulz without its cast to bfloat16 (the only change)."""
    a, b, c = coefficients
    x = grad.T if grad.size(0) > grad.size(1) else grad
    x = x / x.norm().clamp(min=eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if grad.size(0) > grad.size(1) else x


@pytest.fixture
def float64_newton_schulz(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch.optim._muon as muon

    monkeypatch.setattr(muon, "_zeropower_via_newtonschulz", _ns_float64)


def _torch_cases() -> list[tuple[str, str]]:
    return [(name, shape) for name, (_, shapes) in TORCH.items() for shape in shapes]


@pytest.mark.parametrize("name,shape", _torch_cases())
def test_against_torch(name: str, shape: str, float64_newton_schulz: None) -> None:
    opt, _ = TORCH[name]
    ours = run_numpy(opt, START[shape], grad_fn(shape), STEPS)
    theirs = run_torch(opt, START[shape], grad_fn(shape), STEPS)
    _moved(ours)
    key = f"torch.optim.{type(opt).__name__}"
    assert worst_error(ours, theirs) <= COVERAGE[key].bound, worst_error(ours, theirs)


def test_torch_muon_runs_newton_schulz_in_bfloat16() -> None:
    """The one difference from torch.optim.Muon: its orthogonalisation in bfloat16 moves the run by ~1e-3."""
    opt = Muon(lr=0.01)
    err = worst_error(run_numpy(opt, START["matrix"], grad_fn("matrix"), STEPS),
                      run_torch(opt, START["matrix"], grad_fn("matrix"), STEPS))
    assert 1e-5 < err < 3e-2, err


# ---------------------------------------------------------------------------------------------------- references
REFERENCE = {
    "Lion (lion-pytorch)": (Lion(lr=0.01, betas=(0.85, 0.98), weight_decay=0.1), ["matrix", "vector"]),
    "Lamb decoupled (pytorch-optimizer)": (Lamb(lr=0.01, weight_decay=0.1, bias_correction="step", trust_eps=1e-6,
                                                max_weight_norm=10.0, decoupled_weight_decay=True),
                                           ["matrix", "vector"]),
    "Lamb in-ratio decay (pytorch-optimizer)": (Lamb(lr=0.02, betas=(0.8, 0.99), eps=1e-5, weight_decay=0.05,
                                                     bias_correction="step", trust_eps=1e-5, max_weight_norm=10.0),
                                                ["matrix", "vector"]),
    "LARS (pytorch-optimizer)": (LARS(lr=0.5, weight_decay=0.01, trust_coefficient=0.02), ["matrix", "vector"]),
    "LARS nesterov, dampening (pytorch-optimizer)": (LARS(lr=0.3, momentum=0.8, dampening=0.1, nesterov=True,
                                                          weight_decay=0.02, trust_coefficient=0.05),
                                                     ["matrix", "vector"]),
    "Shampoo (pytorch-optimizer)": (Shampoo(lr=0.05, eps=1e-3), ["matrix", "tall matrix", "vector"]),
    "ScheduleFreeSGD (schedulefree reference)": (ScheduleFreeSGD(lr=0.1, weight_decay=0.01, warmup_steps=20),
                                                 ["matrix", "vector"]),
    "ScheduleFreeSGD r, power (schedulefree reference)": (
        ScheduleFreeSGD(lr=lambda k: 0.1 * 0.999**k, momentum=0.8, r=1.0, weight_lr_power=1.0), ["matrix"]),
    "ScheduleFreeAdamW (schedulefree reference)": (ScheduleFreeAdamW(lr=0.02, weight_decay=0.01, warmup_steps=20),
                                                   ["matrix", "vector"]),
    "ScheduleFreeAdamW betas, eps (schedulefree reference)": (
        ScheduleFreeAdamW(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, r=0.5), ["matrix"]),
}


@pytest.mark.parametrize("name,shape", [(n, s) for n, (_, shapes) in REFERENCE.items() for s in shapes])
def test_against_reference_packages(name: str, shape: str) -> None:
    opt, _ = REFERENCE[name]
    ours = run_numpy(opt, START[shape], grad_fn(shape), STEPS)
    theirs = run_torch(opt, START[shape], grad_fn(shape), STEPS, build=reference_optimizer)
    _moved(ours)
    assert worst_error(ours, theirs) <= OPTIMIZER_TOL, worst_error(ours, theirs)


@pytest.mark.parametrize("opt", [ScheduleFreeSGD(lr=0.1, warmup_steps=10), ScheduleFreeAdamW(lr=0.02)],
                         ids=["SGD", "AdamW"])
def test_schedule_free_eval_point_is_the_references_eval_weights(opt: Any) -> None:
    """x (``params_for(state, "eval")``) is what the reference puts in the model after ``optimizer.eval()``."""
    import torch

    g = grad_fn("matrix")
    p, state = START["matrix"].copy(), opt.init(START["matrix"])
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        x = torch.tensor(START["matrix"].copy(), requires_grad=True)
        ref = reference_optimizer(opt, [x])
        for t in range(1, 101):
            p, state = opt.update(p, g(p, t), state)
            x.grad = torch.from_numpy(g(x.detach().numpy().copy(), t))
            ref.step()
        with contextlib.redirect_stdout(io.StringIO()):
            ref.eval()
    finally:
        torch.set_default_dtype(default)
    assert worst_error(opt.params_for(state, "eval")[None], x.detach().numpy()[None]) <= OPTIMIZER_TOL
    assert worst_error(opt.params_for(state, "train")[None], p[None]) <= 1e-14
    assert np.max(np.abs(state.x - p)) > 1e-3  # the two points differ: evaluating at y is a real mistake


# ---------------------------------------------------------------------------------------------------- Keras
KERAS = {
    "Adamax": (Adamax.from_keras(learning_rate=0.01, beta_1=B1, beta_2=B2, epsilon=EPS, weight_decay=0.125),
               ["matrix", "vector"]),
    "Lion": (Lion.from_keras(learning_rate=0.01, beta_1=B1, beta_2=0.9921875, weight_decay=0.125),
             ["matrix", "vector"]),
    "Adafactor": (Adafactor.from_keras(learning_rate=0.05, weight_decay=0.125, clip_threshold=0.5,
                                       beta_2_decay=-0.625), ["matrix", "tall matrix", "vector"]),
    "Lamb": (Lamb.from_keras(learning_rate=0.01, beta_1=B1, beta_2=B2, epsilon=EPS, weight_decay=0.125),
             ["matrix", "vector"]),
    "Muon": (Muon.from_keras(learning_rate=0.01, adam_beta_1=B1, adam_beta_2=B2, epsilon=EPS, momentum=0.9375,
                             weight_decay=0.125, adam_weight_decay=0.0625, rms_rate=0.25, muon_a=NS[0],
                             muon_b=NS[1], muon_c=NS[2], adam_lr_ratio=0.5), ["matrix", "tall matrix", "vector"]),
    "Muon plain momentum, no rms_rate": (Muon.from_keras(learning_rate=0.02, momentum=0.875, nesterov=False,
                                                         weight_decay=0.0625, rms_rate=None, muon_a=NS[0],
                                                         muon_b=NS[1], muon_c=NS[2], ns_steps=3), ["matrix"]),
    "ScheduleFreeAdamW": (ScheduleFreeAdamW.from_keras(learning_rate=0.02, beta_1=B1, beta_2=B2, epsilon=EPS,
                                                       weight_decay=0.125, warmup_steps=20), ["matrix", "vector"]),
}


@pytest.mark.parametrize("name,shape", [(n, s) for n, (_, shapes) in KERAS.items() for s in shapes])
def test_against_keras(name: str, shape: str) -> None:
    opt, _ = KERAS[name]
    ours = run_numpy(opt, START[shape], grad_fn(shape), STEPS)
    theirs = run_keras(opt, START[shape], grad_fn(shape), STEPS)
    _moved(ours)
    key = f"keras.optimizers.{type(opt).__name__}"
    assert worst_error(ours, theirs) <= COVERAGE[key].bound, worst_error(ours, theirs)


# ---------------------------------------------------------------------------------------------------- averaging
@pytest.mark.parametrize("averager", [EMA(0.9), SWA()], ids=["EMA", "SWA"])
def test_averages_equal_torch_averaged_model(averager: Any) -> None:
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    g = grad_fn("matrix")
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        model = torch.nn.Module()
        model.w = torch.nn.Parameter(torch.tensor(START["matrix"].copy()))
        multi = get_ema_multi_avg_fn(averager.decay) if isinstance(averager, EMA) else None
        averaged = AveragedModel(model, multi_avg_fn=multi)
        topt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
        opt = SGD(lr=0.05, momentum=0.5)
        p, state, avg = START["matrix"].copy(), opt.init(START["matrix"]), averager.init(START["matrix"])
        worst = 0.0
        for t in range(1, STEPS + 1):
            p, state = opt.update(p, g(p, t), state)
            avg = averager.update(avg, p)
            model.w.grad = torch.from_numpy(g(model.w.detach().numpy().copy(), t))
            topt.step()
            averaged.update_parameters(model)
            worst = max(worst, worst_error(avg.average[None], averaged.module.w.detach().numpy()[None]))
    finally:
        torch.set_default_dtype(default)
    assert avg.n_averaged == STEPS == int(averaged.n_averaged)
    assert worst <= OPTIMIZER_TOL, worst


def test_ema_equals_keras_use_ema() -> None:
    from lessons_lib._lazy import import_keras

    keras = import_keras()
    g = grad_fn("matrix")
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        kopt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.5, use_ema=True, ema_momentum=0.875)
        x = keras.Variable(START["matrix"].copy(), dtype="float64")
        kopt.build([x])
        opt, ema = SGD.from_keras(learning_rate=0.05, momentum=0.5), EMA(0.875)
        p, state, avg = START["matrix"].copy(), opt.init(START["matrix"]), ema.init(START["matrix"])
        worst = 0.0
        for t in range(1, 81):
            p, state = opt.update(p, g(p, t), state)
            avg = ema.update(avg, p)
            kopt.apply_gradients([(keras.ops.convert_to_tensor(g(np.array(x.numpy()), t)), x)])
            theirs = np.array(kopt._model_variables_moving_average[0].numpy())
            worst = max(worst, worst_error(avg.average[None], theirs[None]))
    finally:
        keras.config.set_floatx(floatx)
    assert worst <= OPTIMIZER_TOL, worst


# ---------------------------------------------------------------------------------------------------- differences
def _gap(a: Any, b: Any, shape: str = "matrix", steps: int = STEPS) -> float:
    return worst_error(run_numpy(a, START[shape], grad_fn(shape), steps), run_numpy(b, START[shape], grad_fn(shape),
                                                                                       steps))


def test_differences_between_implementations_under_one_name_are_real() -> None:
    # Adafactor: Keras adds eps1 to g**2 and decays before the relative step; visible with weight decay
    assert _gap(Adafactor(lr=0.05, eps=(1e-3, 1e-3), weight_decay=0.2),
                Adafactor.from_keras(learning_rate=0.05, epsilon_1=1e-3, weight_decay=0.2)) > 1e-3
    # Muon: Keras scales by 0.2 sqrt(max(A, B)) (Moonlight) where torch scales by sqrt(max(1, A/B))
    assert _gap(Muon(lr=0.01, weight_decay=0.0), Muon.from_keras(learning_rate=0.01, weight_decay=0.0)) > 1e-2
    # LAMB: correcting the moments (paper, Keras) or the step (pytorch-optimizer): the first step is 1/(1-b1) larger
    first = {bc: run_numpy(Lamb(lr=0.01, bias_correction=bc), START["matrix"], grad_fn("matrix"), 1)
             for bc in ("moments", "step")}
    ratio = np.linalg.norm(first["step"][1] - first["step"][0]) / np.linalg.norm(first["moments"][1] - first["moments"][0])
    assert ratio == pytest.approx(1 / (1 - 0.9), rel=1e-6)
    # schedule-free AdamW: Keras recovers x with the updated z; the paper's form drifts away from it
    assert _gap(ScheduleFreeAdamW(lr=0.02, betas=(B1, B2), eps=EPS, r=0.0, weight_lr_power=0.0),
                ScheduleFreeAdamW.from_keras(learning_rate=0.02, beta_1=B1, beta_2=B2, epsilon=EPS)) > 1e-2


def test_keras_adafactor_relative_step_changes_nothing() -> None:
    from lessons_lib._lazy import import_keras

    keras = import_keras()
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        runs = []
        for relative in (True, False):
            kopt = keras.optimizers.Adafactor(learning_rate=0.5, relative_step=relative)
            x = keras.Variable(START["matrix"].copy(), dtype="float64")
            kopt.build([x])
            for t in range(1, 31):
                kopt.apply_gradients([(keras.ops.convert_to_tensor(grad_fn("matrix")(np.array(x.numpy()), t)), x)])
            runs.append(np.array(x.numpy()))
    finally:
        keras.config.set_floatx(floatx)
    assert np.array_equal(runs[0], runs[1])


def test_no_equivalent_says_which_switch() -> None:
    with pytest.raises(NoEquivalentError, match="keras_form"):
        torch_optimizer(Adafactor.from_keras(), [])
    with pytest.raises(NoEquivalentError, match="from_keras"):
        keras_optimizer(Muon())
    with pytest.raises(NoEquivalentError, match="reference_optimizer"):
        torch_optimizer(Lion(), [])
    with pytest.raises(NoEquivalentError, match="no LARS"):
        keras_optimizer(LARS())
    with pytest.raises(NoEquivalentError, match="bias_correction='step'"):
        reference_optimizer(Lamb(), [])
