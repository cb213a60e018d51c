"""Value-answered exercises (derive, predict, diagnose) of Parts III and IV (chapters 14-23); see :mod:`.answers` and
:mod:`.answer_catalog`.

Every expected answer is computed here from ``lessons_lib`` (a formula, or the cheap experiment the notebook shows),
never typed; the constants a notebook needs to show exactly what is graded live here too.
"""

from __future__ import annotations

import numpy as np

from .answers import AnswerExercise

# ------------------------------------------------------------------------------------------------- data parallel
DP_SETUP = {"devices": 8, "per_device_batch": 32, "accumulation_steps": 4, "base_lr": 0.1, "base_batch": 256}
DP_MICRO = 4  # micro-batches accumulated without dividing the loss


def dp_accumulation_ratio(micro: int = DP_MICRO, seed: int = 0) -> float:
    """|accumulated gradient| / |big-batch gradient| when each micro-batch's *mean* loss is backpropagated and the
    gradients are summed without dividing by the number of micro-batches (least squares on random data)."""
    rng = np.random.default_rng(seed)
    X, y, w = rng.standard_normal((64, 5)), rng.standard_normal(64), rng.standard_normal(5)
    grad = lambda Xb, yb: Xb.T @ (Xb @ w - yb) / len(yb)  # noqa: E731 - the mean squared error's gradient
    summed = sum(grad(Xb, yb) for Xb, yb in zip(np.array_split(X, micro), np.array_split(y, micro)))
    return float(np.linalg.norm(summed) / np.linalg.norm(grad(X, y)))


def _data_parallel() -> list[AnswerExercise]:
    s = DP_SETUP
    global_batch = s["devices"] * s["per_device_batch"] * s["accumulation_steps"]
    ratio = dp_accumulation_ratio()
    options = {"the same": 1.0, f"{DP_MICRO} times larger": float(DP_MICRO), f"{DP_MICRO} times smaller": 1 / DP_MICRO}
    right = [k for k, v in options.items() if abs(v - ratio) < 1e-9]
    assert len(right) == 1, (ratio, options)
    return [
        AnswerExercise(
            "dp_scaled_lr", "data-parallel", "derive", "The learning rate for a larger global batch",
            s["base_lr"] * global_batch / s["base_batch"],
            hint="First the global batch: devices x per-device batch x accumulation steps. Then the linear-scaling "
                 "rule: the rate grows in proportion to the batch.",
            explanation=f"The global batch is {s['devices']} x {s['per_device_batch']} x {s['accumulation_steps']} "
                        f"= {global_batch} examples per update, {global_batch // s['base_batch']} times the base "
                        "batch, so the linear-scaling rule multiplies the rate by the same factor (with a warmup to "
                        "reach it, and only up to the batch size where the rule breaks, chapter 15)."),
        AnswerExercise(
            "dp_predict_undivided", "data-parallel", "predict", "Accumulating without dividing the loss",
            right[0], options=tuple(options),
            explanation=f"Each micro-batch's mean-loss gradient is already an estimate of the full gradient; adding "
                        f"{DP_MICRO} of them gives {DP_MICRO} times the big batch's gradient (measured ratio "
                        f"{ratio:.3f}), so the step is {DP_MICRO} times larger: the same as multiplying the learning "
                        f"rate by {DP_MICRO}. Divide each micro-batch's loss by the number of accumulation steps."),
    ]


# ----------------------------------------------------------------------------------------------------- stability
STAB_RATE = 0.05  # full-batch gradient descent's learning rate
STAB_GRADS = {"layer 1": np.array([3.0, 4.0]), "layer 2": np.array([0.0, 12.0])}
STAB_MAX_NORM = 6.5


def stab_clipped() -> dict[str, dict[str, np.ndarray]]:
    """The two-tensor gradient clipped three ways, under neutral labels A, B, C (the diagnose exercise's figure)."""
    from ..stability import clip_by_global_norm, clip_by_norm, clip_by_value

    return {"A": clip_by_norm(STAB_GRADS, STAB_MAX_NORM), "B": clip_by_value(STAB_GRADS, STAB_MAX_NORM),
            "C": clip_by_global_norm(STAB_GRADS, STAB_MAX_NORM)[0]}


def _stability() -> list[AnswerExercise]:
    flat = np.concatenate(list(STAB_GRADS.values()))
    same_direction = [k for k, d in stab_clipped().items()
                      if np.allclose(np.concatenate(list(d.values())) / np.linalg.norm(np.concatenate(list(d.values()))),
                                     flat / np.linalg.norm(flat))]
    assert len(same_direction) == 1, same_direction
    return [
        AnswerExercise(
            "stab_edge", "stability", "derive", "Where the sharpness settles", 2 / STAB_RATE,
            hint="Chapter 1's stability limit for gradient descent on a quadratic, with the sharpness in the role of "
                 "the largest curvature L.",
            explanation="Gradient descent is stable while the sharpness stays below 2/eta; progressive sharpening "
                        "drives it up to that edge, where it hovers (the edge of stability)."),
        AnswerExercise(
            "stab_diagnose_global", "stability", "diagnose", "Which clipping keeps the update's direction?",
            same_direction[0], options=tuple(stab_clipped()),
            hint="Compare each clipped gradient, both tensors together, with the original: which one is only "
                 "shortened, every entry by the same factor?",
            explanation="Clipping by global norm scales all tensors by one factor, min(1, c / ||g||), so the whole "
                        "update keeps its direction (torch's clip_grad_norm_, Keras's global_clipnorm). Per-tensor "
                        "clipping (Keras's clipnorm) shrinks only the large tensor, and clipping by value changes "
                        "individual entries."),
    ]


# ------------------------------------------------------------------------------------------------ initialisation
INIT_DEPTH, INIT_WIDTH = 20, 128


def init_signal_ratio(gain: float, depth: int = INIT_DEPTH, width: int = INIT_WIDTH, seed: int = 0) -> float:
    """RMS of a deep ReLU network's last activations over its first layer's, with weights N(0, gain^2 / fan_in)."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((256, width))
    first = None
    for _ in range(depth):
        h = np.maximum(h @ (rng.standard_normal((width, width)) * gain / np.sqrt(width)), 0.0)
        first = float(np.sqrt(np.mean(h**2))) if first is None else first
    return float(np.sqrt(np.mean(h**2))) / first


def _initialisation() -> list[AnswerExercise]:
    from ..init import effective_learning_rate

    w = np.ones(16)
    factor = effective_learning_rate(0.1, 2 * w) / effective_learning_rate(0.1, w)
    ratio = init_signal_ratio(1.0)
    options = {"A": "shrinks by more than 100 times", "B": "stays within a factor 2", "C": "grows by more than 100 times"}
    right = "A" if ratio < 0.01 else "B" if 0.5 <= ratio <= 2 else "C" if ratio > 100 else None
    assert right is not None, ratio
    return [
        AnswerExercise(
            "init_norm_doubles", "initialisation", "derive", "The effective rate when a weight's norm doubles",
            factor,
            hint="The direction of a scale-invariant weight moves at eta / ||w||^2.",
            explanation="The effective learning rate is eta / ||w||^2: twice the norm, a quarter of the rate. "
                        "This is why the growth of ||w|| under plain SGD acts as a hidden decay of the rate."),
        AnswerExercise(
            "init_predict_lecun_relu", "initialisation", "predict", "ReLU layers with gain 1",
            right, options=tuple(options),
            explanation=f"With gain 1 a ReLU layer halves the variance (it zeroes half of its inputs), a factor "
                        f"1/sqrt(2) in RMS per layer: over {INIT_DEPTH - 1} layers the signal shrinks to "
                        f"{ratio:.1e} of its first size. He's gain sqrt(2) compensates exactly."),
    ]


# ------------------------------------------------------------------------------------------------------ precision
PREC_W, PREC_DELTA, PREC_FMT = 256.0, 0.1, "float16"


def prec_update(w: float = PREC_W, delta: float = PREC_DELTA, fmt: str = PREC_FMT) -> float:
    """w + delta stored in ``fmt`` (NumPy's float16, or lessons_lib's rounding for bfloat16)."""
    from ..precision import round_to

    return float(round_to(np.float64(round_to(w, fmt)) + delta, fmt))


def _precision() -> list[AnswerExercise]:
    from ..precision import ulp

    after = prec_update()
    right = "unchanged" if after == PREC_W else "changed"
    assert right == "unchanged", after  # the explanation below describes a lost update
    return [
        AnswerExercise(
            "prec_bf16_gap", "precision", "derive", "The gap after 1 in bfloat16", float(ulp(1.0, "bfloat16")),
            hint="bfloat16 keeps 7 bits of mantissa after the leading 1: how far apart are consecutive numbers "
                 "between 1 and 2?",
            explanation="Between 1 and 2, bfloat16's numbers are 1 + k * 2^-7: the gap is 2^-7 = 0.0078125, so "
                        "an update smaller than half of it (about 0.004) to a weight near 1 is lost."),
        AnswerExercise(
            "prec_predict_update", "precision", "predict", "A small update to a large float16 weight",
            right, options=("unchanged", "changed"),
            explanation=f"float16's gap at {PREC_W:g} is {float(ulp(PREC_W, PREC_FMT)):g}; an update of "
                        f"{abs(PREC_DELTA):g} is less than half of it, so {PREC_W:g} + {PREC_DELTA:g} rounds back "
                        f"to {after:g}: the update is lost. Master weights in float32 keep it (float32's gap at "
                        f"{PREC_W:g} is {float(ulp(PREC_W, 'float32')):.1e})."),
    ]


# --------------------------------------------------------------------------------------------------------- tuning
TUNE_BEST = {"momentum": 0.9, "lr": 0.1}
TUNE_NEW_MOMENTUM = 0.99
TUNE_TRIALS, TUNE_GOOD = 30, 0.05


def tune_simulated_hit_rate(trials: int = TUNE_TRIALS, good: float = TUNE_GOOD, studies: int = 20000,
                            seed: int = 0) -> float:
    """The fraction of simulated random searches of ``trials`` trials with at least one in the best ``good``."""
    rng = np.random.default_rng(seed)
    return float(np.mean((rng.random((studies, trials)) < good).any(axis=1)))


def _tuning() -> list[AnswerExercise]:
    exact = 1 - (1 - TUNE_GOOD) ** TUNE_TRIALS
    right = "above 75%" if exact > 0.75 else "below 75%"
    assert abs(tune_simulated_hit_rate() - exact) < 0.02
    return [
        AnswerExercise(
            "tune_momentum_rate", "tuning", "derive", "Moving along the valley",
            TUNE_BEST["lr"] * (1 - TUNE_NEW_MOMENTUM) / (1 - TUNE_BEST["momentum"]),
            hint="Keep the effective rate lr / (1 - momentum) of the best configuration fixed.",
            explanation="The good configurations lie along a constant effective rate lr / (1 - momentum): from "
                        "momentum 0.9 to 0.99, 1 - momentum falls tenfold, so the rate must fall tenfold too."),
        AnswerExercise(
            "tune_predict_hit", "tuning", "predict", "Will 30 random trials find the best 5%?",
            right, options=("above 75%", "below 75%"),
            explanation=f"All {TUNE_TRIALS} trials miss the best {TUNE_GOOD:.0%} with probability "
                        f"{1 - TUNE_GOOD:.2f}^{TUNE_TRIALS} = {1 - exact:.3f}, so at least one lands there with "
                        f"probability {exact:.3f}, whatever the number of hyperparameters."),
    ]


def exercises() -> list[AnswerExercise]:
    """This part's value-answered exercises, in the order of the book."""
    return [*_data_parallel(), *_stability(), *_initialisation(), *_precision(), *_tuning()]
