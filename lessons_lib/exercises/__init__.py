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
from .catalog import EXERCISES as _ALL

EXERCISES: dict[str, Exercise] = {ex.id: ex for ex in _ALL}
"""Every exercise by id, in the order of the book."""

__all__ = ["EXERCISES", "Exercise", "Result", "Variant", "NotImplementedYet", "check", "list_exercises"]


def check(exercise_id: str, fn: Any, seed: int = 20261122, timeout: float = 2.0) -> Result:
    """Grade the learner's function ``fn`` for exercise ``exercise_id``."""
    if exercise_id not in EXERCISES:
        return Result(str(exercise_id), False, 0.0, "error",
                      f"Unknown exercise {exercise_id!r}; known: {', '.join(EXERCISES)}.")
    return check_function(EXERCISES[exercise_id], fn, seed=seed, timeout=timeout)


def list_exercises(chapter: str | None = None) -> list[dict[str, str]]:
    """id, chapter, title, signature and docstring of every exercise (or of one chapter's)."""
    return [{"id": e.id, "chapter": e.chapter, "title": e.title, "signature": e.signature, "doc": e.doc}
            for e in EXERCISES.values() if chapter is None or e.chapter == chapter]
