"""Value-answered exercises (derive, predict, diagnose) of Parts I and II (chapters 2-13); see :mod:`.answers` and
:mod:`.answer_catalog`.

Every expected answer is computed here from ``lessons_lib`` (a formula, or the cheap experiment the notebook shows),
never typed; the constants a notebook needs to show exactly what is graded live here too.
"""

from __future__ import annotations

import math

import numpy as np

from .answers import AnswerExercise, bowl_losses

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
    for b in SGD_BATCHES:  # all seeds at once: W[s] is seed s's weights
        rng, W = np.random.default_rng(0), np.zeros((seeds, 4))
        for _ in range(SGD_UPDATES):
            idx = rng.integers(0, len(y), (seeds, b))
            Xb = X1[idx]  # (seeds, b, 4)
            residual = np.einsum("sbi,si->sb", Xb, W) - y[idx]
            W = W - SGD_LR * np.einsum("sbi,sb->si", Xb, residual) / b
        out[f"batch {b}"] = float(np.mean(np.linalg.norm(W - w_star, axis=1)))
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
    for _ in range(250):  # a constant gradient of 1 until the step has settled (0.9^250 ~ 4e-12)
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


# ----------------------------------------------------------------------------------------------------- comparing
CMP_STD, CMP_SEEDS = 0.8, 5
CMP_CONFIGS, CMP_NOISE = 20, 1.0


def cmp_selection_gap(sims: int = 4000, seed: int = 0) -> float:
    """Mean (fresh score - validation score) of the best of ``CMP_CONFIGS`` equally good configurations, each
    validation score carrying noise of standard deviation ``CMP_NOISE``."""
    rng = np.random.default_rng(seed)
    val = rng.standard_normal((sims, CMP_CONFIGS)) * CMP_NOISE
    fresh = rng.standard_normal(sims) * CMP_NOISE
    return float(np.mean(fresh - val.max(axis=1)))


CMP_PROTOCOLS = {
    "A": "both optimizers tuned on a validation split, each best configuration scored on the test set with 5 fresh "
         "seeds",
    "B": "both optimizers tuned on the test set, the best test score of each reported",
    "C": "the new optimizer tuned on a validation split, the baseline run at its default rate, both scored on the "
         "test set with 5 seeds",
}


def _comparing() -> list[AnswerExercise]:
    gap = cmp_selection_gap()
    right = "lower" if gap < -0.5 else "higher" if gap > 0.5 else "about the same"
    return [
        AnswerExercise(
            "cmp_standard_error", "comparing", "derive", "The standard error of a mean over seeds",
            CMP_STD / math.sqrt(CMP_SEEDS),
            hint="The mean of n independent scores with standard deviation sigma has standard deviation "
                 "sigma / sqrt(n).",
            explanation=f"{CMP_STD} / sqrt({CMP_SEEDS}) = {CMP_STD / math.sqrt(CMP_SEEDS):.3f} points: two methods "
                        "whose means differ by less than about twice this (times sqrt(2) for a difference) cannot be "
                        "told apart with these seeds."),
        AnswerExercise(
            "cmp_predict_best_of", "comparing", "predict", "The best of 20 equally good configurations",
            right, options=("lower", "about the same", "higher"),
            explanation=f"All {CMP_CONFIGS} configurations are equally good; the one with the best validation score "
                        f"is the luckiest, and its luck does not repeat: with fresh seeds it scored "
                        f"{abs(gap):.2f} points lower on average. That is the selection bias of tuning and reporting "
                        "on the same data."),
        AnswerExercise(
            "cmp_diagnose_protocol", "comparing", "diagnose", "Which comparison is fair?", "A",
            options=tuple(CMP_PROTOCOLS),
            hint="Look for two things: where the hyperparameters were chosen, and whether both methods got the same "
                 "tuning budget.",
            explanation="A chooses on validation data and scores once, with fresh seeds, on the test set, with the "
                        "same tuning for both. B reports the best of many test scores (selection bias), C tunes only "
                        "one of the two methods."),
    ]


# ------------------------------------------------------------------------------------------------ why schedules
WS_RATE, WS_CURV, WS_NOISE = 0.1, 1.0, 1.0
WS_RATES = {"A": 0.1, "B": 0.5, "C": 0.02}  # the diagnose exercise's runs, labelled


def ws_stationary_variance(rate: float, steps: int = 40000, seed: int = 0) -> float:
    """Measured variance of x under x <- x - rate (h x + noise) on a 1-D quadratic (burn-in discarded)."""
    rng = np.random.default_rng(seed)
    x, xs = 0.0, np.empty(steps)
    for t, z in enumerate(rng.standard_normal(steps)):
        x -= rate * (WS_CURV * x + WS_NOISE * z)
        xs[t] = x
    return float(np.var(xs[steps // 10:]))


def ws_runs(steps: int = 600, seed: int = 1) -> dict[str, np.ndarray]:
    """x^2 along constant-rate SGD on the noisy 1-D quadratic from x = 10, one run per labelled rate."""
    out = {}
    for label, rate in WS_RATES.items():
        rng, x, path = np.random.default_rng(seed), 10.0, []
        for z in rng.standard_normal(steps):
            x -= rate * (WS_CURV * x + WS_NOISE * z)
            path.append(x * x)
        out[label] = np.array(path)
    return out


def _why_schedules() -> list[AnswerExercise]:
    exact = lambda r: r * WS_NOISE**2 / (WS_CURV * (2 - r * WS_CURV))  # noqa: E731
    ratio = exact(WS_RATE / 2) / exact(WS_RATE)
    options = {"roughly halves": 0.5, "quarters": 0.25, "does not change": 1.0}
    right = [k for k, v in options.items() if abs(ratio - v) < 0.1]
    assert len(right) == 1, ratio
    runs = ws_runs()
    floors = {k: float(np.mean(v[-200:])) for k, v in runs.items()}
    lowest = min(floors, key=floors.get)
    assert lowest == min(WS_RATES, key=WS_RATES.get)
    return [
        AnswerExercise(
            "ws_noise_floor", "why-schedules", "derive", "The noise floor of a constant rate",
            exact(WS_RATE),
            hint="Take the variance of both sides of x <- (1 - eta h) x - eta z at stationarity: "
                 "V = (1 - eta h)^2 V + eta^2 sigma^2.",
            explanation="V = eta^2 sigma^2 / (1 - (1 - eta h)^2) = eta sigma^2 / (h (2 - eta h)): proportional to "
                        "the rate for small rates. A constant rate never gets closer than this; decaying the rate "
                        "is what shrinks the floor."),
        AnswerExercise(
            "ws_predict_halve", "why-schedules", "predict", "Halving the rate", right[0], options=tuple(options),
            explanation=f"The floor is about eta sigma^2 / (2h), linear in the rate: halving it multiplies the "
                        f"stationary variance by {ratio:.3f}. The price: the approach to the floor is twice as slow."),
        AnswerExercise(
            "ws_diagnose_floor", "why-schedules", "diagnose", "Which run has the smallest rate?", lowest,
            options=tuple(WS_RATES),
            hint="Two things tell the rate: how fast a curve falls at the start, and how low it settles.",
            explanation="The smallest rate falls slowest at first but settles lowest, its noise floor proportional to "
                        "the rate; the largest falls fastest and bounces highest. A schedule gets both: the large "
                        "rate first, the small one at the end."),
    ]


# ---------------------------------------------------------------------------------------------- decay, cyclical
def _decay() -> list[AnswerExercise]:
    from ..schedules import ExponentialDecay

    value = float(ExponentialDecay(0.1, 0.5, 10, staircase=True)(25))
    at15 = {"staircase": float(ExponentialDecay(0.1, 0.5, 10, staircase=True)(15)),
            "continuous": float(ExponentialDecay(0.1, 0.5, 10)(15))}
    larger = max(at15, key=at15.get)
    return [AnswerExercise(
        "decay_predict_staircase", "decay", "predict", "Staircase or continuous, halfway through a period?", larger,
        options=tuple(at15),
        explanation=f"At update 15 the staircase has decayed once (0.1 * 0.5 = {at15['staircase']:.4f}) while the "
                    f"continuous schedule has decayed 1.5 periods' worth (0.1 * 0.5^1.5 = {at15['continuous']:.4f}): "
                    "the staircase is above the continuous curve everywhere except at the period boundaries, where "
                    "they meet."), AnswerExercise(
        "decay_staircase_value", "decay", "derive", "A staircase rate", value,
        hint="With staircase=True the exponent is the whole number of completed decay periods, k // decay_steps.",
        explanation="25 // 10 = 2 completed periods: 0.1 * 0.5^2 = 0.025. Without the staircase the exponent would "
                    "be 2.5 (about 0.0177).")]


def _cyclical() -> list[AnswerExercise]:
    from ..schedules import Cyclic

    value = float(Cyclic(0.001, 0.006, step_size_up=2000)(3000))
    return [AnswerExercise(
        "clr_rate_at", "cyclical", "derive", "A triangular cycle's rate", value,
        hint="One cycle is 2 * step_size = 4000 updates: up for 2000, down for 2000. Where in the cycle is update "
             "3000?",
        explanation="Update 3000 is halfway down the first cycle (2000 up, then 1000 of the 2000 down), so the rate "
                    "is halfway between max_lr and base_lr: 0.001 + 0.5 * 0.005 = 0.0035.")]


# --------------------------------------------------------------------------------------------------------- warmup
WU_PEAK, WU_WARMUP, WU_DECAY, WU_K = 1e-3, 100, 900, 550
WU_RATE, WU_STEPS = 0.23, 20  # a too-large final rate (above 2/L = 0.2), reached by warmup


def wu_runs(steps: int = 200) -> dict[str, np.ndarray]:
    """Gradient descent's loss on the chapter 1 bowl (L = 10) at rate ``WU_RATE``, with and without warmup."""
    from ..schedules import Constant, LinearWarmup

    return bowl_losses({"constant": WU_RATE, "warmup": LinearWarmup(Constant(WU_RATE), WU_STEPS)}, steps, L=10.0)


def _warmup() -> list[AnswerExercise]:
    from ..schedules import Constant, LinearWarmup, warmup_cosine

    at_k = float(warmup_cosine(WU_PEAK, WU_WARMUP, WU_DECAY)(WU_K))
    first = float(LinearWarmup(Constant(0.1), 100)(0))
    runs = wu_runs()
    right = "diverges" if runs["warmup"][-1] > runs["warmup"][0] else "converges"
    return [
        AnswerExercise(
            "wu_rate_at", "warmup", "derive", "The rate in the middle of the cosine", at_k,
            hint="Subtract the warmup first: the cosine runs over the 900 updates after it. How far along is "
                 "update 550?",
            explanation="Update 550 is 450 updates into the 900-update cosine, halfway: (1 + cos(pi / 2)) / 2 = "
                        "1/2 of the peak, 5e-4."),
        AnswerExercise(
            "wu_first_rate", "warmup", "derive", "The rate of the very first update", first, atol=1e-12,
            hint="Evaluate the linear ramp start_lr + (peak - start_lr) * k / warmup_steps at the first update's "
                 "index.",
            explanation="A warmup from 0 gives the first update (k = 0) the rate 0: that update is wasted, and "
                        "Adam's moments still take the gradient in. PyTorch's LambdaLR with lambda k: k / W behaves "
                        "the same; start from a small positive rate or use (k + 1) / W."),
        AnswerExercise(
            "wu_predict_fixed_quadratic", "warmup", "predict", "Can warmup rescue a rate above 2/L?", right,
            options=("converges", "diverges"),
            explanation=f"On a fixed quadratic with L = 10, any rate above 2 / L = 0.2 diverges once it is reached: "
                        f"warming up to {WU_RATE} over {WU_STEPS} steps only delays it. Warmup helps when the "
                        "curvature is high at the start and falls (or when Adam's early estimates are noisy), not "
                        "when the final rate is too large for the landscape."),
    ]


# -------------------------------------------------------------------------------------------------------- plateau
PL_LOSSES = (1.0, 0.8, 0.7, 0.7, 0.72, 0.71, 0.69, 0.69)


def _plateau() -> list[AnswerExercise]:
    from ..schedules import ReduceLROnPlateau

    p = ReduceLROnPlateau(0.1, patience=2)
    for loss in PL_LOSSES:
        p.step(loss)
    q = ReduceLROnPlateau(0.1, patience=0)
    q.step(1.0)
    q.step(0.99995)
    right = "not an improvement" if q.cuts else "an improvement"
    return [
        AnswerExercise(
            "plateau_first_cut", "plateau", "derive", "When the first cut comes", float(p.cuts[0]),
            hint="Count, epoch by epoch (from 0), the epochs without an improvement on the best so far; PyTorch cuts "
                 "when that count exceeds the patience.",
            explanation="The best is 0.7 at epoch 2; epochs 3, 4, 5 do not improve on it (0.7 is not below "
                        "0.7 * (1 - 1e-4)), and at the third one the count 3 exceeds the patience 2: the cut comes "
                        f"at epoch {p.cuts[0]}, even though epoch 6 would have improved."),
        AnswerExercise(
            "plateau_diagnose_trace", "plateau", "diagnose", "Which rate came from ReduceLROnPlateau?",
            next(k for k, v in PL_TRACE_LABELS.items() if v == "plateau"), options=tuple(PL_TRACE_LABELS),
            hint="Compare the epochs where each rate drops with the epochs where the validation loss stopped "
                 "improving.",
            explanation="ReduceLROnPlateau cuts a few epochs (patience + 1) after the validation loss stops "
                        "improving, so its drops follow the stalls of the loss curve, at irregular epochs; step decay "
                        "cuts on a fixed calendar and exponential decay lowers the rate every epoch."),
        AnswerExercise(
            "plateau_predict_tiny_gain", "plateau", "predict", "A tiny improvement", right,
            options=("an improvement", "not an improvement"),
            explanation="With the default relative threshold 1e-4, a new value counts only if it is below "
                        "best * (1 - 1e-4) = 0.9999; 0.99995 is not. PyTorch's and Keras's defaults differ here "
                        "(Keras's min_delta is absolute, 1e-4 by default)."),
    ]


PL_CURVE = (1.0, 0.8, 0.7, 0.62, 0.56, 0.52, 0.49, 0.47, 0.46, 0.46, 0.46, 0.46, 0.40, 0.39, 0.39, 0.39, 0.39,
            0.38, 0.38, 0.38)
PL_TRACE_LABELS = {"A": "step", "B": "plateau", "C": "exponential"}


def pl_traces() -> dict[str, np.ndarray]:
    """Per-epoch rates of three schedules over ``PL_CURVE``'s epochs: step decay every 5 epochs, ReduceLROnPlateau
    (patience 2) fed ``PL_CURVE`` as validation losses, exponential decay, under neutral labels."""
    from ..schedules import ExponentialDecay, ReduceLROnPlateau, StepDecay

    n = len(PL_CURVE)
    plateau, rates = ReduceLROnPlateau(0.1, patience=2, factor=0.1), []
    for loss in PL_CURVE:
        rates.append(plateau.lr[0] if isinstance(plateau.lr, list) else plateau.lr)
        plateau.step(loss)
    traces = {"step": np.asarray(StepDecay(0.1, 5, 0.1)(np.arange(n)), dtype=float), "plateau": np.array(rates),
              "exponential": np.asarray(ExponentialDecay(0.1, 0.8)(np.arange(n)), dtype=float)}
    return {label: traces[name] for label, name in PL_TRACE_LABELS.items()}


# ----------------------------------------------------------------------------------------------------- frameworks
def _frameworks() -> list[AnswerExercise]:
    from ..schedules import ExponentialDecay, OneCycle, StepDecay

    per_batch = float(StepDecay(0.1, 30, 0.1)(100))
    initial = float(OneCycle(0.1, total_steps=1000)(0))
    ratio = float(ExponentialDecay(0.1, 0.5, 1000)(1000)) / 0.1
    right = "halved" if abs(ratio - 0.5) < 1e-9 else "almost unchanged"
    return [
        AnswerExercise(
            "fw_step_per_batch", "frameworks", "derive", "StepLR stepped every batch", per_batch,
            hint="scheduler.step() was called after every batch: 100 calls in the first epoch. How many periods of "
                 "30 calls is that?",
            explanation="100 // 30 = 3 decays: 0.1 * 0.1^3 = 1e-4 after a single epoch, where the author meant 30 "
                        "epochs per decay. Where the scheduler steps is part of the schedule."),
        AnswerExercise(
            "fw_onecycle_initial", "frameworks", "derive", "OneCycleLR's first rate", initial,
            hint="OneCycleLR starts at max_lr / div_factor, with div_factor = 25 by default.",
            explanation="0.1 / 25 = 0.004: one-cycle warms up from max_lr / 25 to max_lr over the first 30% of the "
                        "updates."),
        AnswerExercise(
            "fw_predict_keras_units", "frameworks", "predict", "What Keras's decay_steps counts", right,
            options=("halved", "almost unchanged"),
            explanation="A Keras schedule is called with the optimizer's iteration count (updates, i.e. batches), "
                        "not epochs: after 10 epochs of 100 batches, 1000 iterations, the rate is 0.1 * 0.5^1 = "
                        "0.05."),
    ]


# ---------------------------------------------------------------------------------------------- schedules matter
SMAT_STEPS, SMAT_DECAY_FRACTION = 10_000, 0.2
SMAT_DIFF, SMAT_STD, SMAT_SEEDS = 0.3, 0.5, 5
SMAT_LABELS = {"A": "cosine", "B": "warmup-stable-decay", "C": "constant"}


def smat_runs(steps: int = 400, seed: int = 0) -> dict[str, np.ndarray]:
    """x^2 of SGD on a noisy 1-D quadratic under three schedules of peak rate 0.5, with the same noise, labelled."""
    from ..schedules import Constant, CosineAnnealing, Sequence

    decay_from = int(steps * (1 - SMAT_DECAY_FRACTION))
    schedules = {"cosine": CosineAnnealing(0.5, steps),
                 "warmup-stable-decay": Sequence([Constant(0.5), _linear_to_zero(0.5, steps - decay_from)],
                                                 [decay_from]),
                 "constant": Constant(0.5)}
    noise = np.random.default_rng(seed).standard_normal(steps)
    out = {}
    for label, name in SMAT_LABELS.items():
        rates = np.broadcast_to(np.asarray(schedules[name](np.arange(steps)), dtype=float), (steps,))
        x, path = 10.0, np.empty(steps)
        for k in range(steps):
            x -= rates[k] * (x + noise[k])
            path[k] = x * x
        out[label] = path
    return out


def _linear_to_zero(lr: float, steps: int):  # noqa: ANN202 - a schedule
    from ..schedules import PolynomialDecay

    return PolynomialDecay(lr, decay_steps=steps, power=1.0)


def _schedules_matter() -> list[AnswerExercise]:
    se_diff = SMAT_STD * math.sqrt(2 / SMAT_SEEDS)
    right = "yes" if SMAT_DIFF > 2 * se_diff else "no"
    runs = smat_runs()
    n = len(next(iter(runs.values())))
    window = lambda v, a, b: float(np.mean(v[int(a * n):int(b * n)]))  # noqa: E731
    # flat through the middle (no gradual decay), then a drop at the end (a decay phase)
    flat_then_drop = [k for k, v in runs.items() if 0.5 < window(v, 0.3, 0.5) / window(v, 0.6, 0.78) < 2
                      and window(v, 0.95, 1.0) < 0.3 * window(v, 0.6, 0.78)]
    assert [SMAT_LABELS[k] for k in flat_then_drop] == ["warmup-stable-decay"], flat_then_drop
    wsd = flat_then_drop[0]
    return [
        AnswerExercise(
            "smat_decay_start", "schedules-matter", "derive", "Where warmup-stable-decay starts to decay",
            SMAT_STEPS * (1 - SMAT_DECAY_FRACTION),
            hint="The decay takes the last 20% of the updates.",
            explanation=f"The stable phase ends and the decay begins at {1 - SMAT_DECAY_FRACTION:.0%} of "
                        f"{SMAT_STEPS} updates. Because the decay is a separate, final phase, a run can be extended "
                        "(or a checkpoint decayed early) without planning the budget from the start."),
        AnswerExercise(
            "smat_predict_significant", "schedules-matter", "predict", "Is a 0.3-point difference real?", right,
            options=("yes", "no"),
            explanation=f"Each mean over {SMAT_SEEDS} seeds has standard error {SMAT_STD}/sqrt({SMAT_SEEDS}); their "
                        f"difference has {se_diff:.3f}, so two standard errors are {2 * se_diff:.2f} points, more "
                        f"than the {SMAT_DIFF} observed: with these seeds the two schedules cannot be told apart."),
        AnswerExercise(
            "smat_diagnose_wsd", "schedules-matter", "diagnose", "Which curve is warmup-stable-decay?", wsd,
            options=tuple(SMAT_LABELS),
            hint="A constant rate never leaves its noise floor; a cosine lowers it gradually; the third schedule "
                 "keeps the rate high until the last fifth of training.",
            explanation="Warmup-stable-decay stays at its noise floor as long as the rate is constant, then drops "
                        "steeply in the final decay phase; the cosine's floor falls gradually all along; the constant "
                        "rate stays at its floor."),
    ]


def exercises() -> list[AnswerExercise]:
    """This part's value-answered exercises, in the order of the book."""
    return [*_sgd(), *_momentum(), *_adaptive(), *_adam(), *_comparing(), *_why_schedules(), *_decay(), *_cyclical(),
            *_warmup(), *_plateau(), *_frameworks(), *_schedules_matter()]
