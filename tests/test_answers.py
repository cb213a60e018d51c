"""Value-answered exercises (derive, predict, diagnose) and debug exercises: the registry, the check the learner
sees, the notebook markers, and the grader's scoring of recorded answers."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from lessons_lib.exercises import ANSWERS, EXERCISES, check_answer
from lessons_lib.exercises import build
from lessons_lib.exercises.answers import ANSWER_KINDS, AnswerExercise, is_right
from lessons_lib.grade.grader import chapter_items, grade_submission, read_code_cells
from lessons_lib.grade.sandbox import unavailable_reason
from lessons_lib.quiz import BANKS, RECORDED

REPO = Path(__file__).resolve().parents[1]
GD = REPO / "exercises" / "source" / "gradient-descent.py"
UNSAFE = unavailable_reason() is not None


def test_registry_is_valid_and_separate_from_function_exercises() -> None:
    assert ANSWERS and not set(ANSWERS) & set(EXERCISES)
    for a in ANSWERS.values():
        assert a.chapter in BANKS and a.kind in ANSWER_KINDS and a.title
        assert a.explanation, f"{a.id}: every exercise explains why"
        assert a.hint or a.kind == "predict", f"{a.id}: a wrong answer gets a hint"
        assert is_right(a, a.answer)
    kinds = {a.kind for a in ANSWERS.values()} | {e.kind for e in EXERCISES.values()}
    assert kinds >= {"implement", "debug", "derive", "predict", "diagnose"}


def test_check_answer_feedback_and_recording() -> None:
    a = ANSWERS["gd_stable_rate"]
    assert check_answer(a.id, None).status == "not answered"
    right = check_answer(a.id, float(a.answer))
    assert right.passed and a.explanation in right.feedback and RECORDED[f"answer/{a.id}"] == float(a.answer)
    wrong = check_answer(a.id, 2 * float(a.answer))
    assert not wrong.passed and wrong.status == "wrong" and a.hint in wrong.feedback
    assert f"{float(a.answer):g}" not in wrong.feedback  # a wrong answer never reveals the right one
    assert check_answer(a.id, "0.2").status == "invalid"
    assert check_answer("nope", 1).status == "invalid"
    p = ANSWERS["gd_predict_above_limit"]
    other = next(o for o in p.options if o != p.answer)
    committed = check_answer(p.id, other)
    assert not committed.passed and p.explanation in committed.feedback  # a prediction is explained either way
    assert check_answer(p.id, f"  {p.answer.upper()} ").passed
    assert check_answer(p.id, 3).status == "invalid" and check_answer(p.id, "maybe").status == "invalid"


def test_answer_exercise_rejects_an_answer_outside_its_options() -> None:
    with pytest.raises(ValueError, match="must be one of its options"):
        AnswerExercise("x", "gradient-descent", "diagnose", "t", "D", options=("A", "B"))
    with pytest.raises(ValueError, match="kind"):
        AnswerExercise("x", "gradient-descent", "guess", "t", 1.0)
    with pytest.raises(ValueError, match="finite number"):
        AnswerExercise("x", "gradient-descent", "derive", "t", float("nan"))


def test_diagnose_answer_is_the_run_that_really_diverges() -> None:
    from lessons_lib.exercises.answer_catalog import GD_DIAGNOSE_RATES, gd_runs

    runs = gd_runs(GD_DIAGNOSE_RATES)
    assert [k for k, c in runs.items() if c[-1] > c[0]] == [ANSWERS["gd_diagnose_rate"].answer]


def test_markers_answer_and_fix() -> None:
    src = "# BEGIN ANSWER\nx = 1 / 5\n# END ANSWER\ncheck_answer('a', x)"
    assert build.student_code(src) == "x = None  # your answer\ncheck_answer('a', x)"
    assert build.solution_code(src) == "x = 1 / 5\ncheck_answer('a', x)"
    with pytest.raises(ValueError, match="must assign"):
        build.student_code("# BEGIN ANSWER\nprint(1)\n# END ANSWER")
    fix = "def f():\n    # BEGIN FIX\n    return 1\n    # INSTEAD\n    return 2\n    # END FIX"
    assert build.student_code(fix) == "def f():\n    return 2"
    assert build.solution_code(fix) == "def f():\n    return 1"


def _gd_notebook(tmp: Path, name: str, version: str, answers: dict[str, object] | None = None) -> Path:
    nb = build.build(GD, version)
    for aid, value in (answers or {}).items():
        for cell in nb.cells:
            if cell.cell_type == "code" and f'check_answer("{aid}"' in cell.source:
                var = cell.source.split("check_answer(")[1].split(",")[1].strip(" )\n")
                cell.source = f"{var} = {value!r}\n" + cell.source.split("\n")[-1]
    path = tmp / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_grader_scores_recorded_answers_and_skips_no_grade_cells(tmp_path: Path) -> None:
    ids, _ = chapter_items("gradient-descent")
    answer_ids = [i for i in ids if i in ANSWERS]
    assert answer_ids and ids[-len(answer_ids):] == answer_ids
    right = _gd_notebook(tmp_path, "right", "solution")
    assert not any("answer_catalog" in c for c in read_code_cells(right))  # figures (no-grade) stay out
    wrong = _gd_notebook(tmp_path, "wrong", "solution", {"gd_stable_rate": 0.1, "gd_diagnose_rate": "A"})
    stub = _gd_notebook(tmp_path, "stub", "student")
    r_right = grade_submission(right, "gradient-descent", seed=1, unsafe_no_sandbox=UNSAFE)
    r_wrong = grade_submission(wrong, "gradient-descent", seed=1, unsafe_no_sandbox=UNSAFE)
    r_stub = grade_submission(stub, "gradient-descent", seed=1, unsafe_no_sandbox=UNSAFE)
    assert all(r_right.exercises[a] == 1.0 for a in answer_ids), r_right
    assert r_right.exercises["gd_run"] == 1.0 and not [n for n in r_right.notes if n.startswith("cell ")]
    assert r_wrong.exercises["gd_stable_rate"] == 0.0 and r_wrong.exercises["gd_diagnose_rate"] == 0.0
    assert r_wrong.exercises["gd_predict_above_limit"] == 1.0
    assert all(r_stub.exercises[a] == 0.0 for a in answer_ids) and r_stub.exercises["gd_run"] < 1.0
    assert r_stub.feedback["gd_stable_rate"] == "not answered"
