"""Value-answered exercises (derive, predict, diagnose) of Parts III and IV (chapters 14-23); see :mod:`.answers` and :mod:`.answer_catalog`.

Every expected answer is computed here from ``lessons_lib`` (a formula, or the cheap experiment the notebook shows),
never typed; the constants a notebook needs to show exactly what is graded live here too.
"""

from __future__ import annotations

from .answers import AnswerExercise


def exercises() -> list[AnswerExercise]:
    """This part's value-answered exercises, in the order of the book."""
    return []
