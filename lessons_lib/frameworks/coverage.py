"""Which lessons_lib twin reproduces each optimizer and schedule of PyTorch and Keras, and how closely.

``COVERAGE`` maps every public optimizer class of ``torch.optim`` and ``keras.optimizers``, every scheduler of
``torch.optim.lr_scheduler`` and every schedule of ``keras.optimizers.schedules`` (plus Keras's two
learning-rate callbacks) to its twin and the **worst error the conformance tests allow** for it, or to the reason
there is none. The bounds are not typed-in measurements: the conformance tests read them from this table and
assert them (``benchmarks/conformance_report.py`` prints the measured values), and ``tests/test_coverage.py``
fails when an installed framework has a class the table does not mention.

Error measures: optimizers, ``max|ours - theirs| / max(1, max|theirs|)`` over every update (float64, at least
300 updates); schedules, the worst relative error of the learning rate over at least 1000 updates; plateau
schedulers, the relative error of every epoch's rate (and the counters must be equal).
"""

from __future__ import annotations

import inspect
from typing import NamedTuple, Optional

__all__ = ["Coverage", "COVERAGE", "OPTIMIZER_TOL", "SCHEDULE_TOL", "PLATEAU_TOL", "framework_classes",
           "coverage_markdown"]

OPTIMIZER_TOL = 1e-10
SCHEDULE_TOL = 1e-12
PLATEAU_TOL = 1e-15


class Coverage(NamedTuple):
    twin: Optional[str]  # the lessons_lib object that reproduces it (None: no twin)
    bound: Optional[float]  # the worst conformance error the tests assert (None: no twin)
    note: str  # conditions and differences, or why there is no twin


def _twin(twin: str, bound: float, note: str = "") -> Coverage:
    return Coverage(twin, bound, note)


def _none(reason: str) -> Coverage:
    return Coverage(None, None, reason)


_O, _S = OPTIMIZER_TOL, SCHEDULE_TOL
_BASE = "base class that every optimizer subclasses; not an algorithm"

COVERAGE: dict[str, Coverage] = {
    # ------------------------------------------------------------------ torch.optim
    "torch.optim.ASGD": _twin("optimizers.ASGD", _O),
    "torch.optim.Adadelta": _twin("optimizers.Adadelta", _O),
    "torch.optim.Adafactor": _twin("optimizers.Adafactor", _O),
    "torch.optim.Adagrad": _twin("optimizers.Adagrad", _O),
    "torch.optim.Adam": _twin("optimizers.Adam", _O),
    "torch.optim.AdamW": _twin("optimizers.AdamW", _O),
    "torch.optim.Adamax": _twin("optimizers.Adamax", _O),
    "torch.optim.LBFGS": _twin("optimizers.LBFGS", _O, "step(params, fun, state) with fun -> (loss, grad) is "
                               "torch's step(closure); both line-search modes"),
    "torch.optim.Muon": _twin("optimizers.Muon", _O, "with torch's Newton-Schulz run in float64; torch "
                               "runs it in bfloat16, which moves the trajectory by about 1e-3 (measured in the tests)"),
    "torch.optim.NAdam": _twin("optimizers.NAdam", _O),
    "torch.optim.Optimizer": _none(_BASE),
    "torch.optim.RAdam": _twin("optimizers.RAdam", _O),
    "torch.optim.RMSprop": _twin("optimizers.RMSprop", _O),
    "torch.optim.Rprop": _twin("optimizers.Rprop", _O),
    "torch.optim.SGD": _twin("optimizers.SGD", _O),
    "torch.optim.SparseAdam": _twin("optimizers.SparseAdam", _O, "dense arrays; updates only where the gradient "
                                    "is nonzero (torch: the sparse gradient's stored entries)"),
    # ------------------------------------------------------------------ keras.optimizers
    "keras.optimizers.Adadelta": _twin("optimizers.Adadelta.from_keras", _O),
    "keras.optimizers.Adafactor": _twin("optimizers.Adafactor.from_keras", _O, "relative_step has no effect "
                                        "in Keras 3 (measured)"),
    "keras.optimizers.Adagrad": _twin("optimizers.Adagrad.from_keras", _O),
    "keras.optimizers.Adam": _twin("optimizers.Adam.from_keras", _O),
    "keras.optimizers.AdamW": _twin("optimizers.AdamW.from_keras", _O),
    "keras.optimizers.Adamax": _twin("optimizers.Adamax.from_keras", _O),
    "keras.optimizers.Ftrl": _twin("optimizers.Ftrl", _O),
    "keras.optimizers.Lamb": _twin("optimizers.Lamb.from_keras", _O),
    "keras.optimizers.Lion": _twin("optimizers.Lion.from_keras", _O),
    "keras.optimizers.LossScaleOptimizer": _none("wrapper for mixed precision (scales the loss, unscales the "
                                                 "gradients, skips steps that overflow); not an update rule"),
    "keras.optimizers.MultiOptimizer": _none("wrapper that hands different variables to different optimizers; "
                                             "not an update rule (use one lessons_lib optimizer per subset)"),
    "keras.optimizers.Muon": _twin("optimizers.Muon.from_keras", _O, "matrices get Muon, other weights AdamW"),
    "keras.optimizers.Nadam": _twin("optimizers.NAdam.from_keras", _O, "on the TensorFlow backend Keras rounds "
                                    "0.96 to float32 inside update_step (about 1e-9 after 500 updates); the test "
                                    "reproduces that quirk"),
    "keras.optimizers.Optimizer": _none(_BASE),
    "keras.optimizers.OptimizerMap": _none("the variable-to-optimizer mapping MultiOptimizer uses; not an "
                                           "update rule"),
    "keras.optimizers.RMSprop": _twin("optimizers.RMSprop.from_keras", _O),
    "keras.optimizers.SGD": _twin("optimizers.SGD.from_keras", _O),
    "keras.optimizers.ScheduleFreeAdamW": _twin("optimizers.ScheduleFreeAdamW.from_keras", _O, "Keras recovers "
                                                "x with the updated z, unlike the paper (measured)"),
    # ------------------------------------------------------------------ torch.optim.lr_scheduler
    "torch.optim.lr_scheduler.ChainedScheduler": _twin("schedules.Chained", _S, "the product of its members' "
                                                       "factors; torch's recursive CosineAnnealingLR etc. are not "
                                                       "factors (the builder falls back to LambdaLR)"),
    "torch.optim.lr_scheduler.ConstantLR": _twin("schedules.Constant(factor=, total_iters=)", _S),
    "torch.optim.lr_scheduler.CosineAnnealingLR": _twin("schedules.CosineAnnealing(periodic=True)", _S),
    "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts": _twin(
        "schedules.CosineWarmRestarts", _S, "step() per update; fractional epochs step(k / n): "
        "steps_per_epoch=n, restart_arithmetic='torch_epoch'"),
    "torch.optim.lr_scheduler.CyclicLR": _twin("schedules.Cyclic", _S, "including scale_fn / scale_mode"),
    "torch.optim.lr_scheduler.ExponentialLR": _twin("schedules.ExponentialDecay", _S),
    "torch.optim.lr_scheduler.LRScheduler": _none("base class of the schedulers; not a schedule"),
    "torch.optim.lr_scheduler.LambdaLR": _twin("schedules.Lambda", _S),
    "torch.optim.lr_scheduler.LinearLR": _twin("schedules.PolynomialDecay(power=1) / LinearWarmup", _S),
    "torch.optim.lr_scheduler.MultiStepLR": _twin("schedules.MultiStep", _S),
    "torch.optim.lr_scheduler.MultiplicativeLR": _twin("schedules.Multiplicative", _S),
    "torch.optim.lr_scheduler.OneCycleLR": _twin("schedules.OneCycle", _S, "total_steps, or epochs and "
                                                 "steps_per_epoch"),
    "torch.optim.lr_scheduler.PolynomialLR": _twin("schedules.PolynomialDecay", _S),
    "torch.optim.lr_scheduler.ReduceLROnPlateau": _twin("schedules.ReduceLROnPlateau", PLATEAU_TOL,
                                                        "also a per-group min_lr list"),
    "torch.optim.lr_scheduler.SequentialLR": _twin("schedules.Sequence / LinearWarmup", _S, "each member restarts "
                                                   "its count at its milestone, from the shared base lr"),
    "torch.optim.lr_scheduler.StepLR": _twin("schedules.StepDecay", _S),
    "torch.optim.lr_scheduler._LRScheduler": _none("deprecated alias of LRScheduler (base class)"),
    # ------------------------------------------------------------------ keras.optimizers.schedules
    "keras.optimizers.schedules.CosineDecay": _twin("schedules.CosineAnnealing / warmup_cosine", _S),
    "keras.optimizers.schedules.CosineDecayRestarts": _twin(
        "schedules.CosineWarmRestarts(restart_arithmetic='keras')", _S, "Keras finds the restart with a "
        "floating-point log and misses some restarts (t_mul=3: k = 847); also non-integer t_mul"),
    "keras.optimizers.schedules.ExponentialDecay": _twin("schedules.ExponentialDecay", _S),
    "keras.optimizers.schedules.InverseTimeDecay": _twin("schedules.InverseTimeDecay", _S),
    "keras.optimizers.schedules.LearningRateSchedule": _none("base class of the schedules; not a schedule"),
    "keras.optimizers.schedules.PiecewiseConstantDecay": _twin("schedules.PiecewiseConstant / MultiStep", _S,
                                                               "Keras's boundaries are one update later"),
    "keras.optimizers.schedules.PolynomialDecay": _twin("schedules.PolynomialDecay", _S),
    # ------------------------------------------------------------------ Keras's learning-rate callbacks
    "keras.callbacks.LearningRateScheduler": _twin("Schedule.keras_callback()", _S, "per epoch"),
    "keras.callbacks.ReduceLROnPlateau": _twin("schedules.ReduceLROnPlateau.from_keras", PLATEAU_TOL,
                                               "rates and state (wait, cooldown, cuts); mode='auto'"),
}


def framework_classes() -> list[str]:
    """The public optimizer and schedule classes of the installed torch and Keras, as ``COVERAGE`` keys."""
    from .._lazy import import_keras, import_torch

    torch, keras = import_torch(), import_keras()
    names = []
    for n, obj in vars(torch.optim).items():
        if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer):
            names.append(f"torch.optim.{n}")
    sched = torch.optim.lr_scheduler
    for n, obj in vars(sched).items():
        if inspect.isclass(obj) and obj.__module__ == sched.__name__ and (
                issubclass(obj, sched.LRScheduler) or n == "ReduceLROnPlateau"):
            names.append(f"torch.optim.lr_scheduler.{n}")
    for n in dir(keras.optimizers):
        if inspect.isclass(getattr(keras.optimizers, n)):
            names.append(f"keras.optimizers.{n}")
    for n in dir(keras.optimizers.schedules):
        if inspect.isclass(getattr(keras.optimizers.schedules, n)):
            names.append(f"keras.optimizers.schedules.{n}")
    return sorted(names)


def coverage_markdown() -> str:
    """The table as Markdown: framework class, lessons_lib twin, worst error allowed, notes or reason."""
    rows = ["| framework class | lessons_lib twin | worst error (asserted) | note or reason |", "|---|---|---:|---|"]
    for name, c in COVERAGE.items():
        twin = f"`{c.twin}`" if c.twin else "none"
        bound = f"{c.bound:.0e}" if c.bound is not None else ""
        rows.append(f"| `{name}` | {twin} | {bound} | {c.note} |")
    return "\n".join(rows)
