"""Exercises answered with a value instead of a function: derive/compute, predict-then-run and diagnose.

* **derive** (work it out by hand): a number the learner computes on paper, e.g. the largest stable learning rate of
  a quadratic, the rate at update k of a schedule, Adam's first step;
* **predict** (commit, then run): the learner records a prediction *before* running the experiment cell below it;
  the prediction is what is graded, and the feedback explains the outcome;
* **diagnose**: which of several labelled curves or traces shows which problem (the answer is an option's label).

A notebook cell calls ``check_answer("gd_stable_rate", answer)``: it prints whether the answer is right (a wrong one
gets a hint, never the answer; a right one, and any prediction, gets the explanation) and records it, as
:func:`lessons_lib.quiz.record_answer` does, for the instructor's grader (key ``answer/<id>``). The expected values
are computed from ``lessons_lib`` where a number is involved, never typed.

(The fourth kind of the course, **debug**, is an ordinary function exercise of :mod:`lessons_lib.exercises.catalog`
whose starting code has a planted bug: see ``# BEGIN FIX`` in :mod:`lessons_lib.exercises.build`.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AnswerExercise", "AnswerResult", "check_answer", "is_right", "ANSWER_KINDS"]

ANSWER_KINDS = ("derive", "predict", "diagnose")


@dataclass(frozen=True)
class AnswerExercise:
    """One value-answered exercise. ``answer`` is a number (graded within ``rtol``/``atol``) or, when ``options`` is
    given, the label of the right option (graded exactly, case and surrounding spaces ignored)."""

    id: str
    chapter: str
    kind: str
    title: str
    answer: float | str
    options: tuple[str, ...] = ()
    rtol: float = 1e-3
    atol: float = 0.0
    hint: str = ""
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ANSWER_KINDS:
            raise ValueError(f"kind must be one of {ANSWER_KINDS}, got {self.kind!r} (exercise {self.id!r})")
        if self.options:
            if not isinstance(self.answer, str) or _norm(self.answer) not in {_norm(o) for o in self.options}:
                raise ValueError(f"answer {self.answer!r} of {self.id!r} must be one of its options {self.options}")
        elif isinstance(self.answer, str) or not math.isfinite(float(self.answer)):
            raise ValueError(f"answer of {self.id!r} must be a finite number when there are no options, "
                             f"got {self.answer!r}")


@dataclass
class AnswerResult:
    exercise: str
    passed: bool
    status: str  # "right", "wrong", "not answered", "invalid"
    feedback: str = field(default="")

    def __str__(self) -> str:
        head = {"right": "RIGHT", "not answered": "NOT ANSWERED YET"}.get(self.status, "NOT YET")
        return f"[{head}] {self.exercise}\n{self.feedback}"

    def _repr_html_(self) -> str:
        import html

        color = {"right": "#1b7e3c", "not answered": "#6b6b6b"}.get(self.status, "#b00020")
        body = html.escape(str(self)).replace("\n", "<br>")
        return f'<div style="border-left:6px solid {color};padding:6px 10px;font-family:monospace">{body}</div>'


def bowl_losses(rates: dict[str, Any], steps: int, L: float = 10.0, mu: float = 1.0) -> dict[str, Any]:
    """Loss curves of gradient descent (a rate or a schedule per label) on ``lessons_lib.problems.quadratic(L, mu)``
    from its default start: the small experiment several predict and diagnose exercises show. A diverging run is
    followed up to a loss of 1e30."""
    from ..optimizers import SGD
    from ..problems import quadratic
    from ..train import minimize

    bowl = quadratic(L=L, mu=mu)
    return {k: minimize(SGD(lr=lr), bowl.f, bowl.grad, bowl.start, steps=steps, divergence_threshold=1e30).losses
            for k, lr in rates.items()}


def _norm(label: Any) -> str:
    return str(label).strip().casefold()


def is_right(ex: AnswerExercise, value: Any) -> bool:
    """Whether ``value`` answers ``ex``; never raises (a malformed value is just wrong)."""
    if value is None or isinstance(value, bool):
        return False
    if ex.options:
        return isinstance(value, str) and _norm(value) == _norm(ex.answer)
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(v) and abs(v - float(ex.answer)) <= ex.atol + ex.rtol * abs(float(ex.answer))


def check_answer(exercise_id: str, value: Any) -> AnswerResult:
    """Check and record the answer to a value-answered exercise (see the module docstring)."""
    from . import ANSWERS
    from ..quiz import RECORDED

    if exercise_id not in ANSWERS:
        return AnswerResult(str(exercise_id), False, "invalid",
                            f"Unknown exercise {exercise_id!r}; known: {', '.join(sorted(ANSWERS))}.")
    ex = ANSWERS[exercise_id]
    if value is None:
        return AnswerResult(ex.id, False, "not answered", "Replace None by your answer and run the cell again.")
    if ex.options and not isinstance(value, str):
        return AnswerResult(ex.id, False, "invalid", f"Answer with one of the labels {', '.join(ex.options)} "
                                                     f"(a string), got {value!r}.")
    if not ex.options and (isinstance(value, (bool, str)) or not isinstance(value, (int, float)) and
                           not hasattr(value, "__float__")):
        return AnswerResult(ex.id, False, "invalid", f"Answer with a number, got {value!r}.")
    if ex.options and _norm(value) not in {_norm(o) for o in ex.options}:
        return AnswerResult(ex.id, False, "invalid", f"{value!r} is not one of the labels {', '.join(ex.options)}.")
    recorded = value if ex.options else float(value)
    RECORDED[f"answer/{ex.id}"] = recorded
    right = is_right(ex, value)
    if right:
        return AnswerResult(ex.id, True, "right", f"Right. {ex.explanation}".strip())
    if ex.kind == "predict":  # a prediction is committed: explain what happens, the score is the prediction's
        return AnswerResult(ex.id, False, "wrong", f"Not what happens. {ex.explanation}".strip())
    return AnswerResult(ex.id, False, "wrong", f"Not yet. {ex.hint}".strip())
