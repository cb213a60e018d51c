"""The value-answered exercises (derive, predict, diagnose) of every chapter; see :mod:`.answers`.

Every expected answer is computed here from ``lessons_lib`` (a formula, or the experiment the notebook runs), so the
answer key and the book cannot drift apart. Experiments run at import, so each must take milliseconds. The data an
exercise's notebook cell needs (rates, labels, settings) is exposed as module-level constants and imported by the
notebook, so that the notebook shows exactly what was graded.
"""

from __future__ import annotations

import numpy as np

from .answers import AnswerExercise, bowl_losses

# ----------------------------------------------------------------------------------------------- gradient descent
GD_BOWL = {"L": 10.0, "mu": 1.0}
GD_PREDICT_RATE = 0.21  # just above 2 / L
GD_DIAGNOSE_RATES = {"A": 0.01, "B": 0.21, "C": 0.19}  # labels shown in the exercise notebook


def gd_runs(rates: dict[str, float], steps: int = 60) -> dict[str, np.ndarray]:
    """Loss curves of gradient descent on the ``GD_BOWL`` quadratic from its default start, one per label."""
    return bowl_losses(rates, steps, **GD_BOWL)


def _gd() -> list[AnswerExercise]:
    from ..problems import quadratic

    L = float(np.linalg.eigvalsh(quadratic(**GD_BOWL).A).max())
    runs = gd_runs({"predict": GD_PREDICT_RATE, **GD_DIAGNOSE_RATES})
    predicted = runs.pop("predict")
    outcome = "grows" if predicted[-1] > predicted[0] else "shrinks"
    diverging = [k for k, curve in runs.items() if curve[-1] > curve[0]]
    assert len(diverging) == 1, diverging  # the exercise has exactly one right label
    return [
        AnswerExercise(
            "gd_stable_rate", "gradient-descent", "derive", "The largest stable learning rate", 2.0 / L,
            hint="Write the update along the steep eigenvector: x <- (1 - lr * L) x. When does |1 - lr * L| < 1 hold?",
            explanation="Along the eigenvector of the largest curvature L the update multiplies the error by "
                        "1 - lr * L; it shrinks only while |1 - lr * L| < 1, that is lr < 2 / L."),
        AnswerExercise(
            "gd_predict_above_limit", "gradient-descent", "predict", "Just above the limit",
            outcome, options=("grows", "shrinks"),
            explanation=f"At lr = {GD_PREDICT_RATE} the factor along the steep axis is 1 - lr * L = "
                        f"{1 - GD_PREDICT_RATE * L:.2f}: each step flips the sign of that component and makes it "
                        f"{abs(1 - GD_PREDICT_RATE * L):.2f} times larger, so the loss {outcome}, slowly at first, "
                        "while the shallow direction still converges."),
        AnswerExercise(
            "gd_diagnose_rate", "gradient-descent", "diagnose", "Which run is above 2/L?", diverging[0],
            options=tuple(GD_DIAGNOSE_RATES),
            hint="Look at the end of each curve, on the log scale: which one ends above where it started?",
            explanation="A rate above 2/L makes the steep component grow geometrically: the loss rises after an "
                        "initial fall along the shallow direction. A rate just below 2/L oscillates but converges; "
                        "a tiny rate converges slowly and smoothly."),
    ]


def _all() -> list[AnswerExercise]:
    from . import answers_parts_1_2, answers_parts_3_4

    return [*_gd(), *answers_parts_1_2.exercises(), *answers_parts_3_4.exercises()]


ANSWER_EXERCISES: list[AnswerExercise] = _all()
