"""The input classes of every exercise: the kinds of input its task text allows.

Each exercise's task text allows inputs of several kinds (1-D and 2-D arrays, float32 as well as float64, the first
step and later ones, a step past the end of a schedule, a non-default hyperparameter, a tie at a threshold...). A
class is a named predicate on a case's arguments, bound to the reference's parameter names with defaults applied.
Two uses:

* ``tests/test_exercise_classes.py`` proves, exercise by exercise, that the hidden cases contain at least one case
  of every class and at least one outside it, so a function that is wrong for one kind of input cannot pass;
* the checker's feedback, when no catalogued mistake explains a failure, names the classes that separate the
  failing cases from the passing ones ("right for 1-D theta, wrong for 2-D theta").

Class names are written to complete "right for ..., wrong for ...".
"""

from __future__ import annotations

import inspect
import math
from typing import Any, Callable

import numpy as np

__all__ = ["CLASSES", "case_classes"]

Pred = Callable[[dict[str, Any]], bool]


def _arr(v: Any) -> np.ndarray | None:
    return v if isinstance(v, np.ndarray) else None


def ndim(name: str, k: int, *, at_least: bool = False) -> Pred:
    def p(a: dict[str, Any]) -> bool:
        x = np.asarray(a[name]) if not isinstance(a[name], list) else None
        return x is not None and (x.ndim >= k if at_least else x.ndim == k)
    return p


def float32(name: str) -> Pred:
    def p(a: dict[str, Any]) -> bool:
        v = a[name]
        items = v if isinstance(v, (list, tuple)) else [v]
        flat = [x for it in items for x in (it if isinstance(it, (list, tuple)) else [it])]
        return any(isinstance(x, np.ndarray) and x.dtype == np.float32 for x in flat)
    return p


def integer(*names: str) -> Pred:
    return lambda a: all(type(a[n]) is int or isinstance(a[n], np.integer) for n in names)


def nondefault(name: str, default: Any) -> Pred:
    return lambda a: a[name] != default


def where(fn: Callable[..., bool], *names: str) -> Pred:
    return lambda a: bool(fn(*(a[n] for n in names)))


def _frac(x: float) -> float:
    return x - math.floor(x)


_ADAM = {"the first step (t = 1)": where(lambda t: t == 1, "t"),
         "later steps (t > 1)": where(lambda t: t > 1, "t"),
         "non-default betas and eps": where(lambda b1, b2, e: (b1, b2, e) != (0.9, 0.999, 1e-8), "beta1", "beta2", "eps"),
         "float32 inputs": float32("theta")}

CLASSES: dict[str, dict[str, Pred]] = {
    "gd_step": {"1-D theta": ndim("theta", 1), "2-D theta": ndim("theta", 2), "float32 inputs": float32("theta"),
                "an integer learning rate": integer("lr")},
    "gd_run": {"zero steps": where(lambda n: n == 0, "steps"), "several steps": where(lambda n: n > 1, "steps"),
               "a 2-D start": where(lambda x: len(x) == 2, "x0"), "a 3-D start": where(lambda x: len(x) == 3, "x0"),
               "a list as the start": where(lambda x: isinstance(x, list), "x0")},
    "numerical_gradient": {"1-D x": ndim("x", 1), "2-D x": ndim("x", 2), "a non-default h": nondefault("h", 1e-6),
                           "the default h": where(lambda h: h == 1e-6, "h")},
    "minibatches": {"n a multiple of batch_size": where(lambda n, b: n % b == 0, "n", "batch_size"),
                    "a last, smaller batch": where(lambda n, b: n % b != 0, "n", "batch_size"),
                    "batch_size 1": where(lambda b: b == 1, "batch_size")},
    "sgd_epoch": {"several batches": where(lambda X, b: len(X) > b, "X", "batch_size"),
                  "one batch of everything": where(lambda X, b: len(X) <= b, "X", "batch_size"),
                  "a last, smaller batch": where(lambda X, b: len(X) % b != 0, "X", "batch_size")},
    "momentum_step": {"the first step (t = 1)": where(lambda t: t == 1, "t"),
                      "later steps (t > 1)": where(lambda t: t > 1, "t"),
                      "a non-zero dampening": nondefault("dampening", 0.0), "float32 inputs": float32("theta")},
    "nesterov_step": {"the first step (t = 1)": where(lambda t: t == 1, "t"),
                      "later steps (t > 1)": where(lambda t: t > 1, "t"), "float32 inputs": float32("theta")},
    "adagrad_step": {"a non-default eps": nondefault("eps", 1e-10), "float32 inputs": float32("theta"),
                     "an integer learning rate": integer("lr")},
    "rmsprop_step": {"a non-default alpha": nondefault("alpha", 0.99), "a non-default eps": nondefault("eps", 1e-8),
                     "float32 inputs": float32("theta")},
    "adam_step": dict(_ADAM),
    "adamw_step": {**_ADAM, "a weight decay other than 0.01": nondefault("weight_decay", 0.01)},
    "adam_run": {"zero steps": where(lambda n: n == 0, "steps"), "many steps": where(lambda n: n >= 10, "steps"),
                 "non-default betas": where(lambda b1, b2: (b1, b2) != (0.9, 0.999), "beta1", "beta2"),
                 "a 3-D start": where(lambda x: len(x) == 3, "x0"),
                 "a list as the start": where(lambda x: isinstance(x, list), "x0")},
    "rates_per_update": {"several batches per epoch": where(lambda b: b > 1, "batches_per_epoch"),
                         "one batch per epoch": where(lambda b: b == 1, "batches_per_epoch"),
                         "a decay within the run": where(lambda s, e: e > s, "step_size", "epochs"),
                         "an integer initial rate": integer("lr0")},
    "wsd_lr": {"warmup steps": where(lambda k, w: k < w, "k", "warmup_steps"),
               "the stable phase": where(lambda k, w, d, T: w <= k < T - d, "k", "warmup_steps", "decay_steps",
                                         "total_steps"),
               "the decay phase": where(lambda k, d, T: T - d <= k < T, "k", "decay_steps", "total_steps"),
               "steps from total_steps on": where(lambda k, T: k >= T, "k", "total_steps"),
               "no warmup": where(lambda w: w == 0, "warmup_steps")},
    "adam_update_rms": {"a single weight": where(lambda g: g.shape[1] == 1, "grads"),
                        "several weights": where(lambda g: g.shape[1] > 1, "grads"),
                        "non-default betas": where(lambda b1, b2: (b1, b2) != (0.9, 0.999), "beta1", "beta2"),
                        "a large eps": where(lambda e: e > 1e-4, "eps")},
    "clip_by_global_norm": {"a norm above max_norm": where(
        lambda g, c: math.sqrt(sum(float(np.sum(np.square(x))) for x in g)) > c, "grads", "max_norm"),
        "a norm below max_norm": where(
        lambda g, c: math.sqrt(sum(float(np.sum(np.square(x))) for x in g)) <= c, "grads", "max_norm"),
        "several tensors": where(lambda g: len(g) > 1, "grads"), "float32 tensors": float32("grads")},
    "step_decay": {"an epoch at a boundary": where(lambda e, s: e > 0 and e % s == 0, "epoch", "step_size"),
                   "an epoch inside a period": where(lambda e, s: e % s != 0, "epoch", "step_size"),
                   "epoch 0": where(lambda e: e == 0, "epoch"),
                   "a fraction above 1/2": where(lambda e, s: _frac(e / s) > 0.5, "epoch", "step_size")},
    "exponential_decay": {"staircase": where(lambda s: s, "staircase"),
                          "continuous decay": where(lambda s: not s, "staircase"),
                          "staircase with a fraction above 1/2": where(
                              lambda s, k, d: s and _frac(k / d) > 0.5, "staircase", "k", "decay_steps"),
                          "k = 0": where(lambda k: k == 0, "k")},
    "inverse_time_decay": {"staircase": where(lambda s: s, "staircase"),
                           "continuous decay": where(lambda s: not s, "staircase"),
                           "staircase with a fraction above 1/2": where(
                               lambda s, k, d: s and _frac(k / d) > 0.5, "staircase", "k", "decay_steps"),
                           "k = 0": where(lambda k: k == 0, "k")},
    "cosine_annealing": {"k inside the period": where(lambda k, T: 0 < k < T, "k", "T_max"),
                         "k past T_max": where(lambda k, T: k > T, "k", "T_max"),
                         "a non-zero eta_min": nondefault("eta_min", 0.0), "k = 0": where(lambda k: k == 0, "k")},
    "warmup_cosine": {"warmup steps": where(lambda k, w: k < w, "k", "warmup_steps"),
                      "the step that ends the warmup": where(lambda k, w: k == w, "k", "warmup_steps"),
                      "the cosine phase": where(lambda k, w, T: w < k < T, "k", "warmup_steps", "total_steps"),
                      "the step total_steps": where(lambda k, T: k == T, "k", "total_steps"),
                      "steps past total_steps": where(lambda k, T: k > T, "k", "total_steps")},
    "triangular_clr": {"the rising half": where(lambda k, s: (k // s) % 2 == 0 and k % s != 0, "k", "step_size"),
                       "the falling half": where(lambda k, s: (k // s) % 2 == 1 and k % s != 0, "k", "step_size"),
                       "a turning point": where(lambda k, s: k % s == 0, "k", "step_size"),
                       "a later cycle": where(lambda k, s: k >= 2 * s, "k", "step_size")},
    "one_cycle": {"the rising phase": where(lambda k, T, p: k < p * T - 1, "k", "total_steps", "pct_start"),
                  "the falling phase": where(lambda k, T, p: k > p * T - 1, "k", "total_steps", "pct_start"),
                  "a non-integer pct_start * total_steps": where(lambda T, p: abs(p * T - round(p * T)) > 1e-9,
                                                                 "total_steps", "pct_start"),
                  "non-default divisors": where(lambda d, f: (d, f) != (25.0, 1e4), "div_factor",
                                                "final_div_factor")},
    "plateau_decision": {"an improvement": where(lambda m, b, t: m < b * (1 - t), "metric", "best", "threshold"),
                         "no improvement": where(lambda m, b, t: m >= b * (1 - t), "metric", "best", "threshold"),
                         "a metric exactly at the threshold": where(lambda m, b, t: m == b * (1 - t) and t > 0,
                                                                    "metric", "best", "threshold"),
                         "a cut (num_bad past patience)": where(
                             lambda m, b, t, n, p: m >= b * (1 - t) and n + 1 > p, "metric", "best", "threshold",
                             "num_bad", "patience"),
                         "a non-default factor": nondefault("factor", 0.1)},
    "legacy_keras_decay": {"iterations = 0": where(lambda i: i == 0, "iterations"),
                           "many iterations": where(lambda i: i > 0, "iterations")},
    "time_to_accuracy": {"a target reached": where(lambda acc, t: max(acc) >= t, "accuracies", "target"),
                         "a target never reached": where(lambda acc, t: max(acc) < t, "accuracies", "target"),
                         "an accuracy exactly at the target": where(lambda acc, t: t in list(acc), "accuracies",
                                                                    "target")},
    "lion_step": {"1-D parameters": ndim("theta", 1), "matrix parameters": ndim("theta", 2),
                  "non-default betas": nondefault("betas", (0.9, 0.99)),
                  "weight decay": nondefault("weight_decay", 0.0), "float32 inputs": float32("theta")},
    "factored_second_moment": {"more rows than columns": where(lambda r, c: len(r) > len(c), "row_mean", "col_mean"),
                               "more columns than rows": where(lambda r, c: len(r) < len(c), "row_mean", "col_mean"),
                               "a single row": where(lambda r: len(r) == 1, "row_mean"),
                               "float32 inputs": float32("row_mean")},
    "newton_schulz": {"wide matrices": where(lambda G: G.shape[0] < G.shape[1], "G"),
                      "tall matrices": where(lambda G: G.shape[0] > G.shape[1], "G"),
                      "square matrices": where(lambda G: G.shape[0] == G.shape[1], "G"),
                      "non-default steps": nondefault("steps", 5),
                      "non-default coefficients": nondefault("coefficients", (3.4445, -4.775, 2.0315)),
                      "float32 inputs": float32("G")},
    "shampoo_step": {"tall W": where(lambda W: W.shape[0] > W.shape[1], "W"),
                     "wide W": where(lambda W: W.shape[0] < W.shape[1], "W"),
                     "square W": where(lambda W: W.shape[0] == W.shape[1], "W")},
    "ema_update": {"the first average (n_averaged = 0)": where(lambda n: n == 0, "n_averaged"),
                   "later averages": where(lambda n: n > 0, "n_averaged"), "matrix parameters": ndim("theta", 2),
                   "float32 inputs": float32("theta")},
    "schedule_free_sgd_step": {"the first step (t = 1)": where(lambda t: t == 1, "t"),
                               "later steps (t > 1)": where(lambda t: t > 1, "t"),
                               "a non-default beta": nondefault("beta", 0.9), "float32 inputs": float32("y")},
    "accumulate_gradients": {"equal micro-batches": where(lambda s: len(set(s)) == 1, "micro_sizes"),
                             "unequal micro-batches": where(lambda s: len(set(s)) > 1, "micro_sizes"),
                             "a single micro-batch": where(lambda s: len(s) == 1, "micro_sizes"),
                             "float32 gradients": float32("micro_grads")},
    "allreduce_mean": {"several ranks": where(lambda g: len(g) > 1, "rank_grads"),
                       "a single rank": where(lambda g: len(g) == 1, "rank_grads"),
                       "several parameters": where(lambda g: len(g[0]) > 1, "rank_grads")},
    "linear_scaled_lr": {"warmup steps": where(lambda k, w: k < w, "k", "warmup_steps"),
                         "steps after the warmup": where(lambda k, w: k >= w, "k", "warmup_steps"),
                         "no warmup": where(lambda w: w == 0, "warmup_steps"),
                         "a batch smaller than base_batch": where(lambda b, b0: b < b0, "batch", "base_batch"),
                         "a batch that is not a power-of-two multiple": where(
                             lambda b, b0: (b / b0) not in (2.0 ** np.arange(-8, 9)).tolist(), "batch",
                             "base_batch")},
    "lars_local_lr": {"matrix weights": ndim("w", 2), "1-D weights": ndim("w", 1),
                      "weight decay": nondefault("weight_decay", 0.0),
                      "a non-default trust_coefficient": nondefault("trust_coefficient", 1e-3),
                      "float32 inputs": float32("w"), "a zero norm": where(
                          lambda w, g: not np.any(w) or not np.any(g), "w", "g")},
    "clip_global_norm": {"a norm above max_norm": where(
        lambda g, c: math.sqrt(sum(float(np.sum(np.square(x))) for x in g)) > c, "grads", "max_norm"),
        "a norm below max_norm": where(
        lambda g, c: math.sqrt(sum(float(np.sum(np.square(x))) for x in g)) <= c, "grads", "max_norm"),
        "several tensors": where(lambda g: len(g) > 1, "grads"), "float32 tensors": float32("grads"),
        "all-zero gradients": where(lambda g: not any(np.any(x) for x in g), "grads")},
    "clip_each_tensor": {"a tensor above max_norm": where(
        lambda g, c: any(np.linalg.norm(x) > c for x in g), "grads", "max_norm"),
        "every tensor below max_norm": where(lambda g, c: all(np.linalg.norm(x) <= c for x in g), "grads",
                                             "max_norm"),
        "several tensors": where(lambda g: len(g) > 1, "grads"), "float32 tensors": float32("grads")},
    "trials_needed": {"small q": where(lambda q: q <= 0.05, "q"), "large q": where(lambda q: q >= 0.5, "q"),
                      "an exact boundary": where(lambda q, p: any(1 - (1 - q) ** n == p for n in range(1, 50)),
                                                 "q", "p")},
    "median_prune": {"a trial pruned": where(lambda *a: _prune(*a), "values", "completed", "n_startup_trials",
                                             "n_warmup_steps"),
                     "a trial kept": where(lambda *a: not _prune(*a), "values", "completed", "n_startup_trials",
                                           "n_warmup_steps"),
                     "too few completed trials": where(lambda c, n: len(c) < n, "completed", "n_startup_trials"),
                     "a warmup": nondefault("n_warmup_steps", 0),
                     "a trial whose latest value is not its best": where(lambda v: min(v) < v[-1], "values")},
    "init_scale": {"xavier": where(lambda s: s == "xavier", "scheme"), "kaiming": where(lambda s: s == "kaiming",
                                                                                        "scheme"),
                   "the uniform bound": where(lambda d: d == "uniform", "distribution"),
                   "a non-default gain": nondefault("gain", 1.0),
                   "fan_in different from fan_out": where(lambda i, o: i != o, "fan_in", "fan_out")},
    "effective_lr_history": {"weight decay": nondefault("weight_decay", 0.0),
                             "no weight decay": where(lambda wd: wd == 0, "weight_decay"),
                             "no steps": where(lambda g: len(g) == 0, "unit_grad_sq_norms"),
                             "float32 gradient norms": float32("unit_grad_sq_norms")},
    "ulp": {"float16": where(lambda f: f == "float16", "fmt"), "bfloat16": where(lambda f: f == "bfloat16", "fmt"),
            "float32": where(lambda f: f == "float32", "fmt"),
            "subnormal numbers": where(lambda x, f: np.any((np.abs(x) > 0) & (np.abs(x) < {
                "float16": 2.0**-14, "bfloat16": 2.0**-126, "float32": 2.0**-126}[f])), "x", "fmt"),
            "zero": where(lambda x: np.any(np.asarray(x) == 0), "x")},
    "loss_scale_sequence": {"an overflow": where(lambda f: any(f), "found_inf"),
                            "no overflow": where(lambda f: not any(f), "found_inf"),
                            "non-default factors": where(lambda g, b: (g, b) != (2.0, 0.5), "growth_factor",
                                                         "backoff_factor"),
                            "growth": where(lambda f, n: any(all(not x for x in f[i:i + n])
                                                             for i in range(len(f) - n + 1)), "found_inf",
                                            "growth_interval")},
}


def _prune(values: Any, completed: Any, n_startup: int, n_warmup: int) -> bool:
    step = len(values) - 1
    if not completed or len(completed) < n_startup or step < n_warmup:
        return False
    at = [float(c[step]) for c in completed if len(c) > step]
    return bool(at) and float(np.min(values)) > float(np.median(at))


def case_classes(reference: Callable[..., Any], classes: dict[str, Pred], args: tuple, kwargs: dict) -> list[str]:
    """The names of the classes a case ``(args, kwargs)`` belongs to (arguments bound to ``reference``'s names)."""
    bound = inspect.signature(reference).bind(*args, **kwargs)
    bound.apply_defaults()
    a = dict(bound.arguments)
    out = []
    for name, pred in classes.items():
        try:
            if pred(a):
                out.append(name)
        except Exception:  # a predicate that does not apply to this case (e.g. a shape it cannot read)
            pass
    return out
