r"""The schedule explorer: a learning-rate schedule as ``lessons_lib``, PyTorch and Keras 3 compute it.

Three layers, so that the part that computes is tested and timed apart from the part that draws:

* :func:`schedule_curves` (pure): builds the schedule called ``name`` from :data:`SCHEDULES` with ``params`` and
  returns its curve :math:`\eta_k`, :math:`k = 0, \dots, \text{steps}-1`, three times: from ``lessons_lib``, from
  the real PyTorch scheduler stepped once per update after ``optimizer.step()``, and from the real Keras
  ``LearningRateSchedule`` evaluated at Keras's iteration counts. Where a framework has no exact equivalent its
  curve is ``None`` and the :class:`~lessons_lib.schedules.NoEquivalentError` message says why;
* :func:`static_figure`: the three curves overlaid, and how far each framework is from ``lessons_lib``, as the
  HTML book shows it;
* :func:`explorer`: ipywidgets controls (the schedule, its parameters, the number of updates) that redraw the
  figure; it needs a notebook (Jupyter, Colab) to be interactive.

Every schedule class of :mod:`lessons_lib.schedules` appears in :data:`SCHEDULES` (ReduceLROnPlateau excepted: it
is driven by a metric, not by the update index, and has its own chapter).
"""

from __future__ import annotations

import difflib
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .._checks import check_int
from ..schedules import (
    Chained,
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    Lambda,
    LinearWarmup,
    MultiStep,
    Multiplicative,
    NoEquivalentError,
    OneCycle,
    PiecewiseConstant,
    PolynomialDecay,
    Schedule,
    Sequence as ScheduleSequence,
    StepDecay,
    per_epoch,
    warmup_cosine,
)

__all__ = ["Param", "SCHEDULES", "make_schedule", "default_params", "inverse_sqrt", "torch_curve", "keras_curve",
           "schedule_curves", "static_figure", "explorer"]


@dataclass(frozen=True)
class Param:
    """One parameter of a schedule: its default and how the explorer offers it.

    ``kind`` is ``"float"`` (a slider from ``lo`` to ``hi``), ``"logfloat"`` (a log slider, ``lo`` and ``hi`` are
    powers of ten), ``"int"``, ``"bool"``, ``"choice"`` (one of ``choices``) or ``"ints"``/``"floats"`` (a
    comma-separated list typed into a text box).
    """

    default: Any
    kind: str
    lo: float = 0.0
    hi: float = 1.0
    choices: tuple[str, ...] = ()


def inverse_sqrt(d_model: int = 512, warmup_steps: int = 4000, scale: float = 1.0) -> Lambda:
    r"""The schedule of the original Transformer (Vaswani et al., 2017), as a :class:`~lessons_lib.schedules.Lambda`:

    .. math:: \eta_k = s\, d_{\text{model}}^{-1/2} \min\bigl((k+1)^{-1/2},\ (k+1)\, W^{-3/2}\bigr)

    (the paper's ``step_num`` is the 1-based update :math:`t = k + 1`): a linear warmup over :math:`W` updates
    that peaks at :math:`s\,(d_{\text{model}} W)^{-1/2}`, then decay as :math:`1/\sqrt{t}`. PyTorch runs it as
    ``LambdaLR``; Keras needs a custom ``LearningRateSchedule`` (no built-in one has this shape).
    """
    d = check_int("d_model", d_model, minimum=1)
    w = check_int("warmup_steps", warmup_steps, minimum=1)

    def factor(k: int) -> float:
        t = k + 1
        return d**-0.5 * min(t**-0.5, t * w**-1.5)

    return Lambda(factor, lr=scale)


def _cyclic(base_lr: float, max_lr: float, step_size_up: int, mode: str, gamma: float) -> Cyclic:
    return Cyclic(base_lr, max_lr, step_size_up=step_size_up, mode=mode, gamma=gamma)


def _warmup_exponential(peak_lr: float, warmup_steps: int, start_lr: float, decay_rate: float,
                        decay_steps: int) -> LinearWarmup:
    return LinearWarmup(ExponentialDecay(peak_lr, decay_rate, decay_steps), warmup_steps, start_lr=start_lr)


def _per_epoch_step(lr: float, steps_per_epoch: int, step_size: int, gamma: float) -> Schedule:
    return per_epoch(StepDecay(lr, step_size, gamma), steps_per_epoch)


def _multiplicative(lr: float, factor: float) -> Multiplicative:
    return Multiplicative(lambda k: factor, lr=lr)


def _chained_step_exponential(lr: float, step_size: int, gamma: float, decay_rate: float) -> Chained:
    return Chained([StepDecay(lr, step_size, gamma), ExponentialDecay(lr, decay_rate)])


def _constant_then_cosine(lr: float, hold_steps: int, decay_steps: int, eta_min: float) -> ScheduleSequence:
    return ScheduleSequence([Constant(lr), CosineAnnealing(lr, decay_steps, eta_min=eta_min)], [hold_steps])


def _warmup_stable_decay(lr: float, warmup_steps: int, stable_steps: int, decay_steps: int) -> Schedule:
    return LinearWarmup(ScheduleSequence([Constant(lr), PolynomialDecay(lr, decay_steps)], [stable_steps]), warmup_steps)


_LR = Param(0.1, "logfloat", -4, 0)
_GAMMA = Param(0.5, "float", 0.05, 1.0)

# name -> (builder, its parameters, one line shown in the explorer)
SCHEDULES: dict[str, tuple[Callable[..., Schedule], dict[str, Param], str]] = {
    "constant": (Constant, {"lr": _LR}, "a fixed rate"),
    "step": (StepDecay, {"lr": _LR, "step_size": Param(60, "int", 1, 500), "gamma": _GAMMA},
             "multiply by gamma every step_size updates"),
    "multistep": (MultiStep, {"lr": _LR, "milestones": Param((100, 200), "ints"), "gamma": Param(0.1, "float", 0.01, 1)},
                  "multiply by gamma at each milestone"),
    "exponential": (ExponentialDecay, {"lr": _LR, "decay_rate": Param(0.5, "float", 0.01, 1.0),
                                       "decay_steps": Param(50, "int", 1, 500), "staircase": Param(False, "bool")},
                    "lr * decay_rate^(k / decay_steps)"),
    "inverse_time": (InverseTimeDecay, {"lr": _LR, "decay_rate": Param(1.0, "float", 0.0, 5.0),
                                        "decay_steps": Param(30, "int", 1, 500), "staircase": Param(False, "bool")},
                     "lr / (1 + decay_rate * k / decay_steps)"),
    "polynomial": (PolynomialDecay, {"lr": _LR, "decay_steps": Param(200, "int", 1, 1000),
                                     "end_lr": Param(0.0, "float", 0.0, 0.1), "power": Param(2.0, "float", 0.1, 5.0),
                                     "cycle": Param(False, "bool")},
                   "(lr - end_lr)(1 - k/D)^power + end_lr"),
    "piecewise": (PiecewiseConstant, {"boundaries": Param((80, 160), "ints"),
                                      "values": Param((0.1, 0.03, 0.01), "floats")},
                  "values[i] between boundaries"),
    "cosine": (CosineAnnealing, {"lr": _LR, "T_max": Param(200, "int", 1, 1000),
                                 "eta_min": Param(0.001, "float", 0.0, 0.1), "periodic": Param(False, "bool")},
               "half a cosine from lr to eta_min over T_max updates"),
    "cosine_restarts": (CosineWarmRestarts, {"lr": _LR, "T_0": Param(50, "int", 1, 500),
                                             "T_mult": Param(2, "int", 1, 4), "eta_min": Param(0.001, "float", 0.0, 0.1),
                                             "peak_decay": Param(1.0, "float", 0.1, 1.0)},
                        "SGDR: cosine cycles of length T_0 * T_mult^i"),
    "cyclic": (_cyclic, {"base_lr": Param(0.01, "logfloat", -4, 0), "max_lr": _LR,
                         "step_size_up": Param(50, "int", 1, 500),
                         "mode": Param("triangular", "choice", choices=("triangular", "triangular2", "exp_range")),
                         "gamma": Param(0.995, "float", 0.9, 1.0)},
               "triangle waves between base_lr and max_lr"),
    "one_cycle": (OneCycle, {"max_lr": _LR, "total_steps": Param(300, "int", 2, 1000),
                             "pct_start": Param(0.3, "float", 0.05, 0.95),
                             "anneal_strategy": Param("cos", "choice", choices=("cos", "linear")),
                             "div_factor": Param(25.0, "float", 1.0, 100.0),
                             "final_div_factor": Param(1e4, "logfloat", 0, 5), "three_phase": Param(False, "bool")},
                  "one cycle up and down over total_steps"),
    "warmup_cosine": (warmup_cosine, {"peak_lr": _LR, "warmup_steps": Param(30, "int", 1, 500),
                                      "decay_steps": Param(270, "int", 1, 1000), "start_lr": Param(0.0, "float", 0, 0.1),
                                      "end_lr": Param(0.0, "float", 0.0, 0.1)},
                      "linear warmup, then cosine (the transformer recipe)"),
    "warmup_exponential": (_warmup_exponential, {"peak_lr": _LR, "warmup_steps": Param(30, "int", 1, 500),
                                                 "start_lr": Param(0.01, "float", 0.0, 0.1),
                                                 "decay_rate": Param(0.5, "float", 0.01, 1.0),
                                                 "decay_steps": Param(50, "int", 1, 500)},
                           "linear warmup, then exponential decay"),
    "inverse_sqrt": (inverse_sqrt, {"d_model": Param(512, "int", 16, 2048), "warmup_steps": Param(40, "int", 1, 500),
                                    "scale": Param(1.0, "float", 0.1, 5.0)},
                     "Vaswani et al.: warmup, then 1/sqrt(t)"),
    "constant_then_cosine": (_constant_then_cosine, {"lr": _LR, "hold_steps": Param(100, "int", 1, 500),
                                                     "decay_steps": Param(200, "int", 1, 1000),
                                                     "eta_min": Param(0.0, "float", 0.0, 0.1)},
                             "a Sequence: hold lr, then cosine"),
    "warmup_stable_decay": (_warmup_stable_decay, {"lr": _LR, "warmup_steps": Param(20, "int", 1, 500),
                                                   "stable_steps": Param(200, "int", 1, 1000),
                                                   "decay_steps": Param(60, "int", 1, 500)},
                            "warmup, hold, then a linear decay (WSD; chapter 17 compares it with schedule-free)"),
    "multiplicative": (_multiplicative, {"lr": _LR, "factor": Param(0.99, "float", 0.9, 1.0)},
                       "multiply the rate by factor at every update (MultiplicativeLR)"),
    "chained": (_chained_step_exponential, {"lr": _LR, "step_size": Param(100, "int", 1, 500), "gamma": _GAMMA,
                                            "decay_rate": Param(0.995, "float", 0.9, 1.0)},
                "step decay times exponential decay (ChainedScheduler)"),
    "per_epoch_step": (_per_epoch_step, {"lr": _LR, "steps_per_epoch": Param(20, "int", 1, 200),
                                         "step_size": Param(3, "int", 1, 20), "gamma": _GAMMA},
                       "step decay counted in epochs (PerEpoch)"),
}
"""The schedules the explorer offers: ``name -> (builder, {parameter: Param}, description)``."""


def _closest(value: str, choices: Sequence[str]) -> str:
    near = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _spec(name: Any) -> tuple[Callable[..., Schedule], dict[str, Param], str]:
    if not isinstance(name, str) or name not in SCHEDULES:
        hint = _closest(name, list(SCHEDULES)) if isinstance(name, str) else ""
        raise ValueError(f"name must be one of {', '.join(map(repr, SCHEDULES))}; got {name!r}{hint}")
    return SCHEDULES[name]


def default_params(name: str) -> dict[str, Any]:
    """The explorer's starting parameters for the schedule ``name``."""
    return {p: spec.default for p, spec in _spec(name)[1].items()}


def make_schedule(name: str, params: Mapping[str, Any] | None = None) -> Schedule:
    """The schedule ``name`` (a key of :data:`SCHEDULES`) with ``params`` over its defaults.

    A parameter the schedule does not take raises ``ValueError`` naming the ones it takes; values are checked by
    the schedule's own constructor (which names the parameter and the allowed range).
    """
    builder, spec, _ = _spec(name)
    params = dict(params or {})
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r} for schedule {name!r}; it takes "
                         f"{', '.join(map(repr, spec))}" + _closest(unknown[0], list(spec)))
    return builder(**{**default_params(name), **params})


def _scheduler_name(sched: Any) -> str:
    """``StepLR``, or ``SequentialLR(LinearLR, ExponentialLR)`` for a composite torch scheduler."""
    inner = getattr(sched, "_schedulers", None)
    name = type(sched).__name__
    return f"{name}({', '.join(type(s).__name__ for s in inner)})" if inner else name


def torch_curve(schedule: Schedule, steps: int) -> tuple[np.ndarray, str]:
    """The rates PyTorch uses for updates ``1..steps``, and the scheduler's name.

    A real ``torch.optim.SGD`` (momentum 0.9, so that ``CyclicLR``/``OneCycleLR`` may cycle it) gets
    ``schedule.torch_scheduler(opt)``; each update records ``param_groups[0]["lr"]``, calls ``optimizer.step()``
    and then ``scheduler.step()``. Where the scheduler raises part way (``OneCycleLR`` stepped past
    ``total_steps``), the remaining rates are NaN and the note quotes the error. Raises :class:`NoEquivalentError`
    where PyTorch has no equivalent.
    """
    from .._lazy import import_torch

    torch = import_torch()
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, momentum=0.9)
    sched = schedule.torch_scheduler(opt)
    out = np.full(steps, np.nan)
    name = _scheduler_name(sched)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        p.grad = torch.zeros(1)
        for i in range(steps):
            out[i] = opt.param_groups[0]["lr"]
            opt.step()
            try:
                sched.step()
            except ValueError as exc:  # OneCycleLR refuses to go past total_steps
                if i + 1 < steps:
                    return out, f"{name}, which stops after update {i + 1}: ValueError: {exc}"
    return out, name


def keras_curve(schedule: Schedule, steps: int) -> tuple[np.ndarray, str]:
    """``schedule.keras_schedule()`` evaluated at Keras's iteration counts ``0..steps-1``, and its class name.

    A Keras optimizer calls its schedule with ``iterations`` before the increment, so update ``t`` uses
    ``schedule(t - 1)``. Calling the schedule once per count costs milliseconds each in eager TensorFlow, so it is
    called once with the whole vector of counts (its ops are elementwise); ``CosineDecay`` with warmup branches
    with ``ops.cond``, which needs a scalar, and is mapped over the counts with ``keras.ops.vectorized_map``
    instead. Both give what the per-count calls give (the tests check it). Raises :class:`NoEquivalentError`
    where Keras has no equivalent.
    """
    from .._lazy import import_keras

    keras = import_keras()
    ks = schedule.keras_schedule()
    if isinstance(ks, (int, float)):
        return np.full(steps, float(ks)), "a float learning_rate"
    counts = np.arange(steps, dtype=np.int64)
    try:
        values = ks(counts)
    except (ValueError, TypeError):  # ops.cond on a vector: evaluate element by element
        values = keras.ops.vectorized_map(ks, counts)
    out = np.asarray(keras.ops.convert_to_numpy(values), dtype=np.float64).reshape(-1)
    if out.shape != (steps,):
        out = np.broadcast_to(out, (steps,)).copy()
    return out, type(ks).__name__


def schedule_curves(name: str, params: Mapping[str, Any] | None = None, steps: int = 300) -> dict[str, Any]:
    r"""The schedule's rates for ``k = 0..steps-1`` in ``lessons_lib``, PyTorch and Keras 3.

    Returns a dict with

    * ``"k"``: ``np.arange(steps)``;
    * ``"lessons_lib"``: ``schedule(k)``;
    * ``"torch"``, ``"keras"``: the framework's curve (see :func:`torch_curve`, :func:`keras_curve`), or ``None``
      where it has no exact equivalent or is not installed;
    * ``"notes"``: ``{"torch": ..., "keras": ...}``, the framework class used, or why the curve is ``None``
      (the :class:`NoEquivalentError` message);
    * ``"max_abs_diff"``: ``{"torch": ..., "keras": ...}``, the largest :math:`|\eta^{\text{fw}}_k - \eta_k|`
      over the updates the framework ran (``None`` where there is no curve);
    * ``"seconds"``: the compute time of each of the three curves;
    * ``"schedule"``: the schedule object.
    """
    steps = check_int("steps", steps, minimum=1)
    schedule = make_schedule(name, params)
    t0 = time.perf_counter()
    k = np.arange(steps)
    ours = np.asarray(schedule(k), dtype=np.float64)
    seconds = {"lessons_lib": time.perf_counter() - t0}
    result: dict[str, Any] = {"k": k, "lessons_lib": ours, "schedule": schedule, "notes": {}, "max_abs_diff": {}}
    from .._lazy import has_keras, has_torch

    for fw, available, fn, missing in [("torch", has_torch(), torch_curve, "PyTorch is not installed here"),
                                       ("keras", has_keras(), keras_curve, "TensorFlow/Keras is not installed here")]:
        t0 = time.perf_counter()
        curve, note = None, missing
        if available:
            try:
                curve, note = fn(schedule, steps)
            except NoEquivalentError as exc:
                curve, note = None, str(exc)
        seconds[fw] = time.perf_counter() - t0
        result[fw] = curve
        result["notes"][fw] = note
        result["max_abs_diff"][fw] = None if curve is None else float(np.nanmax(np.abs(curve - ours)))
    result["seconds"] = seconds
    return result


def static_figure(name: str, params: Mapping[str, Any] | None = None, steps: int = 300,
                  curves: Mapping[str, Any] | None = None, log: bool = False) -> Any:
    r"""The three curves overlaid (left) and each framework's distance from ``lessons_lib`` (right).

    This is the figure the HTML book shows in place of the widget. ``curves`` (a result of
    :func:`schedule_curves` for these arguments) skips the computation. A framework without an equivalent is named
    in the legend with the start of its reason. Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    from ..plots import COLORS

    c = schedule_curves(name, params, steps) if curves is None else curves
    k = c["k"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2), constrained_layout=True,
                                   gridspec_kw={"width_ratios": [1.6, 1]})
    ax1.plot(k, c["lessons_lib"], color="0.75", lw=5, label="lessons_lib")
    styles = {"torch": ("PyTorch", COLORS[0], "--"), "keras": ("Keras", COLORS[1], ":")}
    for fw, (label, color, ls) in styles.items():
        note = c["notes"][fw]
        if c[fw] is None:
            ax1.plot([], [], color=color, ls=ls, label=f"{label}: none ({_short(note)})")
            continue
        ax1.plot(k, c[fw], color=color, ls=ls, lw=1.8, label=f"{label} {_short(note)}")
        diff = np.abs(c[fw] - c["lessons_lib"])
        ax2.plot(k, np.maximum(diff, 1e-18), color=color, ls=ls, lw=1.5, label=label)
    if log:
        ax1.set_yscale("log")
    ax1.set_xlabel("update index $k$")
    ax1.set_ylabel(r"learning rate $\eta_k$")
    ax1.set_title(f"{name}: {SCHEDULES[name][2]}", fontsize=10)
    ax1.legend(fontsize=8, loc="best")
    ax1.grid(True, alpha=0.3)
    ax2.set_yscale("log")
    ax2.set_ylim(1e-18, 1.0)
    ax2.axhline(1e-12, color="k", lw=0.6, ls="-.")
    ax2.set_xlabel("update index $k$")
    ax2.set_ylabel("|framework − lessons_lib|")
    ax2.set_title("distance from lessons_lib (0 drawn at 1e-18)", fontsize=10)
    if ax2.lines[1:]:
        ax2.legend(fontsize=8)
    ax2.grid(True, alpha=0.3)
    return fig


def _short(note: str, n: int = 60) -> str:
    first = note.split(". ")[0].split("; ")[0].split(": ")[0]
    return first if len(first) <= n else first[: n - 3] + "..."


def _widget_for(pname: str, p: Param, value: Any) -> Any:
    import ipywidgets as w

    common = dict(description=pname, continuous_update=False, style={"description_width": "initial"})
    if p.kind == "float":
        return w.FloatSlider(value=value, min=p.lo, max=p.hi, step=(p.hi - p.lo) / 200, readout_format=".4g",
                             **common)
    if p.kind == "logfloat":
        return w.FloatLogSlider(value=value, base=10, min=p.lo, max=p.hi, step=0.05, readout_format=".2e", **common)
    if p.kind == "int":
        return w.IntSlider(value=value, min=int(p.lo), max=int(p.hi), step=1, **common)
    if p.kind == "bool":
        return w.Checkbox(value=value, description=pname, indent=False)
    if p.kind == "choice":
        return w.Dropdown(options=list(p.choices), value=value, description=pname)
    return w.Text(value=", ".join(str(v) for v in value), description=pname, continuous_update=False)


def _read(p: Param, widget: Any) -> Any:
    if p.kind == "ints":
        return [int(s) for s in widget.value.replace(" ", "").split(",") if s]
    if p.kind == "floats":
        return [float(s) for s in widget.value.replace(" ", "").split(",") if s]
    return widget.value


def explorer(name: str = "warmup_cosine", params: Mapping[str, Any] | None = None, steps: int = 300,
             show: bool = True) -> Any:
    """An ipywidgets UI around :func:`schedule_curves` and :func:`static_figure`; returns the widget box.

    Controls: the schedule, one control per parameter (rebuilt when the schedule changes), the number of updates,
    and a log-scale switch. The figure redraws when a control is released; invalid values (a bad list, a
    parameter out of range) show the error message instead. ``show=False`` builds the widgets without displaying
    them (for tests).
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    start = {**default_params(name), **dict(params or {})}
    make_schedule(name, start)  # fail early, with the schedule's own message
    choice_w = w.Dropdown(options=list(SCHEDULES), value=name, description="schedule")
    steps_w = w.IntSlider(value=steps, min=10, max=2000, step=10, description="updates", continuous_update=False)
    log_w = w.Checkbox(value=False, description="log scale", indent=False)
    box = w.VBox()
    info = w.HTML()
    out = w.Output()
    controls: dict[str, Any] = {}

    def redraw(*_: Any) -> None:
        spec = SCHEDULES[choice_w.value][1]
        with out:
            out.clear_output(wait=True)
            try:
                values = {p: _read(spec[p], c) for p, c in controls.items()}
                c = schedule_curves(choice_w.value, values, steps_w.value)
            except (TypeError, ValueError) as err:
                info.value = f"<span style='color:#d62728'>{err}</span>"
                return
            ms = {fw: f"{s * 1e3:.0f} ms" for fw, s in c["seconds"].items()}
            diffs = ", ".join(f"{fw}: max |diff| = {d:.1e}" for fw, d in c["max_abs_diff"].items() if d is not None)
            missing = "".join(f"<br>{fw}: {c['notes'][fw]}" for fw in ("torch", "keras") if c[fw] is None)
            info.value = f"<small>computed in {ms}. {diffs}{missing}</small>"
            fig = static_figure(choice_w.value, values, steps_w.value, curves=c, log=log_w.value)
            display(fig)
            plt.close(fig)

    def rebuild(values: Mapping[str, Any]) -> None:
        for c in controls.values():
            c.unobserve(redraw, names="value")
        controls.clear()
        for pname, p in SCHEDULES[choice_w.value][1].items():
            controls[pname] = _widget_for(pname, p, values.get(pname, p.default))
            controls[pname].observe(redraw, names="value")
        rows = list(controls.values())
        box.children = [w.HBox(rows[i:i + 3]) for i in range(0, len(rows), 3)]

    def new_schedule(change: Any) -> None:
        rebuild(default_params(change["new"]))
        redraw()

    rebuild(start)
    choice_w.observe(new_schedule, names="value")
    steps_w.observe(redraw, names="value")
    log_w.observe(redraw, names="value")
    ui = w.VBox([w.HBox([choice_w, steps_w, log_w]), box, info, out])
    redraw()
    if show:
        display(ui)
    return ui
