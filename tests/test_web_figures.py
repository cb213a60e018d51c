"""Figures that move in the static book (lessons_lib.widgets.web): the precomputed data equal the explorers' own
computations, the flat index matches the grid order, bad input is named, and the page needs no network."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from lessons_lib.widgets import web
from lessons_lib.widgets.playground import compute_trajectories
from lessons_lib.widgets.schedule_explorer import make_schedule

GRID = {"lr": [0.01, 0.05, 0.2], "momentum": [0.0, 0.5, 0.9, 0.95]}


def test_grid_index_is_the_order_of_itertools_product() -> None:
    sizes = [3, 4, 2]
    combos = list(itertools.product(*(range(s) for s in sizes)))
    assert [web.grid_index(sizes, c) for c in combos] == list(range(len(combos)))
    with pytest.raises(ValueError, match="outside"):
        web.grid_index([3], [3])


def test_trajectory_grid_equals_the_playground_computation() -> None:
    data = web.trajectory_grid("quadratic", "SGD+momentum", GRID, steps=60)
    for i, (lr, m) in enumerate(itertools.product(*GRID.values())):
        (run,) = compute_trajectories("quadratic", [{"optimizer": "SGD+momentum", "lr": lr, "momentum": m}],
                                      steps=60).values()
        assert np.array_equal(data["x"][i], run.xs[:, 0]) and np.array_equal(data["y"][i], run.xs[:, 1])
        assert data["diverged"][i] == run.diverged
    assert data["names"] == ["lr", "momentum"] and len(data["x"]) == 12


def test_schedule_grid_equals_the_schedules() -> None:
    grid = {"warmup_steps": [1, 20, 50], "peak_lr": [0.1, 0.3]}
    data = web.schedule_grid("warmup_cosine", grid, steps=200)
    for i, (w, p) in enumerate(itertools.product(*grid.values())):
        want = make_schedule("warmup_cosine", {"warmup_steps": w, "peak_lr": p})(np.arange(200))
        assert np.array_equal(data["lr"][i], want)


@pytest.mark.parametrize("grid, message", [
    ({}, "non-empty dict"),
    ({"lr": []}, r"grid\['lr'\] must be a non-empty list"),
    ({"lr": list(np.linspace(0.01, 1, 30)), "momentum": list(np.linspace(0, 0.99, 30))}, "900 combinations"),
])
def test_bad_grids_are_named(grid: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        web.trajectory_grid("quadratic", "SGD+momentum", grid)


def test_initial_value_must_be_on_the_grid() -> None:
    with pytest.raises(ValueError, match=r"initial\['lr'\] = 0.03 is not one of the grid's values"):
        web.playground_figure("quadratic", "SGD+momentum", GRID, steps=10, initial={"lr": 0.03})


def test_html_draws_offline_with_one_slider_per_parameter() -> None:
    page = web.html(web.playground_figure("quadratic", "SGD+momentum", GRID, steps=30))
    assert not re.search(r"<script[^>]+src=", page), "a script is loaded from elsewhere"
    assert "cdn." not in page.split("</script>", 2)[-1]
    assert page.count('"slider-lr"') == 1 and page.count('"slider-momentum"') == 1
    assert 1e6 < len(page) < 3e6  # BokehJS (plots and sliders) inline, not all of Bokeh's bundles
    page = web.html(web.schedule_figure("cosine", {"T_max": [100, 200, 300]}, steps=300))
    assert page.count('"slider-T_max"') == 1
