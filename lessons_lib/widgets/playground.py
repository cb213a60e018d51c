"""The optimizer playground: trajectories of several optimizers on a 2-D test function.

The compute half, :func:`compute_trajectories`, is a plain function (tested, and timed by
``benchmarks/playground_latency.py``); :func:`static_figure` draws its result for the HTML book; :func:`playground`
wires both to ipywidgets for use in Jupyter or Colab.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .._checks import check_int
from ..optimizers import SGD, Adagrad, Adam, AdamW, NAdam, Optimizer, RAdam, RMSprop
from ..problems import OBJECTIVES, Objective
from ..train import Trajectory, minimize

__all__ = ["OPTIMIZERS", "make_optimizer", "compute_trajectories", "static_figure", "playground"]

OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "GD": lambda lr, momentum, betas: SGD(lr=lr),
    "Momentum": lambda lr, momentum, betas: SGD(lr=lr, momentum=momentum),
    "Nesterov": lambda lr, momentum, betas: SGD(lr=lr, momentum=momentum, nesterov=True),
    "AdaGrad": lambda lr, momentum, betas: Adagrad(lr=lr),
    "RMSprop": lambda lr, momentum, betas: RMSprop(lr=lr, alpha=betas[1]),
    "Adam": lambda lr, momentum, betas: Adam(lr=lr, betas=betas),
    "AdamW": lambda lr, momentum, betas: AdamW(lr=lr, betas=betas),
    "NAdam": lambda lr, momentum, betas: NAdam(lr=lr, betas=betas),
    "RAdam": lambda lr, momentum, betas: RAdam(lr=lr, betas=betas),
}
"""Optimizer names offered by the playground; RMSprop's decay is taken from beta2."""


def make_optimizer(name: str, lr: float, momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999)) -> Optimizer:
    """The optimizer called ``name`` (a key of :data:`OPTIMIZERS`) with these hyperparameters."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}, got {name!r}")
    return OPTIMIZERS[name](lr, momentum, tuple(betas))


def _objective(objective: str | Objective) -> Objective:
    if isinstance(objective, Objective):
        return objective
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(map(repr, OBJECTIVES))}, got {objective!r}")
    return OBJECTIVES[objective]


def compute_trajectories(objective: str | Objective, configs: Sequence[Mapping[str, Any]],
                         start: Sequence[float] | None = None, steps: int = 200) -> dict[str, Trajectory]:
    """Run each config ``{"optimizer": name, "lr": ..., "momentum": ..., "betas": ...}`` from ``start``.

    Returns ``{label: Trajectory}``; labels are ``"name (lr=...)"``, made unique if repeated.
    """
    obj = _objective(objective)
    steps = check_int("steps", steps, minimum=1)
    x0 = np.asarray(obj.start if start is None else start, dtype=float)
    if x0.shape != (2,):
        raise ValueError(f"start must be a point (x1, x2), got {start!r}")
    out: dict[str, Trajectory] = {}
    for cfg in configs:
        opt = make_optimizer(cfg["optimizer"], cfg["lr"], cfg.get("momentum", 0.9), cfg.get("betas", (0.9, 0.999)))
        label = f"{cfg['optimizer']} (lr={cfg['lr']:.3g})"
        while label in out:
            label += "'"
        out[label] = minimize(opt, obj.f, obj.grad, x0, steps)
    return out


def static_figure(objective: str | Objective, configs: Sequence[Mapping[str, Any]],
                  start: Sequence[float] | None = None, steps: int = 200) -> Any:
    """Contour map with every trajectory, plus the loss curves: the figure the HTML book shows."""
    import matplotlib.pyplot as plt

    from .. import plots

    obj = _objective(objective)
    runs = compute_trajectories(obj, configs, start, steps)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), constrained_layout=True)
    plots.trajectories(obj, {k: r.xs for k, r in runs.items()}, ax=ax1, markers=False)
    plots.loss_curves({k: np.maximum(r.losses - obj.f_min, 1e-16) for k, r in runs.items()}, ax=ax2,
                      ylabel=r"$f(\theta_t) - f^\star$")
    return fig


def playground(objective: str = "rosenbrock", optimizers: Sequence[str] = ("GD", "Momentum", "RMSprop", "Adam"),
               lrs: Sequence[float] = (1e-3, 1e-3, 1e-2, 5e-2), steps: int = 200) -> Any:
    """An ipywidgets UI: pick the function, up to four optimizers with their learning rates, momentum, betas,
    steps and start point; the plot redraws on every change."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    obj_w = w.Dropdown(options=list(OBJECTIVES), value=objective, description="function")
    rows = [(w.Dropdown(options=["(none)", *OPTIMIZERS], value=name, layout=w.Layout(width="140px")),
             w.FloatLogSlider(value=lr, base=10, min=-5, max=0.5, step=0.05, description="lr", readout_format=".1e"))
            for name, lr in zip(list(optimizers) + ["(none)"] * (4 - len(optimizers)), list(lrs) + [1e-2] * 4)][:4]
    mom_w = w.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum")
    b1_w = w.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="beta1")
    b2_w = w.FloatSlider(value=0.999, min=0.5, max=0.9999, step=0.0001, description="beta2", readout_format=".4f")
    steps_w = w.IntSlider(value=steps, min=10, max=1000, step=10, description="steps")
    x_w = w.FloatText(value=OBJECTIVES[objective].start[0], description="start x1")
    y_w = w.FloatText(value=OBJECTIVES[objective].start[1], description="start x2")
    out = w.Output()

    def redraw(*_: Any) -> None:
        configs = [{"optimizer": d.value, "lr": s.value, "momentum": mom_w.value, "betas": (b1_w.value, b2_w.value)}
                   for d, s in rows if d.value != "(none)"]
        with out:
            out.clear_output(wait=True)
            fig = static_figure(obj_w.value, configs, (x_w.value, y_w.value), steps_w.value)
            display(fig)
            plt.close(fig)

    def reset_start(change: Any) -> None:
        x_w.value, y_w.value = OBJECTIVES[change["new"]].start

    obj_w.observe(reset_start, names="value")
    widgets = [obj_w, mom_w, b1_w, b2_w, steps_w, x_w, y_w] + [c for row in rows for c in row]
    for c in widgets:
        c.observe(redraw, names="value")
    ui = w.VBox([w.HBox([obj_w, steps_w]), *[w.HBox(list(r)) for r in rows], w.HBox([mom_w, b1_w, b2_w]),
                 w.HBox([x_w, y_w]), out])
    redraw()
    display(ui)
    return ui
