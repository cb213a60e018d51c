"""Plots with one consistent look: contour maps with trajectories, loss curves, learning-rate curves.

Every function draws on an ``ax`` it is given (or a new one), returns the axes, and computes nothing that the
book needs as a number: numbers come from :mod:`lessons_lib.train` and friends, pictures from here.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .problems import Objective

__all__ = ["COLORS", "new_axes", "contour", "trajectories", "loss_curves", "lr_curves", "band"]

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
"""The book's colour cycle (colour-blind friendly order of matplotlib's tab10)."""


def new_axes(ncols: int = 1, width: float = 5.0, height: float = 4.0, **kwargs: Any) -> Any:
    """A figure with ``ncols`` axes side by side, with the book's style; returns the axes (an array if ncols > 1)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), constrained_layout=True, **kwargs)
    for ax in np.atleast_1d(axes):
        ax.set_prop_cycle(color=COLORS)
        ax.grid(True, alpha=0.3)
    return axes


def contour(objective: Objective, ax: Any = None, levels: int = 30, resolution: int = 200, log: bool = True,
            bounds: tuple[tuple[float, float], tuple[float, float]] | None = None) -> Any:
    """Filled contour map of a 2-D objective (log-spaced levels by default) with its minima marked by stars."""
    ax = new_axes() if ax is None else ax
    (x0, x1), (y0, y1) = bounds or objective.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = objective.f(np.stack([X, Y], axis=-1))
    if log:
        Zs = np.log1p(Z - min(objective.f_min, float(Z.min())))
    else:
        Zs = Z
    ax.contourf(X, Y, Zs, levels=levels, cmap="Greys", alpha=0.55)
    ax.contour(X, Y, Zs, levels=levels, colors="k", linewidths=0.3, alpha=0.5)
    for m in objective.minima:
        ax.plot(*m, marker="*", color="gold", markersize=14, markeredgecolor="k", zorder=5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(objective.name)
    ax.grid(False)
    return ax


def trajectories(objective: Objective, paths: Mapping[str, np.ndarray], ax: Any = None, markers: bool = True,
                 **contour_kwargs: Any) -> Any:
    """Contour map with one path per label; each path is an array of points of shape (steps + 1, 2)."""
    ax = contour(objective, ax=ax, **contour_kwargs)
    for i, (label, xs) in enumerate(paths.items()):
        xs = np.asarray(xs)
        color = COLORS[i % len(COLORS)]
        ax.plot(xs[:, 0], xs[:, 1], "-", color=color, lw=1.6, label=label,
                marker="o" if markers and len(xs) <= 60 else None, markersize=3)
        ax.plot(*xs[0], "o", color="k", markersize=5)
    if paths:
        ax.legend(loc="best", fontsize=8, framealpha=0.85)
    return ax


def loss_curves(curves: Mapping[str, Sequence[float]], ax: Any = None, log: bool = True,
                xlabel: str = "update $t$", ylabel: str = "loss") -> Any:
    """One line per label, on a log y-axis by default."""
    ax = new_axes() if ax is None else ax
    for label, ys in curves.items():
        ax.plot(np.arange(len(ys)), ys, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if curves:
        ax.legend(fontsize=8)
    return ax


def lr_curves(schedules: Mapping[str, Any], steps: int, ax: Any = None, log: bool = False) -> Any:
    """Plot learning-rate schedules ``s(k)`` for ``k = 0 .. steps − 1``."""
    ax = new_axes() if ax is None else ax
    k = np.arange(steps)
    for label, s in schedules.items():
        ax.plot(k, s(k), label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("update index $k$")
    ax.set_ylabel(r"learning rate $\eta_k$")
    if schedules:
        ax.legend(fontsize=8)
    return ax


def band(ax: Any, x: np.ndarray, runs: np.ndarray, label: str, color: str | None = None, log: bool = False) -> Any:
    """Median of several runs (rows of ``runs``) with the min–max spread shaded: how the book shows seeds."""
    runs = np.asarray(runs, dtype=float)
    med = np.median(runs, axis=0)
    line = ax.plot(x, med, label=label, color=color)[0]
    ax.fill_between(x, runs.min(axis=0), runs.max(axis=0), color=line.get_color(), alpha=0.2)
    if log:
        ax.set_yscale("log")
    return ax
