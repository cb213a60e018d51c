"""Value-answered exercises (derive, predict, diagnose) of Parts I and II (chapters 2-13); see :mod:`.answers` and
:mod:`.answer_catalog`.

Every expected answer is computed here from ``lessons_lib`` (a formula, or the cheap experiment the notebook shows),
never typed; the constants a notebook needs to show exactly what is graded live here too.
"""

from __future__ import annotations

import math

import numpy as np

from .answers import AnswerExercise

# ------------------------------------------------------------------------------------------------------------ sgd
SGD_N, SGD_BATCH = 1000, 64
SGD_BATCHES, SGD_UPDATES, SGD_LR = (4, 64), 300, 0.05


def sgd_distances(seeds: int = 20) -> dict[str, float]:
    """Mean distance to the least-squares solution after ``SGD_UPDATES`` SGD updates at ``SGD_LR``, per batch size
    (the same number of updates, so the larger batch has seen more examples and carries less noise)."""
    from ..problems import linear_regression_data

    X, y, _ = linear_regression_data(n=SGD_N, d=3, noise=1.0, seed=0)
    X1 = np.hstack([X, np.ones((len(y), 1))])
    w_star = np.linalg.lstsq(X1, y, rcond=None)[0]
    out = {}
    for b in SGD_BATCHES:
        dists = []
        for s in range(seeds):
            rng, w = np.random.default_rng(s), np.zeros(4)
            for _ in range(SGD_UPDATES):
                idx = rng.integers(0, len(y), b)
                w = w - SGD_LR * X1[idx].T @ (X1[idx] @ w - y[idx]) / b
            dists.append(np.linalg.norm(w - w_star))
        out[f"batch {b}"] = float(np.mean(dists))
    return out


def _sgd() -> list[AnswerExercise]:
    d = sgd_distances()
    closer = min(d, key=d.get)
    return [
        AnswerExercise(
            "sgd_updates_per_epoch", "sgd", "derive", "Updates per epoch", math.ceil(SGD_N / SGD_BATCH),
            hint="Every example is used once per epoch, in batches of 64; the last batch may be smaller.",
            explanation=f"{SGD_N} / {SGD_BATCH} = {SGD_N / SGD_BATCH:.3f}: {SGD_N // SGD_BATCH} full batches and one "
                        f"of {SGD_N % SGD_BATCH} examples, {math.ceil(SGD_N / SGD_BATCH)} updates."),
        AnswerExercise(
            "sgd_predict_batch", "sgd", "predict", "Which batch size ends closer, at the same number of updates?",
            closer, options=tuple(d),
            explanation=f"At a constant rate SGD ends in a noise cloud around the solution whose size grows with "
                        f"the gradient's variance, which falls like 1/B: after {SGD_UPDATES} updates the mean "
                        f"distance was {d['batch 4']:.3f} with batch 4 and {d['batch 64']:.3f} with batch 64 (but "
                        "batch 64 used 16 times more examples to get there)."),
    ]


# ------------------------------------------------------------------------------------------------------- momentum
MOM_LR, MOM_BETA = 0.01, 0.9


def mom_runs(steps: int = 80) -> dict[str, np.ndarray]:
    """The shallow coordinate of gradient descent with and without heavy-ball momentum on a quadratic bowl."""
    from ..optimizers import SGD
    from ..problems import quadratic
    from ..train import minimize

    bowl = quadratic(L=10.0, mu=1.0)
    return {name: minimize(SGD(lr=0.05, momentum=m), bowl.f, bowl.grad, bowl.start, steps=steps).xs[:, 1]
            for name, m in (("no momentum", 0.0), ("momentum 0.9", 0.9))}


def _momentum() -> list[AnswerExercise]:
    from ..optimizers import SGD

    opt, theta = SGD(lr=MOM_LR, momentum=MOM_BETA), np.zeros(1)
    state = opt.init(theta)
    for _ in range(500):  # a constant gradient of 1 until the step has settled
        new, state = opt.update(theta, np.ones(1), state)
        step, theta = float(abs(new - theta)[0]), new
    runs = mom_runs()
    crosses = {k: bool(np.any(np.sign(v[1:]) != np.sign(v[0]))) for k, v in runs.items()}
    assert crosses == {"no momentum": False, "momentum 0.9": True}, crosses
    return [
        AnswerExercise(
            "mom_terminal_step", "momentum", "derive", "The step under a constant gradient",
            step, rtol=1e-6,
            hint="With a constant gradient g the buffer settles where buf = momentum * buf + g.",
            explanation=f"The buffer tends to g / (1 - momentum) = {1 / (1 - MOM_BETA):g} g, so the step tends to "
                        f"lr g / (1 - momentum): momentum {MOM_BETA} multiplies the effective rate by "
                        f"{1 / (1 - MOM_BETA):g} along directions where the gradient keeps its sign."),
        AnswerExercise(
            "mom_predict_overshoot", "momentum", "predict", "Overshooting along the shallow axis",
            "overshoots", options=("overshoots", "approaches from one side"),
            explanation="Without momentum each step moves the shallow coordinate a fixed fraction of the way to 0, "
                        "never past it. With momentum 0.9 the accumulated velocity carries it past the minimum and "
                        "back: the heavy ball is under-damped along the shallow axis."),
    ]


# ------------------------------------------------------------------------------------------------------ adaptive
ADA_LR, ADA_G = 0.1, 2.0


def ada_steps(steps: int = 100) -> np.ndarray:
    """|step| of AdaGrad (rate ``ADA_LR``) on one coordinate with the constant gradient ``ADA_G``."""
    from ..optimizers import Adagrad

    opt, theta = Adagrad(lr=ADA_LR), np.zeros(1)
    state, out = opt.init(theta), []
    for _ in range(steps):
        new, state = opt.update(theta, np.array([ADA_G]), state)
        out.append(float(abs(new - theta)[0]))
        theta = new
    return np.array(out)


def _adaptive() -> list[AnswerExercise]:
    steps = ada_steps()
    ratio = steps[0] / steps[99]
    options = {"the same": 1.0, "10 times smaller": 10.0, "100 times smaller": 100.0}
    right = [k for k, v in options.items() if abs(ratio / v - 1) < 0.05]
    assert len(right) == 1, ratio
    return [
        AnswerExercise(
            "ada_fourth_step", "adaptive", "derive", "AdaGrad's fourth step", float(steps[3]), rtol=1e-6,
            hint="After t steps with the same gradient g the accumulator is s = t g^2.",
            explanation=f"s = 4 g^2 after the fourth gradient, so the step is lr g / sqrt(4 g^2) = lr / 2 = "
                        f"{ADA_LR / 2:g}, whatever g is: AdaGrad's steps shrink like 1 / sqrt(t)."),
        AnswerExercise(
            "ada_predict_hundredth", "adaptive", "predict", "AdaGrad's 100th step", right[0],
            options=tuple(options),
            explanation=f"With a constant gradient the t-th step is lr / sqrt(t): the 100th is sqrt(100) = 10 times "
                        f"smaller than the first (measured {ratio:.2f}). That steady decay is AdaGrad's built-in "
                        "schedule, and why RMSprop replaced the sum by a moving average."),
    ]


# ----------------------------------------------------------------------------------------------------------- adam
ADAM_LR, ADAM_BETAS = 1e-3, (0.9, 0.999)
ADAM_GRAD, ADAM_SCALE = np.array([0.3, -2.0, 5e-3]), 1000.0


def adam_first_steps() -> dict[str, np.ndarray]:
    """Adam's first step for ``ADAM_GRAD`` and for ``ADAM_SCALE`` times it (a loss multiplied by that factor)."""
    from ..optimizers import Adam

    opt, theta = Adam(lr=ADAM_LR, betas=ADAM_BETAS), np.zeros(3)
    return {f"x{s:g}": opt.update(theta, s * ADAM_GRAD, opt.init(theta))[0] for s in (1.0, ADAM_SCALE)}


def _adam() -> list[AnswerExercise]:
    b1, b2 = ADAM_BETAS
    steps = adam_first_steps()
    same = bool(np.allclose(steps["x1"], steps[f"x{ADAM_SCALE:g}"], rtol=1e-4))
    return [
        AnswerExercise(
            "adam_uncorrected_first_step", "adam", "derive", "Adam's first step without bias correction",
            ADAM_LR * (1 - b1) / math.sqrt(1 - b2),
            hint="On the first step m = (1 - beta1) g and v = (1 - beta2) g^2; without the corrections the step is "
                 "lr m / sqrt(v).",
            explanation=f"lr (1 - beta1) |g| / sqrt((1 - beta2) g^2) = lr (1 - beta1) / sqrt(1 - beta2) = "
                        f"{ADAM_LR * (1 - b1) / math.sqrt(1 - b2):.5f}, about {(1 - b1) / math.sqrt(1 - b2):.2f} "
                        "times the rate: the corrections divide m by 1 - beta1 and v by 1 - beta2, making the first "
                        "step exactly lr in size."),
        AnswerExercise(
            "adam_predict_scale", "adam", "predict", "Multiplying the loss by 1000",
            "unchanged" if same else "1000 times larger", options=("unchanged", "1000 times larger"),
            explanation="Adam divides m by sqrt(v): both scale with the gradient, so the step does not (up to "
                        "epsilon, here negligible). Adam is invariant to the loss's scale, unlike SGD, whose step "
                        "would be 1000 times larger."),
    ]


def exercises() -> list[AnswerExercise]:
    """This part's value-answered exercises, in the order of the book."""
    return [*_sgd(), *_momentum(), *_adaptive(), *_adam()]
