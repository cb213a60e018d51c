"""Self-grading exercises: a registry of exercises, each with a checker that names the learner's mistake.

>>> from lessons_lib.exercises import check
>>> check("gd_step", my_gd_step)          # a Result: passed, score in [0, 1], feedback; shows nicely in Jupyter

:func:`check` never raises into the notebook: exceptions, infinite loops, NaN, wrong types and shapes, mutated
inputs, objects that fake equality and calls into the library's own implementations all become feedback. The
learner's function runs in a forked child process (Linux, macOS), so a crash, ``os._exit``, a patched NumPy or a
flood of output stays there; errors and timeouts name the line of the learner's code.
"""

from __future__ import annotations

from typing import Any

from ._core import Exercise, NotImplementedYet, Result, Variant, check_function
from .answers import AnswerExercise, AnswerResult, check_answer
from .catalog import EXERCISES as _ALL

EXERCISES: dict[str, Exercise] = {ex.id: ex for ex in _ALL}
"""Every function exercise (kinds implement and debug) by id, in the order of the book."""

_answers: dict[str, AnswerExercise] | None = None


def __getattr__(name: str) -> Any:
    """``ANSWERS``: every value-answered exercise (kinds derive, predict, diagnose) by id. Built on first use: its
    answers are computed by running the small experiments they describe, which importing the checker should not pay
    for."""
    global _answers
    if name == "ANSWERS":
        if _answers is None:
            from .answer_catalog import ANSWER_EXERCISES

            _answers = {ex.id: ex for ex in ANSWER_EXERCISES}
        return _answers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["EXERCISES", "ANSWERS", "Exercise", "AnswerExercise", "Result", "AnswerResult", "Variant",
           "NotImplementedYet", "check", "check_answer", "list_exercises"]


def check(exercise_id: str, fn: Any, seed: int = 20261122, timeout: float = 2.0) -> Result:
    """Grade the learner's function ``fn`` for exercise ``exercise_id``."""
    if exercise_id not in EXERCISES:
        return Result(str(exercise_id), False, 0.0, "error",
                      f"Unknown exercise {exercise_id!r}; known: {', '.join(EXERCISES)}.")
    return check_function(EXERCISES[exercise_id], fn, seed=seed, timeout=timeout)


def list_exercises(chapter: str | None = None) -> list[dict[str, str]]:
    """id, chapter, kind, title, signature and docstring of every function exercise (or of one chapter's), then
    id, chapter, kind and title of every value-answered one (signature and doc empty)."""
    return [{"id": e.id, "chapter": e.chapter, "kind": e.kind, "title": e.title, "signature": e.signature,
             "doc": e.doc} for e in EXERCISES.values() if chapter is None or e.chapter == chapter] + [
        {"id": a.id, "chapter": a.chapter, "kind": a.kind, "title": a.title, "signature": "", "doc": ""}
        for a in __getattr__("ANSWERS").values() if chapter is None or a.chapter == chapter]
