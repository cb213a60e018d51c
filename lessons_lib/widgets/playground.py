r"""The optimizer playground: trajectories of several optimizers on a 2-D test function.

Three layers, so that the part that computes is tested and timed apart from the part that draws:

* :func:`compute_trajectories` (pure): runs each configured optimizer from one start point on one of
  :data:`lessons_lib.problems.OBJECTIVES` and returns ``{label: Trajectory}``; its result equals
  ``train.minimize(optimizer, f, grad, start, steps)`` exactly, only faster (see :func:`descend`);
* :func:`static_figure`: the contour map with the trajectories and the loss curves, as the HTML book shows it;
* :func:`playground`: ipywidgets controls (function, up to four optimizers with their learning rates, momentum,
  betas, steps, start point) that redraw the figure; it needs a notebook (Jupyter, Colab) to be interactive.

A config is a dict such as ``{"optimizer": "Adam", "lr": 0.05, "betas": (0.9, 0.99)}``; see :func:`make_optimizer`.
"""

from __future__ import annotations

import difflib
import math
import time
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .._checks import check_int, check_number
from ..optimizers import (SGD, Adafactor, Adagrad, Adam, Adamax, AdamW, Lamb, Lion, NAdam, Optimizer, RAdam, RMSprop,
                          ScheduleFreeSGD, Shampoo)
from ..problems import OBJECTIVES, Objective
from ..train import Trajectory, minimize

__all__ = ["OPTIMIZERS", "HYPERPARAMETERS", "make_optimizer", "descend", "compute_trajectories", "static_figure",
           "playground"]

# name -> (class, the hyperparameters it takes from a config, fixed keyword arguments, playground defaults)
_SPECS: dict[str, tuple[type[Optimizer], tuple[str, ...], dict[str, Any], dict[str, Any]]] = {
    "SGD": (SGD, ("lr",), {}, {}),
    "SGD+momentum": (SGD, ("lr", "momentum"), {}, {"momentum": 0.9}),
    "Nesterov": (SGD, ("lr", "momentum"), {"nesterov": True}, {"momentum": 0.9}),
    "Adagrad": (Adagrad, ("lr",), {}, {}),
    "RMSprop": (RMSprop, ("lr", "alpha"), {}, {}),
    "Adam": (Adam, ("lr", "betas"), {}, {}),
    "AdamW": (AdamW, ("lr", "betas", "weight_decay"), {}, {}),
    "NAdam": (NAdam, ("lr", "betas"), {}, {}),
    "RAdam": (RAdam, ("lr", "betas"), {}, {}),
    "Adamax": (Adamax, ("lr", "betas"), {}, {}),
    "Lion": (Lion, ("lr", "betas", "weight_decay"), {}, {}),
    "Lamb": (Lamb, ("lr", "betas", "weight_decay"), {}, {}),
    "Adafactor": (Adafactor, ("lr", "weight_decay"), {}, {}),
    "Shampoo": (Shampoo, ("lr",), {}, {}),
    "Schedule-free SGD": (ScheduleFreeSGD, ("lr", "momentum", "weight_decay"), {}, {}),
}

OPTIMIZERS: tuple[str, ...] = tuple(_SPECS)
"""The optimizer names the playground offers. ``SGD`` is plain (full-batch) gradient descent here. On a 2-D point,
``Shampoo`` is full-matrix AdaGrad, ``Adafactor`` keeps its unfactored (vector) form, ``Lamb``'s trust ratio makes
every step ``lr`` times the point's norm, and ``Schedule-free SGD`` draws the training point y (``momentum`` is its
interpolation weight). ``Muon`` needs matrices and is not offered."""

HYPERPARAMETERS: tuple[str, ...] = ("lr", "momentum", "betas", "alpha", "weight_decay")
"""The hyperparameter keys a config may hold (with ``"optimizer"`` and an optional ``"label"``)."""


def _closest(value: str, choices: Sequence[str]) -> str:
    near = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _optimizer_name(name: Any) -> str:
    """The canonical spelling of ``name``; case, spaces, ``-`` and ``_`` do not matter (``"sgd + Momentum"``)."""
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name (str), one of {', '.join(map(repr, OPTIMIZERS))}; got {name!r}")
    def norm(n: str) -> str:
        return n.lower().replace(" ", "").replace("-", "").replace("_", "")

    for canonical in OPTIMIZERS:
        if norm(canonical) == norm(name):
            return canonical
    raise ValueError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}; got {name!r}"
                     + _closest(name, OPTIMIZERS))


def make_optimizer(name: str, **hyperparameters: Any) -> Optimizer:
    """The optimizer called ``name`` (one of :data:`OPTIMIZERS`) with these hyperparameters.

    A hyperparameter the optimizer does not take (``betas`` for SGD, say) is ignored, so the playground can hand
    one set of slider values to every optimizer; one that no optimizer takes raises. Missing ones keep the
    optimizer's torch default, except ``momentum``, which is 0.9 for ``SGD+momentum`` and ``Nesterov``. RMSprop's
    ``alpha`` is its squared-gradient decay (the role β2 plays in Adam); AdamW's ``weight_decay`` is decoupled.
    """
    canonical = _optimizer_name(name)
    unknown = sorted(set(hyperparameters) - set(HYPERPARAMETERS))
    if unknown:
        raise ValueError(f"unknown hyperparameter {unknown[0]!r} for optimizer {canonical!r}; allowed: "
                         f"{', '.join(map(repr, HYPERPARAMETERS))}" + _closest(unknown[0], HYPERPARAMETERS))
    cls, takes, fixed, defaults = _SPECS[canonical]
    kwargs = {**defaults, **{k: v for k, v in hyperparameters.items() if k in takes}, **fixed}
    if "betas" in kwargs and isinstance(kwargs["betas"], list):
        kwargs["betas"] = tuple(kwargs["betas"])
    return cls(**kwargs)


def _objective(objective: str | Objective) -> Objective:
    if isinstance(objective, Objective):
        return objective
    if not isinstance(objective, str) or objective not in OBJECTIVES:
        choices = ", ".join(map(repr, OBJECTIVES))
        hint = _closest(objective, list(OBJECTIVES)) if isinstance(objective, str) else ""
        raise ValueError(f"objective must be one of {choices} (or an Objective); got {objective!r}{hint}")
    return OBJECTIVES[objective]


def _start(obj: Objective, start: Sequence[float] | None) -> np.ndarray:
    if start is None:
        return np.array(obj.start, dtype=float)
    try:
        x0 = np.array(start, dtype=float)
    except (TypeError, ValueError):
        x0 = np.empty(0)
    if x0.shape != (2,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"start must be a point (x1, x2) of two finite numbers, got {start!r}")
    return x0


def descend(optimizer: Optimizer, objective: Objective, x0: np.ndarray, steps: int,
            divergence_threshold: float = 1e12) -> Trajectory:
    r"""``train.minimize(optimizer, objective.f, objective.grad, x0, steps)``, with the same result, faster.

    :meth:`Optimizer.update` re-validates its inputs (structure, dtypes, finiteness, state shapes) and walks the
    parameter tree on every call, which costs several times the arithmetic of a 2-D update. Here the inputs are
    validated once (``init`` on a float vector of shape (2,)) and each update calls the optimizer's own equations
    (its ``_update_leaf`` hook) on that one leaf, exactly as ``Optimizer.update`` does: ``t = step + 1``,
    ``η_t = lr(t − 1)``, the per-update scalars of ``_step_extra`` (NAdam's μ-product), then the leaf update.
    The stopping rule is :func:`~lessons_lib.train.minimize`'s. An optimizer that overrides ``update`` itself
    is run through ``minimize`` unchanged.
    """
    if type(optimizer).update is not Optimizer.update:
        return minimize(optimizer, objective.f, objective.grad, x0, steps, divergence_threshold)
    f, grad = objective.f, objective.grad
    x = np.array(x0, dtype=float)
    state = optimizer.init(x)
    names, cls = optimizer._slots, optimizer._state_class
    slots = tuple(getattr(state, n) for n in names)
    xs, losses = [x], [float(f(x))]
    diverged = False
    for _ in range(steps):
        g = grad(x)
        if not np.isfinite(g).all():
            diverged = True
            break
        t = state.step + 1
        extra = optimizer._step_extra(state, t)
        x, slots = optimizer._update_leaf(x, g, slots, t, optimizer.learning_rate(t - 1), extra)
        state = cls(step=t, **dict(zip(names, slots)), **{k: v for k, v in extra.items() if not k.startswith("_")})
        loss = float(f(x))
        if not (math.isfinite(loss) and abs(loss) < divergence_threshold and (np.abs(x) < divergence_threshold).all()):
            diverged = True
            break
        xs.append(x)
        losses.append(loss)
    return Trajectory(np.array(xs), np.array(losses), diverged)


def _label(name: str, opt: Optimizer) -> str:
    return f"{name} (lr={opt.lr:.3g})" if not callable(opt.lr) else f"{name} (scheduled lr)"


def compute_trajectories(objective: str | Objective, configs: Sequence[Mapping[str, Any]],
                         start: Sequence[float] | None = None, steps: int = 200) -> dict[str, Trajectory]:
    """Run each config from ``start`` (default: the objective's customary start) for ``steps`` updates.

    ``objective`` is a key of :data:`lessons_lib.problems.OBJECTIVES` (``"quadratic"``, ``"rosenbrock"``,
    ``"beale"``, ``"saddle"``, ``"himmelblau"``) or an :class:`~lessons_lib.problems.Objective`. Each config is a
    dict ``{"optimizer": name, "lr": ..., "momentum": ..., "betas": ..., "label": ...}`` (see
    :func:`make_optimizer`; all but ``"optimizer"`` optional). Returns ``{label: Trajectory}`` in config order;
    labels default to ``"name (lr=...)"`` and are made unique with primes. Runs that diverge stop early, as in
    :func:`~lessons_lib.train.minimize`, and have ``diverged=True``.
    """
    obj = _objective(objective)
    steps = check_int("steps", steps, minimum=1)
    x0 = _start(obj, start)
    if isinstance(configs, Mapping) or not isinstance(configs, Sequence):
        raise TypeError(f"configs must be a list of dicts such as [{{'optimizer': 'Adam', 'lr': 0.01}}], "
                        f"got {type(configs).__name__}")
    out: dict[str, Trajectory] = {}
    for i, cfg in enumerate(configs):
        if not isinstance(cfg, Mapping) or "optimizer" not in cfg:
            raise ValueError(f"configs[{i}] must be a dict with an 'optimizer' key, e.g. "
                             f"{{'optimizer': 'Adam', 'lr': 0.01}}; got {cfg!r}")
        hyper = {k: v for k, v in cfg.items() if k not in ("optimizer", "label")}
        opt = make_optimizer(cfg["optimizer"], **hyper)
        label = str(cfg.get("label") or _label(_optimizer_name(cfg["optimizer"]), opt))
        while label in out:
            label += "'"
        out[label] = descend(opt, obj, x0, steps)
    return out


def static_figure(objective: str | Objective, configs: Sequence[Mapping[str, Any]],
                  start: Sequence[float] | None = None, steps: int = 200,
                  runs: Mapping[str, Trajectory] | None = None) -> Any:
    r"""Contour map with every trajectory (left) and :math:`f(\theta_t) - f^\star` against ``t`` (right).

    This is the figure the HTML book shows in place of the widget. ``runs`` (a result of
    :func:`compute_trajectories` for these arguments) skips the computation. Returns the matplotlib figure.
    """
    from .. import plots

    obj = _objective(objective)
    if runs is None:
        runs = compute_trajectories(obj, configs, start, steps)
    named = {(f"{k}, diverged" if r.diverged else k): r for k, r in runs.items()}
    ax1, ax2 = plots.new_axes(ncols=2, width=6.0, height=4.6)  # the book's colours, in the same order on both
    plots.trajectories(obj, {k: r.xs for k, r in named.items()}, ax=ax1, markers=False)
    ax1.set_title(obj.name)
    plots.loss_curves({k: np.maximum(r.losses - obj.f_min, 1e-16) for k, r in named.items()}, ax=ax2,
                      ylabel=r"$f(\theta_t) - f^\star$")
    ax2.set_title(f"{steps} updates")
    return ax1.figure


def playground(objective: str = "rosenbrock",
               optimizers: Sequence[str] = ("SGD", "SGD+momentum", "RMSprop", "Adam"),
               lrs: Sequence[float] = (1.5e-3, 1.5e-3, 1e-2, 5e-2), steps: int = 200,
               show: bool = True) -> Any:
    """An ipywidgets UI around :func:`compute_trajectories` and :func:`static_figure`; returns the widget box.

    Controls: the test function, up to four optimizers each with its own learning rate (a log slider), the momentum
    (SGD+momentum, Nesterov), β1 and β2 (the Adam family), the number of steps and the start point (reset to the
    function's customary start when the function changes). The figure redraws when a control is released.
    ``show=False`` builds the widgets without displaying them (for tests).
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    _objective(objective)
    names = [_optimizer_name(n) for n in optimizers][:4]
    names += ["(none)"] * (4 - len(names))
    rates = list(lrs)[:4] + [1e-2] * (4 - len(lrs[:4]))
    slider = dict(continuous_update=False, style={"description_width": "initial"})
    obj_w = w.Dropdown(options=list(OBJECTIVES), value=objective, description="function")
    rows = [(w.Dropdown(options=["(none)", *OPTIMIZERS], value=name, layout=w.Layout(width="150px")),
             w.FloatLogSlider(value=lr, base=10, min=-5, max=0.5, step=0.05, description="lr", readout_format=".1e",
                              **slider))
            for name, lr in zip(names, rates)]
    mom_w = w.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum", **slider)
    b1_w = w.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="β1", **slider)
    b2_w = w.FloatSlider(value=0.999, min=0.5, max=0.9999, step=0.0001, description="β2", readout_format=".4f",
                         **slider)
    steps_w = w.IntSlider(value=steps, min=10, max=1000, step=10, description="steps", **slider)
    x_w = w.FloatText(value=OBJECTIVES[objective].start[0], description="start x1", layout=w.Layout(width="180px"))
    y_w = w.FloatText(value=OBJECTIVES[objective].start[1], description="start x2", layout=w.Layout(width="180px"))
    info = w.HTML()
    out = w.Output()
    holding = [False]  # True while several controls change together (a new function resets the start point)

    def redraw(*_: Any) -> None:
        if holding[0]:
            return
        configs = [{"optimizer": d.value, "lr": s.value, "momentum": mom_w.value, "betas": (b1_w.value, b2_w.value)}
                   for d, s in rows if d.value != "(none)"]
        with out:
            out.clear_output(wait=True)
            try:
                t0 = time.perf_counter()
                runs = compute_trajectories(obj_w.value, configs, (x_w.value, y_w.value), steps_w.value)
                ms = (time.perf_counter() - t0) * 1e3
            except (TypeError, ValueError) as err:
                info.value = f"<span style='color:#d62728'>{err}</span>"
                return
            finals = ", ".join(f"{k}: f = {r.losses[-1]:.3g}" + (" (diverged)" if r.diverged else "")
                               for k, r in runs.items())
            info.value = f"<small>computed in {ms:.0f} ms. Final values: {finals}</small>"
            fig = static_figure(obj_w.value, configs, (x_w.value, y_w.value), steps_w.value, runs=runs)
            display(fig)
            plt.close(fig)

    def new_function(change: Any) -> None:
        holding[0] = True
        x_w.value, y_w.value = OBJECTIVES[change["new"]].start
        holding[0] = False
        redraw()

    obj_w.observe(new_function, names="value")
    for c in [mom_w, b1_w, b2_w, steps_w, x_w, y_w] + [c for row in rows for c in row]:
        c.observe(redraw, names="value")
    ui = w.VBox([w.HBox([obj_w, steps_w]), *[w.HBox(list(r)) for r in rows], w.HBox([mom_w, b1_w, b2_w]),
                 w.HBox([x_w, y_w]), info, out])
    redraw()
    if show:
        display(ui)
    return ui
