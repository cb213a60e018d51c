r"""Hyperparameter tuning: a real, cheap tuning task for Optuna, the rules behind random search and median pruning.

* :class:`DigitsTask`: a one-hidden-layer network on scikit-learn's digits, trained with SGD + momentum + weight
  decay; :meth:`DigitsTask.objective` is an Optuna objective (validation loss, reported once per epoch so that a
  pruner can stop a trial early); :meth:`DigitsTask.test_score` retrains a chosen configuration on the whole
  training set with fresh seeds and scores it on the untouched test set.
* :func:`trials_needed`: random search with :math:`n` trials puts at least one trial in the best fraction :math:`q`
  of the search space with probability :math:`1-(1-q)^n`; the smallest :math:`n` that reaches probability
  :math:`p` is :math:`\lceil \ln(1-p) / \ln(1-q) \rceil`.
* :func:`median_should_prune`: the rule of Optuna's ``MedianPruner`` for a minimised objective: at step
  :math:`s \ge` ``n_warmup_steps``, once ``n_startup_trials`` trials have completed, stop the running trial if the
  **best** value it has reported so far is worse than the median of the completed trials' values **at step s**.

Run as a module, it is a tuning worker: several of them (on one machine or many) share one study through Optuna's
RDB storage, ``python -m lessons_lib.tuning --storage sqlite:///study.db --study digits --n-trials 10``.
"""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ._checks import check_int, check_number, check_positive

__all__ = ["DigitsTask", "trials_needed", "median_should_prune", "make_sampler", "main"]

SAMPLERS = ("grid", "random", "tpe")


def trials_needed(q: float, p: float) -> int:
    r"""The fewest random-search trials that land at least one in the best fraction ``q`` with probability ``p``.

    Each trial independently misses the best fraction with probability :math:`1-q`, so all :math:`n` miss with
    :math:`(1-q)^n`; the answer is the smallest :math:`n` with :math:`1-(1-q)^n \ge p`. Computed from the logarithms
    and then corrected by one where floating-point rounding puts the boundary on the wrong side.
    """
    q, p = check_number("q", q), check_number("p", p)
    if not 0 < q < 1:
        raise ValueError(f"q (the fraction of good configurations) must be in (0, 1), got {q!r}")
    if not 0 < p < 1:
        raise ValueError(f"p (the probability to reach) must be in (0, 1), got {p!r}")
    n = max(1, math.ceil(math.log1p(-p) / math.log1p(-q)))
    while n > 1 and 1 - (1 - q) ** (n - 1) >= p:
        n -= 1
    while 1 - (1 - q) ** n < p:
        n += 1
    return n


def median_should_prune(values: Sequence[float], completed: Sequence[Mapping[int, float]], *,
                        n_startup_trials: int = 5, n_warmup_steps: int = 0) -> bool:
    """Optuna's ``MedianPruner`` decision (``interval_steps=1``, ``n_min_trials=1``), minimising.

    ``values[s]`` is what the running trial reported at step ``s`` (steps 0, 1, ..., so the current step is
    ``len(values) - 1``); ``completed`` holds each *completed* trial's reports as ``{step: value}`` (pruned trials
    are not in it). NaN reports are ignored in the median, and a running trial whose reports are all NaN is pruned.
    """
    n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=0)
    n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, minimum=0)
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence of reports, got shape {values.shape}")
    step = values.size - 1
    if not completed or len(completed) < n_startup_trials or step < n_warmup_steps:
        return False
    if np.all(np.isnan(values)):
        return True
    best = float(np.nanmin(values))
    at_step = [float(c[step]) for c in completed if step in c]
    if not at_step or np.all(np.isnan(at_step)):
        return False
    return best > float(np.nanmedian(at_step))


@dataclass
class DigitsTask:
    """The tuning task of the chapter "Tuning": an MLP on digits, SGD with momentum and weight decay.

    The training part of :func:`lessons_lib.problems.load_dataset` ("digits") is split once into a part to fit on
    and a validation part (``val_fraction``); trials are scored on validation loss, the test set is used only by
    :meth:`test_score`. ``space`` gives each hyperparameter's range (``lr`` and ``weight_decay`` on a log scale).
    """

    epochs: int = 6
    batch_size: int = 64
    n_hidden: int = 32
    val_fraction: float = 0.25
    split_seed: int = 0
    space: dict[str, tuple[float, float]] = field(default_factory=lambda: {
        "lr": (1e-3, 10.0), "momentum": (0.0, 0.99), "weight_decay": (1e-6, 1e-1)})
    LOG_SCALE = ("lr", "weight_decay")
    DIVERGED = 10.0  # the score of a run whose loss stopped being finite (about 4x the loss of a uniform guess)

    def __post_init__(self) -> None:
        from .problems import load_dataset, validation_split
        from .train import MLP

        self.epochs = check_int("epochs", self.epochs, minimum=1)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)
        data = load_dataset("digits")
        self.data = data
        self.fit_set = validation_split(data.X_train, data.y_train, self.val_fraction, seed=self.split_seed)
        self.model = MLP(data.X_train.shape[1], check_int("n_hidden", self.n_hidden, minimum=1), 10)
        for name, (low, high) in self.space.items():
            if name not in ("lr", "momentum", "weight_decay") or not low < high:
                raise ValueError(f"space[{name!r}] = {(low, high)!r}: names are lr, momentum, weight_decay and "
                                 "each range must have low < high")

    def train(self, lr: float, momentum: float, weight_decay: float, *, seed: int = 0, final: bool = False,
              report: Callable[[int, float], None] | None = None) -> tuple[float, float]:
        """Train once; return ``(loss, accuracy)`` on the validation set, or on the test set when ``final``.

        ``final`` fits on the whole training set (fit + validation). ``report(epoch, loss)`` is called after every
        epoch with the validation loss (test loss when ``final``) and may raise to stop the run.
        """
        from .optimizers import SGD
        from .train import minibatches

        check_positive("lr", lr)
        X, y, Xe, ye = self.fit_set
        if final:
            X, y, Xe, ye = self.data.X_train, self.data.y_train, self.data.X_test, self.data.y_test
        rng = np.random.default_rng(seed)
        params = self.model.init(seed)
        opt = SGD(lr=lr, momentum=momentum, weight_decay=weight_decay)
        state = opt.init(params)
        score = self.DIVERGED
        for epoch in range(self.epochs):
            for idx in minibatches(len(y), self.batch_size, rng):
                with np.errstate(all="ignore"):
                    loss, grads = self.model.loss_and_grad(params, X[idx], y[idx])
                if not np.isfinite(loss):
                    return self.DIVERGED, 0.1
                params, state = opt.update(params, grads, state)
            with np.errstate(all="ignore"):
                score, _ = self.model.loss_and_grad(params, Xe, ye)
            score = float(score) if np.isfinite(score) else self.DIVERGED
            score = min(score, self.DIVERGED)
            if report is not None:
                report(epoch, score)
            if score >= self.DIVERGED:
                return self.DIVERGED, 0.1
        return score, float(np.mean(self.model.predict(params, Xe) == ye))

    def suggest(self, trial: Any) -> dict[str, float]:
        """The trial's hyperparameters, drawn from :attr:`space`."""
        return {name: trial.suggest_float(name, low, high, log=name in self.LOG_SCALE)
                for name, (low, high) in self.space.items()}

    def objective(self, trial: Any) -> float:
        """An Optuna objective: validation loss, reported per epoch; raises ``TrialPruned`` when the pruner says so."""
        import optuna

        def report(epoch: int, value: float) -> None:
            trial.report(value, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()

        trial.set_user_attr("worker", os.getpid())
        return self.train(**self.suggest(trial), seed=0, report=report)[0]

    def test_score(self, params: Mapping[str, float], seeds: Sequence[int]) -> np.ndarray:
        """Test accuracy of a configuration retrained on the whole training set, one entry per fresh seed."""
        return np.array([self.train(**params, seed=s, final=True)[1] for s in seeds])

    def grid(self, points: int) -> dict[str, list[float]]:
        """``points`` values per hyperparameter, evenly spaced (log-evenly for lr and weight decay): a grid search."""
        points = check_int("points", points, minimum=2)
        return {name: (np.geomspace if name in self.LOG_SCALE else np.linspace)(low, high, points).tolist()
                for name, (low, high) in self.space.items()}


def make_sampler(kind: str, seed: int, task: DigitsTask | None = None, grid_points: int = 3) -> Any:
    """An Optuna sampler by name: ``grid`` (needs ``task``), ``random`` or ``tpe``, seeded."""
    import optuna

    if kind == "grid":
        if task is None:
            raise ValueError("kind='grid' needs the task, whose space defines the grid")
        return optuna.samplers.GridSampler(task.grid(grid_points), seed=seed)
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    raise ValueError(f"kind must be one of {', '.join(map(repr, SAMPLERS))}, got {kind!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """A tuning worker: join (or create) a study in shared storage and run trials of :class:`DigitsTask`."""
    import optuna

    parser = argparse.ArgumentParser(prog="python -m lessons_lib.tuning", description=main.__doc__)
    parser.add_argument("--storage", required=True, help="an Optuna storage URL, e.g. sqlite:///study.db or "
                        "postgresql://user:password@host/db")
    parser.add_argument("--study", required=True, help="the study's name; every worker uses the same")
    parser.add_argument("--n-trials", type=int, default=10, help="trials this worker runs")
    parser.add_argument("--sampler", choices=SAMPLERS[1:], default="tpe")
    parser.add_argument("--seed", type=int, default=None, help="the sampler's seed (give each worker its own)")
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args(argv)
    if args.n_trials < 1:
        parser.error(f"--n-trials must be at least 1, got {args.n_trials}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    task = DigitsTask(epochs=args.epochs)
    study = optuna.create_study(storage=args.storage, study_name=args.study, load_if_exists=True,
                                sampler=make_sampler(args.sampler, args.seed),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1))
    study.optimize(task.objective, n_trials=args.n_trials)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests and the chapter
    raise SystemExit(main())
