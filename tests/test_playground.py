"""The optimizer playground: its compute step equals direct optimizer runs, its errors help, the widget builds headless."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.optimizers import (SGD, Adafactor, Adagrad, Adam, Adamax, AdamW, Lamb, Lion, NAdam, RAdam, RMSprop,
                                    ScheduleFreeSGD, Shampoo)
from lessons_lib.problems import OBJECTIVES, beale, rosenbrock
from lessons_lib.train import minimize
from lessons_lib.widgets.playground import (OPTIMIZERS, compute_trajectories, descend, make_optimizer, playground,
                                            static_figure)

# Each playground config next to the optimizer a reader would build by hand for it.
DIRECT = [
    ({"optimizer": "SGD", "lr": 2e-3, "betas": (0.5, 0.5)}, SGD(lr=2e-3)),  # betas are ignored by SGD
    ({"optimizer": "SGD+momentum", "lr": 1e-3, "momentum": 0.8}, SGD(lr=1e-3, momentum=0.8)),
    ({"optimizer": "SGD+momentum", "lr": 1e-3}, SGD(lr=1e-3, momentum=0.9)),
    ({"optimizer": "Nesterov", "lr": 1e-3, "momentum": 0.7}, SGD(lr=1e-3, momentum=0.7, nesterov=True)),
    ({"optimizer": "Adagrad", "lr": 0.3}, Adagrad(lr=0.3)),
    ({"optimizer": "RMSprop", "lr": 1e-2, "alpha": 0.9}, RMSprop(lr=1e-2, alpha=0.9)),
    ({"optimizer": "Adam", "lr": 0.05, "betas": (0.8, 0.99)}, Adam(lr=0.05, betas=(0.8, 0.99))),
    ({"optimizer": "AdamW", "lr": 0.05, "weight_decay": 0.1}, AdamW(lr=0.05, weight_decay=0.1)),
    ({"optimizer": "NAdam", "lr": 0.02, "betas": [0.9, 0.99]}, NAdam(lr=0.02, betas=(0.9, 0.99))),
    ({"optimizer": "RAdam", "lr": 0.05}, RAdam(lr=0.05)),
    ({"optimizer": "Adamax", "lr": 0.05, "betas": (0.8, 0.99)}, Adamax(lr=0.05, betas=(0.8, 0.99))),
    ({"optimizer": "Lion", "lr": 0.01, "weight_decay": 0.1}, Lion(lr=0.01, weight_decay=0.1)),
    ({"optimizer": "Lamb", "lr": 0.02, "betas": (0.9, 0.99)}, Lamb(lr=0.02, betas=(0.9, 0.99))),
    ({"optimizer": "Adafactor", "lr": 0.1}, Adafactor(lr=0.1)),
    ({"optimizer": "Shampoo", "lr": 0.5}, Shampoo(lr=0.5)),
    ({"optimizer": "Schedule-free SGD", "lr": 1e-3, "momentum": 0.8}, ScheduleFreeSGD(lr=1e-3, momentum=0.8)),
]


def assert_same(run, direct) -> None:
    np.testing.assert_array_equal(run.xs, direct.xs)
    np.testing.assert_array_equal(run.losses, direct.losses)
    assert run.diverged == direct.diverged


@pytest.mark.parametrize("objective", list(OBJECTIVES))
def test_compute_equals_direct_runs_for_every_optimizer(objective: str) -> None:
    obj = OBJECTIVES[objective]
    runs = compute_trajectories(objective, [cfg for cfg, _ in DIRECT], steps=120)
    assert len(runs) == len(DIRECT)
    for run, (_, opt) in zip(runs.values(), DIRECT):
        assert_same(run, minimize(opt, obj.f, obj.grad, obj.start, 120))


def test_every_offered_name_is_covered_above() -> None:
    assert {cfg["optimizer"] for cfg, _ in DIRECT} == set(OPTIMIZERS)


def test_divergence_stops_where_minimize_stops() -> None:
    runs = compute_trajectories("rosenbrock", [{"optimizer": "SGD", "lr": 0.05}], start=(-1.5, 2.0), steps=200)
    (run,) = runs.values()
    direct = minimize(SGD(lr=0.05), rosenbrock.f, rosenbrock.grad, (-1.5, 2.0), 200)
    assert direct.diverged and len(direct.xs) < 201  # the case is a real divergence
    assert_same(run, direct)


def test_a_schedule_as_learning_rate() -> None:
    def lr(k: int) -> float:
        return 0.1 / (1 + 0.05 * k)

    runs = compute_trajectories("beale", [{"optimizer": "Adam", "lr": lr}], start=(0.5, -1.0), steps=80)
    assert list(runs) == ["Adam (scheduled lr)"]
    assert_same(next(iter(runs.values())), minimize(Adam(lr=lr), beale.f, beale.grad, (0.5, -1.0), 80))


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(OPTIMIZERS), log_lr=st.floats(-4, 0), objective=st.sampled_from(list(OBJECTIVES)),
       start=st.tuples(st.floats(-3, 3), st.floats(-3, 3)), momentum=st.floats(0.01, 0.99),
       b1=st.floats(0, 0.99), b2=st.floats(0.5, 0.9999))
def test_descend_equals_minimize(name, log_lr, objective, start, momentum, b1, b2) -> None:
    opt = make_optimizer(name, lr=10**log_lr, momentum=momentum, betas=(b1, b2))
    obj = OBJECTIVES[objective]
    assert_same(descend(opt, obj, np.array(start), 60), minimize(opt, obj.f, obj.grad, start, 60))


def test_labels() -> None:
    runs = compute_trajectories("saddle", [{"optimizer": "sgd", "lr": 0.1}, {"optimizer": "SGD", "lr": 0.1},
                                           {"optimizer": "Adam", "label": "mine"}, {"optimizer": "RAdam"}], steps=5)
    assert list(runs) == ["SGD (lr=0.1)", "SGD (lr=0.1)'", "mine", "RAdam (lr=0.001)"]  # RAdam's torch default lr


def test_names_ignore_case_spaces_and_dashes() -> None:
    assert make_optimizer("sgd + Momentum", lr=0.1).momentum == 0.9
    assert make_optimizer("n-adam").betas == (0.9, 0.999)


def test_errors_name_the_choices_and_suggest() -> None:
    with pytest.raises(ValueError, match=r"optimizer must be one of 'SGD', .*got 'Adamm' \(did you mean 'Adam'\?\)"):
        make_optimizer("Adamm", lr=0.1)
    with pytest.raises(TypeError, match=r"optimizer must be a name"):
        make_optimizer(Adam)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"objective must be one of 'quadratic', .*got 'rosenbrok' "
                                         r"\(did you mean 'rosenbrock'\?\)"):
        compute_trajectories("rosenbrok", [])
    with pytest.raises(ValueError, match=r"unknown hyperparameter 'beta1' .*did you mean 'betas'"):
        compute_trajectories("beale", [{"optimizer": "Adam", "lr": 0.1, "beta1": 0.9}])
    with pytest.raises(ValueError, match=r"start must be a point \(x1, x2\)"):
        compute_trajectories("beale", [{"optimizer": "SGD", "lr": 0.1}], start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match=r"start must be a point"):
        compute_trajectories("beale", [{"optimizer": "SGD", "lr": 0.1}], start=(1.0, float("nan")))
    with pytest.raises(ValueError, match=r"configs\[1\] must be a dict with an 'optimizer' key"):
        compute_trajectories("beale", [{"optimizer": "SGD"}, {"lr": 0.1}])
    with pytest.raises(TypeError, match=r"configs must be a list of dicts"):
        compute_trajectories("beale", {"optimizer": "SGD"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"steps must be an integer >= 1, got 0"):
        compute_trajectories("beale", [{"optimizer": "SGD"}], steps=0)
    # hyperparameter values are checked by the optimizers themselves, which name parameter and value
    with pytest.raises(ValueError, match=r"lr must be a finite number >= 0, got -0.1"):
        compute_trajectories("beale", [{"optimizer": "Adam", "lr": -0.1}])
    with pytest.raises(ValueError, match=r"nesterov=True requires momentum > 0"):
        compute_trajectories("beale", [{"optimizer": "Nesterov", "momentum": 0.0}])
    with pytest.raises(ValueError, match=r"betas\[1\] must be in \[0, 1\), got 1.5"):
        compute_trajectories("beale", [{"optimizer": "Adam", "betas": (0.9, 1.5)}])


def test_compute_cost_is_small() -> None:
    """A coarse guard (the benchmark measures latency): 4 optimizers x 200 steps use well under 0.5 s of CPU."""
    configs = [{"optimizer": n, "lr": 0.01} for n in ("Adam", "AdamW", "NAdam", "RAdam")]
    compute_trajectories("beale", configs)
    cpu = []
    for _ in range(3):
        t0 = time.process_time()
        compute_trajectories("beale", configs, steps=200)
        cpu.append(time.process_time() - t0)
    assert min(cpu) < 0.5


def test_static_figure_marks_diverged_runs() -> None:
    import matplotlib.pyplot as plt

    fig = static_figure("rosenbrock", [{"optimizer": "Adam", "lr": 0.05}, {"optimizer": "SGD", "lr": 0.05}], steps=50)
    assert len(fig.axes) >= 2
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels == ["Adam (lr=0.05)", "SGD (lr=0.05), diverged"]
    # each optimizer has the same colour in both panels
    path_colors = [line.get_color() for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    curve_colors = [line.get_color() for line in fig.axes[1].get_lines()]
    assert path_colors == curve_colors and len(set(curve_colors)) == 2
    plt.close(fig)


def test_widget_builds_and_redraws_without_a_display() -> None:
    import matplotlib.pyplot as plt

    ui = playground(objective="beale", optimizers=("Adam", "Nesterov"), lrs=(0.05, 1e-3), steps=30, show=False)
    controls = {getattr(c, "description", ""): c for box in ui.children for c in getattr(box, "children", [box])}
    info = ui.children[-2]
    assert "computed in" in info.value and "Adam (lr=0.05)" in info.value and "Nesterov" in info.value
    controls["function"].value = "himmelblau"  # the start point follows the function, and the figure redraws
    assert (controls["start x1"].value, controls["start x2"].value) == OBJECTIVES["himmelblau"].start
    expected = compute_trajectories("himmelblau", [{"optimizer": "Adam", "lr": 0.05},
                                                  {"optimizer": "Nesterov", "lr": 1e-3}], steps=30)
    assert f"f = {expected['Adam (lr=0.05)'].losses[-1]:.3g}" in info.value
    controls["start x1"].value = float("nan")  # a bad input shows the error instead of raising
    assert "start must be a point" in info.value
    plt.close("all")
