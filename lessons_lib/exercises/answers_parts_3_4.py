"""Value-answered exercises (derive, predict, diagnose) of Parts III and IV (chapters 14-23); see :mod:`.answers` and
:mod:`.answer_catalog`.

Every expected answer is computed here from ``lessons_lib`` (a formula, or the cheap experiment the notebook shows),
never typed; the constants a notebook needs to show exactly what is graded live here too.
"""

from __future__ import annotations

import numpy as np

from .answers import AnswerExercise, bowl_losses
# --------------------------------------------------------------------------------------------- sign and memory
SM_LR, SM_GRAD = 0.002, (3.0, -0.5)
SM_SPIKE_AT, SM_SPIKE = 20, 100.0


def sm_adamax_steps(steps: int = 40) -> np.ndarray:
    """|step| of one coordinate under Adamax (lr ``SM_LR``) with gradient 1, except ``SM_SPIKE`` at one update."""
    from ..optimizers import Adamax

    opt, theta = Adamax(lr=SM_LR), np.zeros(1)
    state, sizes = opt.init(theta), []
    for t in range(steps):
        new, state = opt.update(theta, np.array([SM_SPIKE if t == SM_SPIKE_AT else 1.0]), state)
        sizes.append(float(abs(new - theta)[0]))
        theta = new
    return np.array(sizes)


def _sign_and_memory() -> list[AnswerExercise]:
    from ..optimizers import Adamax

    opt = Adamax(lr=SM_LR)
    theta = np.zeros(2)
    first = opt.update(theta, np.array(SM_GRAD), opt.init(theta))[0]
    sizes = sm_adamax_steps()
    before, after = sizes[SM_SPIKE_AT - 5], sizes[SM_SPIKE_AT + 5]
    right = "smaller" if after < 0.5 * before else "larger" if after > 2 * before else "about the same"
    return [
        AnswerExercise(
            "sm_adamax_first_step", "sign-and-memory", "derive", "Adamax's first step",
            float(abs(first[0])), rtol=1e-4,
            hint="On the first step m = (1 - beta1) g and u = |g|; the bias correction divides by 1 - beta1.",
            explanation="The first step is lr * (m / (1 - beta1)) / u = lr * g / |g|: a sign step of size lr in "
                        "every coordinate, however large or small the gradient (up to epsilon)."),
        AnswerExercise(
            "sm_predict_spike", "sign-and-memory", "predict", "Adamax after a gradient spike", right,
            options=("smaller", "about the same", "larger"),
            explanation=f"Adamax's u is a decaying maximum: after a spike of {SM_SPIKE:g} it stays near "
                        f"{SM_SPIKE:g} (it decays by beta2 = 0.999 per step), so the same gradient of 1 gives steps "
                        f"about {before / after:.0f} times smaller for hundreds of updates: Adamax remembers spikes."),
    ]


# ------------------------------------------------------------------------------------------------ large batches
LB_LR, LB_CURV = 0.1, 2.0  # a small step's rate and the curvature of a 1-D quadratic
LB_BOWL, LB_RATES = {"L": 4.0, "mu": 1.0}, {"before": 0.4, "after": 0.8}  # doubling batch and rate


def lb_runs(steps: int = 40) -> dict[str, np.ndarray]:
    """Gradient descent's loss on the ``LB_BOWL`` quadratic at the rate before and after doubling it."""
    return bowl_losses(LB_RATES, steps, **LB_BOWL)


def _large_batches() -> list[AnswerExercise]:
    runs = lb_runs()
    right = "diverges" if runs["after"][-1] > runs["after"][0] else "converges"
    return [
        AnswerExercise(
            "lb_one_large_step", "large-batches", "derive", "One large step instead of two small ones",
            1 - 2 * LB_LR * LB_CURV,
            hint="On a quadratic with curvature h, a step of rate eta multiplies the error by 1 - eta h. The large "
                 "batch takes one step at twice the rate.",
            explanation=f"Two small steps multiply the error by (1 - eta h)^2 = {(1 - LB_LR * LB_CURV) ** 2:.2f}; one "
                        f"step at rate 2 eta by 1 - 2 eta h = {1 - 2 * LB_LR * LB_CURV:.2f}. They agree to first "
                        "order in eta h, which is why the linear-scaling rule works for small rates and fails as "
                        "2 eta h grows."),
        AnswerExercise(
            "lb_predict_doubled", "large-batches", "predict", "Doubling the batch and the rate", right,
            options=("converges", "diverges"),
            explanation=f"The largest curvature is {LB_BOWL['L']:g}, so gradient descent is stable only below "
                        f"2 / {LB_BOWL['L']:g} = {2 / LB_BOWL['L']:g}. The rate {LB_RATES['before']:g} was fine; "
                        f"doubled to {LB_RATES['after']:g} it passes the limit: the linear-scaling rule breaks at the "
                        "stability limit, however much the larger batch reduces the noise."),
    ]


# ---------------------------------------------------------------------------------------------- muon and shampoo
MS_S = 0.5
MS_SHAPE, MS_SINGULAR = (4, 6), (1.0, 0.6, 0.3, 0.1)


def ms_singular_values(steps: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Singular values of a 4 x 6 matrix with singular values ``MS_SINGULAR``, before and after Newton-Schulz."""
    from ..optimizers.muon import newton_schulz

    rng = np.random.default_rng(0)
    U, _ = np.linalg.qr(rng.standard_normal((MS_SHAPE[0], MS_SHAPE[0])))
    V, _ = np.linalg.qr(rng.standard_normal((MS_SHAPE[1], MS_SHAPE[0])))
    G = U @ np.diag(MS_SINGULAR) @ V.T
    sv = lambda M: np.linalg.svd(M, compute_uv=False)  # noqa: E731
    return sv(G / np.linalg.norm(G)), sv(newton_schulz(G, steps=steps))


def _muon_and_shampoo() -> list[AnswerExercise]:
    from ..optimizers.muon import NS_COEFFICIENTS

    a, b, c = NS_COEFFICIENTS
    before, after = ms_singular_values()
    options = {"A": "all between 0.5 and 1.5", "B": "the same as before (after normalising)",
               "C": "all equal to 1 within 1e-6"}
    checks = {"A": bool(np.all((after > 0.5) & (after < 1.5))), "B": bool(np.allclose(after, before, rtol=1e-3)),
              "C": bool(np.allclose(after, 1.0, atol=1e-6))}
    right = [k for k, ok in checks.items() if ok]
    assert len(right) == 1, (after, checks)
    return [
        AnswerExercise(
            "ms_ns_polynomial", "muon-and-shampoo", "derive", "One Newton-Schulz step on a singular value",
            a * MS_S + b * MS_S**3 + c * MS_S**5,
            hint="Each step maps every singular value s to a s + b s^3 + c s^5, with Muon's (a, b, c) = (3.4445, "
                 "-4.775, 2.0315).",
            explanation="X <- a X + b (X X^T) X + c (X X^T)^2 X acts on each singular value separately, as the odd "
                        "polynomial p(s) = a s + b s^3 + c s^5; Muon's coefficients push every s in (0, 1] towards "
                        "1 quickly (steep at 0), without converging exactly."),
        AnswerExercise(
            "ms_predict_singular", "muon-and-shampoo", "predict", "What five Newton-Schulz steps do",
            right[0], options=tuple(options),
            explanation=f"Singular values {np.round(before, 3).tolist()} (after normalisation) became "
                        f"{np.round(after, 3).tolist()}: all pushed towards 1 but not exactly 1. Muon's quintic trades "
                        "exactness for speed: the update's directions are kept, their sizes roughly equalised."),
    ]


# ---------------------------------------------------------------------------------------------------- averaging
AVG_DECAY, AVG_AGE = 0.99, 100
AVG_STEPS, AVG_LR = 2000, 0.1


def avg_distances(seed: int = 0) -> dict[str, float]:
    """Distance to the minimum of the last iterate and of its EMA (``AVG_DECAY``) after SGD on a noisy quadratic."""
    from ..problems import quadratic

    bowl = quadratic(L=4.0, mu=1.0, start=(-3.0, 2.5))
    noise = np.random.default_rng(seed).standard_normal((AVG_STEPS, 2))
    p = np.array(bowl.start)
    avg = p.copy()  # lessons_lib.optimizers.EMA's rule (torch's AveragedModel), written out for speed
    for t in range(AVG_STEPS):
        p = p - AVG_LR * ((p - bowl.x_star) @ bowl.A.T + noise[t])
        avg = avg + (1 - AVG_DECAY) * (p - avg)
    return {"last iterate": float(np.linalg.norm(p - bowl.x_star)),
            "EMA": float(np.linalg.norm(avg - bowl.x_star))}


def _averaging() -> list[AnswerExercise]:
    d = avg_distances()
    right = min(d, key=d.get)
    return [
        AnswerExercise(
            "avg_ema_weight", "averaging", "derive", "How much an old iterate still counts",
            (1 - AVG_DECAY) * AVG_DECAY**AVG_AGE,
            hint="Unroll a <- decay * a + (1 - decay) * theta: the iterate k steps back is multiplied by decay once "
                 "per later step.",
            explanation=f"The newest iterate gets weight 1 - decay; each later update multiplies it by decay, so the "
                        f"iterate {AVG_AGE} steps back weighs (1 - decay) decay^{AVG_AGE}, about "
                        f"{(1 - AVG_DECAY) * AVG_DECAY**AVG_AGE:.4f}: an EMA with decay 0.99 remembers roughly the "
                        "last 1 / (1 - decay) = 100 iterates."),
        AnswerExercise(
            "avg_predict_closer", "averaging", "predict", "The last iterate or its average?", right,
            options=tuple(d),
            explanation=f"At a constant rate the iterates bounce in a noise cloud around the minimum; their average "
                        f"cancels most of the noise: after {AVG_STEPS} steps the EMA was {d['EMA']:.3f} from the "
                        f"minimum, the last iterate {d['last iterate']:.3f}."),
    ]


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
    h = rng.standard_normal((64, width))
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


# ------------------------------------------------------------------------------------------------------- capstone
CAP_PEAK, CAP_WARMUP = 0.02, 100
CAP_GRADS = (1e-4, 50.0)


def cap_first_adam_step(lr: float = 0.01) -> np.ndarray:
    """|Adam's first update| for two coordinates whose gradients differ by a factor 500,000 (``CAP_GRADS``)."""
    from ..optimizers import Adam

    opt, theta = Adam(lr=lr), np.zeros(2)
    return np.abs(opt.update(theta, np.array(CAP_GRADS), opt.init(theta))[0])


def _capstone() -> list[AnswerExercise]:
    step = cap_first_adam_step()
    right = "both about lr" if np.allclose(step, 0.01, rtol=1e-3) else "proportional to the gradient"
    return [
        AnswerExercise(
            "cap_first_warmup_rate", "capstone", "derive", "The first update's rate under this chapter's warmup",
            CAP_PEAK * 1 / CAP_WARMUP,
            hint="The chapter's LambdaLR multiplies the peak by (k + 1) / warmup_steps, k counting updates from 0.",
            explanation=f"(0 + 1) / {CAP_WARMUP} of the peak {CAP_PEAK}: {CAP_PEAK / CAP_WARMUP:g}. Counting from "
                        "k + 1 keeps the first update from being wasted at rate 0 and reaches the peak exactly at "
                        "the end of the warmup."),
        AnswerExercise(
            "cap_predict_adam_first", "capstone", "predict", "Adam's first update for a tiny and a huge gradient",
            right, options=("both about lr", "proportional to the gradient"),
            explanation=f"Adam's first update is lr * m_hat / sqrt(v_hat) = lr * g / |g|: for gradients "
                        f"{CAP_GRADS[0]:g} and {CAP_GRADS[1]:g} it moved both coordinates by "
                        f"{step[0]:.4f} and {step[1]:.4f}. Every weight takes a full-size step however weak or noisy "
                        "its gradient: at a large rate, the steps that wreck a post-norm network without warmup."),
    ]


def exercises() -> list[AnswerExercise]:
    """This part's value-answered exercises, in the order of the book."""
    return [*_sign_and_memory(), *_large_batches(), *_muon_and_shampoo(), *_averaging(), *_data_parallel(),
            *_stability(), *_initialisation(), *_precision(), *_tuning(), *_capstone()]
