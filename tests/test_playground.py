"""The optimizer playground: compute results equal direct runs, errors are helpful, the widget builds headless."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.optimizers import Adam, SGD
from lessons_lib.problems import rosenbrock
from lessons_lib.train import minimize
from lessons_lib.widgets.playground import OPTIMIZERS, compute_trajectories, make_optimizer, playground, static_figure


def test_compute_equals_direct_runs() -> None:
    runs = compute_trajectories("rosenbrock", [{"optimizer": "Adam", "lr": 0.05, "betas": (0.8, 0.99)},
                                               {"optimizer": "Momentum", "lr": 1e-3, "momentum": 0.9}], steps=150)
    direct_adam = minimize(Adam(lr=0.05, betas=(0.8, 0.99)), rosenbrock.f, rosenbrock.grad, rosenbrock.start, 150)
    direct_mom = minimize(SGD(lr=1e-3, momentum=0.9), rosenbrock.f, rosenbrock.grad, rosenbrock.start, 150)
    adam, mom = runs.values()
    np.testing.assert_array_equal(adam.xs, direct_adam.xs)
    np.testing.assert_array_equal(mom.xs, direct_mom.xs)
    assert list(runs) == ["Adam (lr=0.05)", "Momentum (lr=0.001)"]


def test_every_optimizer_runs_on_every_function() -> None:
    from lessons_lib.problems import OBJECTIVES

    for obj in OBJECTIVES:
        runs = compute_trajectories(obj, [{"optimizer": n, "lr": 1e-3} for n in OPTIMIZERS], steps=20)
        assert len(runs) == len(OPTIMIZERS)
        assert all(r.xs.shape[1] == 2 for r in runs.values())


def test_duplicate_labels_are_kept_apart() -> None:
    runs = compute_trajectories("saddle", [{"optimizer": "GD", "lr": 0.1}] * 2, steps=5)
    assert len(runs) == 2


def test_errors_name_the_choices() -> None:
    with pytest.raises(ValueError, match=r"optimizer must be one of 'GD'.*got 'Adamm'"):
        make_optimizer("Adamm", 0.1)
    with pytest.raises(ValueError, match=r"objective must be one of .*got 'banana'"):
        compute_trajectories("banana", [])
    with pytest.raises(ValueError, match=r"start must be a point"):
        compute_trajectories("beale", [{"optimizer": "GD", "lr": 0.1}], start=(1.0, 2.0, 3.0))


def test_static_figure_and_widget_build_without_a_display() -> None:
    import matplotlib

    matplotlib.use("Agg")
    fig = static_figure("beale", [{"optimizer": "Adam", "lr": 0.05}], steps=30)
    assert len(fig.axes) == 2
    ui = playground(steps=20)
    assert ui.children  # the VBox with its controls
