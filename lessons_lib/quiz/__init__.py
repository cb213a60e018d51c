"""Check-your-understanding quizzes: question banks stored as data, rendered with jupyterquiz.

Each chapter has a bank (:mod:`lessons_lib.quiz.banks`). Multiple-choice questions carry feedback on every option;
numeric questions carry an answer computed from lessons_lib (not typed) and a tolerance. :func:`show_quiz` renders a
bank with jupyterquiz, whose JavaScript runs in Jupyter, Colab and the static HTML book alike (no kernel round trip).
"""

from __future__ import annotations

from typing import Any

from .banks import BANKS, Question

__all__ = ["BANKS", "Question", "show_quiz", "to_jupyterquiz", "validate_bank", "record_answer", "RECORDED",
           "questions_text", "print_questions", "is_correct"]

RECORDED: dict[str, Any] = {}
"""Answers recorded in this session with :func:`record_answer` (the grader collects them from submissions)."""


def validate_bank(chapter: str, questions: list[Question]) -> None:
    """Raise ValueError naming the chapter and question if a bank is malformed."""
    import math

    if len(questions) < 5:
        raise ValueError(f"bank {chapter!r} must have at least 5 questions, got {len(questions)}")
    ids = [q["id"] for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError(f"bank {chapter!r} has duplicate question ids: {ids}")
    for q in questions:
        where = f"{chapter}/{q['id']}"
        if not q.get("question"):
            raise ValueError(f"{where}: empty question text")
        if q["type"] == "multiple_choice":
            answers = q["answers"]
            if len(answers) < 2 or sum(bool(a["correct"]) for a in answers) != 1:
                raise ValueError(f"{where}: needs at least 2 options and exactly one correct answer")
            if any(not a.get("feedback") for a in answers):
                raise ValueError(f"{where}: every option needs feedback")
        elif q["type"] == "numeric":
            if not (math.isfinite(q["answer"]) and math.isfinite(q["tolerance"]) and q["tolerance"] > 0):
                raise ValueError(f"{where}: numeric answer and tolerance must be finite, tolerance > 0")
            if not q.get("feedback_correct") or not q.get("feedback_wrong"):
                raise ValueError(f"{where}: numeric questions need feedback for right and wrong answers")
        else:
            raise ValueError(f"{where}: unknown type {q['type']!r}")


def to_jupyterquiz(questions: list[Question]) -> list[dict[str, Any]]:
    """Convert a bank to jupyterquiz's JSON format."""
    out: list[dict[str, Any]] = []
    for q in questions:
        if q["type"] == "multiple_choice":
            out.append({"question": q["question"], "type": "multiple_choice",
                        "answers": [{"answer": a["answer"], "correct": bool(a["correct"]), "feedback": a["feedback"]}
                                    for a in q["answers"]]})
        else:
            lo, hi = q["answer"] - q["tolerance"], q["answer"] + q["tolerance"]
            out.append({"question": q["question"], "type": "numeric",
                        "answers": [{"type": "range", "range": [lo, hi], "correct": True,
                                     "feedback": q["feedback_correct"]},
                                    {"type": "default", "feedback": q["feedback_wrong"]}]})
    return out


def show_quiz(chapter: str) -> None:
    """Render the chapter's quiz (call it in a notebook cell)."""
    _check_chapter(chapter)
    from jupyterquiz import display_quiz

    display_quiz(to_jupyterquiz(BANKS[chapter]), shuffle_answers=False)


def questions_text(chapter: str) -> str:
    """A chapter's questions as plain text, with option numbers but without answers or feedback (for graded use,
    where jupyterquiz's instant feedback would give the answers away)."""
    _check_chapter(chapter)
    lines = []
    for q in BANKS[chapter]:
        lines.append(f"[{q['id']}] {q['question']}")
        if q["type"] == "multiple_choice":
            lines += [f"    {i}) {a['answer']}" for i, a in enumerate(q["answers"])]
        else:
            lines.append("    (answer with a number)")
    return "\n".join(lines)


def print_questions(chapter: str) -> None:
    """Print :func:`questions_text` (call it in a notebook cell)."""
    print(questions_text(chapter))


def _check_chapter(chapter: str) -> None:
    if chapter not in BANKS:
        raise ValueError(f"chapter must be one of {', '.join(map(repr, sorted(BANKS)))}, got {chapter!r}")


def _question(chapter: str, question: str) -> Question:
    _check_chapter(chapter)
    for q in BANKS[chapter]:
        if q["id"] == question:
            return q
    raise ValueError(f"no question {question!r} in chapter {chapter!r}; ids: {[q['id'] for q in BANKS[chapter]]}")


def is_correct(chapter: str, question: str, answer: Any) -> bool:
    """Whether ``answer`` is right: a multiple-choice answer is the option's 0-based index (or its exact text), a
    numeric one a number within the question's tolerance. Never raises for a malformed answer (it is just wrong)."""
    q = _question(chapter, question)
    if isinstance(answer, bool):
        return False
    if q["type"] == "numeric":
        try:
            value = float(answer)
        except (TypeError, ValueError, OverflowError):
            return False
        return abs(value - q["answer"]) <= q["tolerance"]
    correct = next(i for i, a in enumerate(q["answers"]) if a["correct"])
    if type(answer) is int:
        return answer == correct
    return type(answer) is str and answer.strip() == q["answers"][correct]["answer"]


def record_answer(chapter: str, question: str, answer: Any) -> None:
    """Record an answer for graded use: ``record_answer("adam", "adam-nocorr", 3.16)``.

    Multiple-choice answers are given as the option's 0-based index (see :func:`print_questions`) or its text;
    numeric ones as numbers. The instructor's grader (``python -m lessons_lib.grade``) runs the submitted notebook
    in a sandbox and collects the answers recorded there; nothing is revealed about correctness here.
    """
    q = _question(chapter, question)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        raise TypeError(f"answer must be a number (or an option's text), got {answer!r}")
    if q["type"] == "multiple_choice" and type(answer) is int and not 0 <= answer < len(q["answers"]):
        raise ValueError(f"answer for {chapter}/{question} must be an option number 0..{len(q['answers']) - 1}, "
                         f"got {answer!r}")
    RECORDED[f"{chapter}/{question}"] = answer
    print(f"recorded {chapter}/{question} = {answer!r}")
