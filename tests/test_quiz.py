"""Question banks are well formed, numeric answers are what lessons_lib computes, and rendering works."""

from __future__ import annotations

import pytest

from lessons_lib.quiz import BANKS, show_quiz, to_jupyterquiz, validate_bank


@pytest.mark.parametrize("chapter", sorted(BANKS))
def test_bank_is_valid(chapter: str) -> None:
    validate_bank(chapter, BANKS[chapter])
    converted = to_jupyterquiz(BANKS[chapter])
    assert len(converted) == len(BANKS[chapter])
    for q in converted:
        assert q["type"] in ("multiple_choice", "numeric") and q["answers"]


def test_numeric_answers_match_the_library() -> None:
    from lessons_lib.problems import quadratic

    q = quadratic(L=8.0, mu=2.0)
    gd = {x["id"]: x for x in BANKS["gradient-descent"]}
    assert gd["gd-limit"]["answer"] == pytest.approx(2 / q.L) == pytest.approx(0.25)
    assert gd["gd-rate"]["answer"] == pytest.approx(0.6)


def test_validation_catches_malformed_questions() -> None:
    good = BANKS["sgd"]
    bad = good[:2] + [dict(good[2], answers=[dict(a, correct=True) for a in good[2]["answers"]])] + good[3:]
    with pytest.raises(ValueError, match="exactly one correct answer"):
        validate_bank("sgd", bad)
    with pytest.raises(ValueError, match="at least 5 questions"):
        validate_bank("sgd", good[:3])
    with pytest.raises(ValueError, match="chapter must be one of"):
        show_quiz("no-such-chapter")


def test_show_quiz_emits_html_and_javascript(capsys) -> None:
    from unittest import mock

    shown = []
    with mock.patch("IPython.display.display", side_effect=lambda obj: shown.append(obj)):
        import jupyterquiz.dynamic.display as d

        with mock.patch.object(d, "display", side_effect=lambda obj: shown.append(obj)):
            show_quiz("sgd")
    kinds = {type(o).__name__ for o in shown}
    assert {"HTML", "Javascript"} <= kinds
    js = next(o for o in shown if type(o).__name__ == "Javascript").data
    assert "mini-batch gradient" in js


def test_record_answer_validates_and_stores() -> None:
    from lessons_lib.quiz import RECORDED, record_answer

    record_answer("adam", "adam-corr", 0)
    assert RECORDED["adam/adam-corr"] == 0
    with pytest.raises(ValueError, match="no question 'nope'"):
        record_answer("adam", "nope", 1)


def test_every_chapter_of_parts_one_and_two_has_a_bank() -> None:
    chapters = {"gradient-descent", "sgd", "momentum", "adaptive", "adam", "comparing", "why-schedules", "decay",
                "cyclical", "warmup", "plateau", "frameworks", "schedules-matter"}
    assert chapters <= set(BANKS)


def test_plateau_answers_match_both_frameworks_counting() -> None:
    from lessons_lib.schedules import ReduceLROnPlateau

    qs = {q["id"]: q for q in BANKS["plateau"]}
    torch_like = ReduceLROnPlateau(1.0, patience=2, factor=0.5)
    keras_like = ReduceLROnPlateau.from_keras(1.0, patience=2, factor=0.5)
    for _ in range(6):
        torch_like.step(1.0)
        keras_like.step(1.0)
    assert torch_like.cuts[0] == qs["pl-torch"]["answer"] and keras_like.cuts[0] == qs["pl-keras"]["answer"]
