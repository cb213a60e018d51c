r"""Figures that move in the static HTML book: precomputed over a grid, redrawn by sliders in the browser.

The ipywidgets explorers (:mod:`.playground`, :mod:`.schedule_explorer`) need a running kernel, so in the built
book they would be dead. The figures here need none: every combination of the slider values is computed in
Python beforehand (the same functions the explorers call), handed to the page as data, and a slider only picks
which precomputed curve to draw. They are drawn with Bokeh; its JavaScript is written into the page itself
(inline resources), so they work offline and in Jupyter, Colab and the HTML book alike.

* :func:`grid_index` (pure): the flat index of one combination of grid positions (row-major, as
  ``itertools.product`` enumerates the grid); the page's JavaScript computes the same index.
* :func:`trajectory_grid` / :func:`schedule_grid` (pure): the precomputed data, tested and timed apart.
* :func:`playground_figure` / :func:`schedule_figure`: the Bokeh layouts; :func:`html` / :func:`show` put one
  into a page (``show`` returns an ``IPython.display.HTML`` for a notebook cell).

Each slider moves along one parameter's grid and shows the value drawn; a line under the sliders says how the
drawn run ends.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Mapping, Sequence

import numpy as np

from .._checks import check_int
from ..problems import Objective
from .playground import _objective, _start, compute_trajectories
from .schedule_explorer import make_schedule

__all__ = ["grid_index", "trajectory_grid", "schedule_grid", "playground_figure", "schedule_figure", "html", "show"]

_MAX_COMBINATIONS = 400


def _check_grid(grid: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must be a non-empty dict {{parameter: [values, ...]}}; got {grid!r}")
    out = {}
    for name, values in grid.items():
        values = list(values) if isinstance(values, (list, tuple, np.ndarray)) else None
        if not values:
            raise ValueError(f"grid[{name!r}] must be a non-empty list of values; got {grid[name]!r}")
        out[str(name)] = values
    n = math.prod(len(v) for v in out.values())
    if n > _MAX_COMBINATIONS:
        raise ValueError(f"grid has {n} combinations; at most {_MAX_COMBINATIONS} are precomputed for a page "
                         "(use fewer values per parameter)")
    return out


def grid_index(sizes: Sequence[int], positions: Sequence[int]) -> int:
    """Row-major flat index of ``positions`` in a grid of ``sizes`` (the order of ``itertools.product``)."""
    if len(sizes) != len(positions):
        raise ValueError(f"positions must have one entry per grid axis ({len(sizes)}); got {list(positions)!r}")
    index = 0
    for size, pos in zip(sizes, positions):
        if not 0 <= pos < size:
            raise ValueError(f"position {pos} is outside an axis of {size} values")
        index = index * size + pos
    return index


def trajectory_grid(objective: str | Objective, optimizer: str, grid: Mapping[str, Sequence[Any]], steps: int = 100,
                    start: Sequence[float] | None = None) -> dict[str, Any]:
    """Trajectories of ``optimizer`` on ``objective`` for every combination of the hyperparameters in ``grid``.

    ``grid`` maps hyperparameter names of :func:`~lessons_lib.widgets.playground.make_optimizer` to lists of
    values, e.g. ``{"lr": [0.01, 0.02], "momentum": [0.0, 0.5, 0.9]}``. Returns ``{"names", "values", "x", "y",
    "loss", "diverged"}``; ``x[i]``, ``y[i]`` and ``loss[i]`` (``f - f*``, floored at 1e-16) belong to the
    combination with flat index ``i`` (:func:`grid_index`).
    """
    grid = _check_grid(grid)
    steps = check_int("steps", steps, minimum=1)
    obj = _objective(objective)
    x0 = _start(obj, start)
    configs = [{"optimizer": optimizer, "label": str(i), **dict(zip(grid, combo))}
               for i, combo in enumerate(itertools.product(*grid.values()))]
    runs = compute_trajectories(obj, configs, x0, steps)
    return {"names": list(grid), "values": list(grid.values()),
            "x": [r.xs[:, 0].tolist() for r in runs.values()], "y": [r.xs[:, 1].tolist() for r in runs.values()],
            "loss": [np.maximum(r.losses - obj.f_min, 1e-16).tolist() for r in runs.values()],
            "diverged": [bool(r.diverged) for r in runs.values()]}


def schedule_grid(name: str, grid: Mapping[str, Sequence[Any]], steps: int = 300,
                  fixed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The learning rate of schedule ``name`` over ``steps`` updates for every combination in ``grid``.

    ``name`` and the parameters are those of :data:`~lessons_lib.widgets.schedule_explorer.SCHEDULES`;
    ``fixed`` sets other parameters. Returns ``{"names", "values", "lr"}`` with ``lr[i]`` the curve of the
    combination with flat index ``i``.
    """
    grid = _check_grid(grid)
    steps = check_int("steps", steps, minimum=1)
    k = np.arange(steps)
    curves = [np.asarray(make_schedule(name, {**dict(fixed or {}), **dict(zip(grid, combo))})(k), float).tolist()
              for combo in itertools.product(*grid.values())]
    return {"names": list(grid), "values": list(grid.values()), "lr": curves}


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


# The slider callback: the flat index of the sliders' positions, then the precomputed curve at that index.
_PICK_JS = """
let index = 0;
for (let a = 0; a < sliders.length; a++) { index = index * sizes[a] + sliders[a].value; }
for (const [source, columns] of targets) {
  const data = {};
  for (const [column, table] of Object.entries(columns)) { data[column] = table === null ? null : table[index]; }
  for (const [column, value] of Object.entries(source.data)) { if (!(column in data)) { data[column] = value; } }
  source.data = data;
}
for (let a = 0; a < sliders.length; a++) { sliders[a].title = names[a] + " = " + labels[a][sliders[a].value]; }
caption.text = notes[index];
"""


def _sliders(names: Sequence[str], values: Sequence[Sequence[Any]], initial: Sequence[int]) -> list[Any]:
    from bokeh.models import Slider

    return [Slider(start=0, end=max(len(v) - 1, 1), value=i, step=1, title=f"{n} = {_fmt(v[i])}",
                   name=f"slider-{n}", width=260, show_value=False, disabled=len(v) == 1)
            for n, v, i in zip(names, values, initial)]


def _wire(sliders: list[Any], data: Mapping[str, Any], targets: list[tuple[Any, dict[str, list]]],
          caption: Any, notes: Sequence[str]) -> None:
    from bokeh.models import CustomJS

    callback = CustomJS(args={"sliders": sliders, "sizes": [len(v) for v in data["values"]], "targets": targets,
                              "names": data["names"], "labels": [[_fmt(x) for x in v] for v in data["values"]],
                              "caption": caption, "notes": list(notes)}, code=_PICK_JS)
    for s in sliders:
        s.js_on_change("value", callback)


def _initial(data: Mapping[str, Any], initial: Mapping[str, Any] | None) -> list[int]:
    positions = []
    for n, values in zip(data["names"], data["values"]):
        want = (initial or {}).get(n, values[len(values) // 2])
        if want not in values:
            raise ValueError(f"initial[{n!r}] = {want!r} is not one of the grid's values {values!r}")
        positions.append(values.index(want))
    return positions


def playground_figure(objective: str | Objective, optimizer: str, grid: Mapping[str, Sequence[Any]], steps: int = 100,
                      start: Sequence[float] | None = None, initial: Mapping[str, Any] | None = None,
                      data: Mapping[str, Any] | None = None) -> Any:
    """Contour map with the trajectory (left) and ``f - f*`` per update (right), one slider per grid parameter.

    ``data`` (a result of :func:`trajectory_grid` for these arguments) skips the computation; ``initial`` gives
    the values drawn first (default: the middle of each grid).
    """
    from bokeh.layouts import column, row
    from bokeh.models import ColumnDataSource, Div, LinearColorMapper
    from bokeh.plotting import figure

    obj = _objective(objective)
    data = trajectory_grid(objective, optimizer, grid, steps, start) if data is None else data
    pos = _initial(data, initial)
    i0 = grid_index([len(v) for v in data["values"]], pos)
    (x_lo, x_hi), (y_lo, y_hi) = obj.bounds
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, 160), np.linspace(y_lo, y_hi, 160))
    z = np.log10(np.maximum(obj.f(np.stack([gx, gy], axis=-1)) - obj.f_min, 1e-12))
    left = figure(width=300, height=300, x_range=(x_lo, x_hi), y_range=(y_lo, y_hi), title=obj.name,
                  toolbar_location=None, name="playground-map")
    left.image(image=[z], x=x_lo, y=y_lo, dw=x_hi - x_lo, dh=y_hi - y_lo,
               color_mapper=LinearColorMapper(palette="Greys256", low=float(z.min()), high=float(z.max())),
               alpha=0.55)
    for m in obj.minima:
        left.scatter([m[0]], [m[1]], marker="star", size=12, color="black")
    path = ColumnDataSource({"x": data["x"][i0], "y": data["y"][i0]}, name="trajectory")
    left.line("x", "y", source=path, line_width=2, color="#d62728")
    left.scatter("x", "y", source=path, size=3, color="#d62728")
    left.scatter([data["x"][i0][0]], [data["y"][i0][0]], size=7, color="black")
    right = figure(width=300, height=300, y_axis_type="log", title=f"f − f* over {steps} updates",
                   toolbar_location=None, x_axis_label="update t", name="playground-loss")
    loss = ColumnDataSource({"t": list(range(len(data["loss"][i0]))), "loss": data["loss"][i0]}, name="loss")
    right.line("t", "loss", source=loss, line_width=2, color="#d62728")
    notes = ["diverged" if d else f"final f − f* = {ls[-1]:.2g}" for d, ls in zip(data["diverged"], data["loss"])]
    caption = Div(text=notes[i0], name="caption")
    sliders = _sliders(data["names"], data["values"], pos)
    ts = [list(range(len(ls))) for ls in data["loss"]]
    _wire(sliders, data, [(path, {"x": data["x"], "y": data["y"]}), (loss, {"t": ts, "loss": data["loss"]})],
          caption, notes)
    return column(row(*sliders), caption, row(left, right))


def schedule_figure(name: str, grid: Mapping[str, Sequence[Any]], steps: int = 300,
                    fixed: Mapping[str, Any] | None = None, initial: Mapping[str, Any] | None = None,
                    data: Mapping[str, Any] | None = None) -> Any:
    """The learning rate against the update index, one slider per grid parameter (see :func:`schedule_grid`)."""
    from bokeh.layouts import column, row
    from bokeh.models import ColumnDataSource, Div
    from bokeh.plotting import figure

    data = schedule_grid(name, grid, steps, fixed) if data is None else data
    pos = _initial(data, initial)
    i0 = grid_index([len(v) for v in data["values"]], pos)
    top = max(max(c) for c in data["lr"])
    fig = figure(width=600, height=300, title=name, toolbar_location=None, x_axis_label="update k",
                 y_axis_label="learning rate", y_range=(0, 1.05 * top if top > 0 else 1), name="schedule-curve")
    k = list(range(steps))
    curve = ColumnDataSource({"k": k, "lr": data["lr"][i0]}, name="curve")
    fig.line("k", "lr", source=curve, line_width=2, color="#1f77b4")
    notes = [f"last rate {c[-1]:.3g}" for c in data["lr"]]
    caption = Div(text=notes[i0], name="caption")
    sliders = _sliders(data["names"], data["values"], pos)
    _wire(sliders, data, [(curve, {"lr": data["lr"]})], caption, notes)
    return column(row(*sliders), caption, fig)


def html(layout: Any) -> str:
    """An HTML fragment that draws ``layout`` with no network: BokehJS inline, then the figure."""
    from bokeh.embed import components
    from bokeh.resources import Resources

    script, div = components(layout)
    # Only the two bundles these figures use (plots, sliders): 1.6 MB instead of 3.9 MB for all of Bokeh's.
    return Resources(mode="inline", components=["bokeh", "bokeh-widgets"]).render_js() + script + div


def show(layout: Any) -> Any:
    """``layout`` as a notebook output (``IPython.display.HTML``): it moves in Jupyter, Colab and the book."""
    from IPython.display import HTML

    return HTML(html(layout))
