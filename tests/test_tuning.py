"""lessons_lib.tuning: the random-search and median-pruning rules (against brute force and Optuna), the tuning
task, and the worker CLI sharing one SQLite study between two processes."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")
from optuna.trial import TrialState, create_trial  # noqa: E402

from lessons_lib.tuning import DigitsTask, make_sampler, median_should_prune, trials_needed  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.mark.parametrize("q", [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.75, 0.9, 0.95, 0.99])
def test_trials_needed_is_the_smallest_n(q, p):
    n = trials_needed(q, p)
    brute = next(k for k in range(1, 100_000) if 1 - (1 - q) ** k >= p)
    assert n == brute


@pytest.mark.parametrize("q, p", [(0, 0.5), (1, 0.5), (0.5, 1.0), (0.5, -0.1), ("a", 0.5)])
def test_trials_needed_rejects_bad_input(q, p):
    with pytest.raises((ValueError, TypeError), match="q|p"):
        trials_needed(q, p)


def _optuna_decision(values, completed, **kw):
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(**kw))
    for d in completed:
        study.add_trial(create_trial(value=min(d.values()), intermediate_values=d, state=TrialState.COMPLETE))
    trial = study.ask()
    for step, v in enumerate(values):
        trial.report(float(v), step)
    return trial.should_prune()


def test_median_rule_matches_optuna_on_random_histories():
    rng = np.random.default_rng(0)
    decisions = []
    for _ in range(150):
        n_done, steps = int(rng.integers(0, 8)), int(rng.integers(1, 6))
        completed = [{s: float(v) for s, v in enumerate(np.round(rng.uniform(0, 1, int(rng.integers(1, 6))), 1))}
                     for _ in range(n_done)]
        values = np.round(rng.uniform(0, 1, steps), 1)
        kw = {"n_startup_trials": int(rng.integers(0, 5)), "n_warmup_steps": int(rng.integers(0, 3))}
        ours = median_should_prune(values, completed, **kw)
        assert ours == _optuna_decision(values, completed, **kw), (values, completed, kw)
        decisions.append(ours)
    assert 10 < sum(decisions) < 140  # both outcomes well represented


def test_median_rule_nan_reports_and_errors():
    done = [{0: 1.0, 1: 0.5}] * 5
    assert median_should_prune([math.nan, math.nan], done) is True
    assert median_should_prune([math.nan, 0.4], done) is False
    with pytest.raises(ValueError, match="values"):
        median_should_prune([], done)
    with pytest.raises(ValueError, match="n_warmup_steps"):
        median_should_prune([1.0], done, n_warmup_steps=-1)


def test_task_trains_scores_and_rejects_bad_space():
    task = DigitsTask(epochs=2)
    loss, acc = task.train(0.1, 0.9, 1e-4)
    assert 0 < loss < 1 and acc > 0.8
    assert task.train(1e3, 0.9, 0.0) == (DigitsTask.DIVERGED, 0.1) or task.train(1e3, 0.9, 0.0)[0] > 2
    assert task.grid(3)["lr"] == pytest.approx([1e-3, 0.1, 10.0])
    with pytest.raises(ValueError, match="space"):
        DigitsTask(space={"beta": (0.0, 1.0)})
    with pytest.raises(ValueError, match="kind"):
        make_sampler("bayes", 0)


def test_pruned_study_stops_trials_early():
    task = DigitsTask(epochs=4)
    study = optuna.create_study(sampler=make_sampler("random", 0),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1))
    study.optimize(task.objective, n_trials=12)
    states = [t.state for t in study.trials]
    assert TrialState.PRUNED in states and TrialState.COMPLETE in states
    assert all(len(t.intermediate_values) < 4 for t in study.trials if t.state == TrialState.PRUNED)


def test_two_workers_share_one_sqlite_study(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    optuna.create_study(storage=storage, study_name="s")
    cmd = [sys.executable, "-m", "lessons_lib.tuning", "--storage", storage, "--study", "s", "--n-trials", "3",
           "--epochs", "2", "--sampler", "random"]
    procs = [subprocess.Popen([*cmd, "--seed", str(i)]) for i in range(2)]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    study = optuna.load_study(study_name="s", storage=storage)
    workers = {t.user_attrs["worker"] for t in study.trials}
    assert len(study.trials) == 6 and len(workers) == 2


def test_worker_cli_rejects_bad_arguments():
    out = subprocess.run([sys.executable, "-m", "lessons_lib.tuning", "--storage", "sqlite://", "--study", "s",
                          "--n-trials", "0"], capture_output=True, text=True)
    assert out.returncode == 2 and "--n-trials must be at least 1" in out.stderr
