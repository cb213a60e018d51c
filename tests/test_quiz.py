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


def test_print_questions_shows_options_without_answers(capsys) -> None:
    from lessons_lib.quiz import print_questions

    print_questions("plateau")
    text = capsys.readouterr().out
    for q in BANKS["plateau"]:
        assert q["id"] in text and q["question"] in text
        for a in q.get("answers", []):
            assert a["answer"] in text and a["feedback"] not in text


def test_is_correct_accepts_the_right_answer_only() -> None:
    from lessons_lib.quiz import is_correct

    for chapter, questions in BANKS.items():
        for q in questions:
            if q["type"] == "numeric":
                assert is_correct(chapter, q["id"], q["answer"])
                assert is_correct(chapter, q["id"], str(q["answer"]))
                assert not is_correct(chapter, q["id"], q["answer"] + 2 * q["tolerance"])
                assert not is_correct(chapter, q["id"], "not a number") and not is_correct(chapter, q["id"], True)
            else:
                right = [i for i, a in enumerate(q["answers"]) if a["correct"]][0]
                assert is_correct(chapter, q["id"], right)
                assert is_correct(chapter, q["id"], q["answers"][right]["answer"])
                assert not any(is_correct(chapter, q["id"], i) for i in range(len(q["answers"])) if i != right)
                assert not is_correct(chapter, q["id"], float(right))  # an index must be an int


def test_correct_options_are_spread_over_positions() -> None:
    from collections import Counter

    positions = Counter([a["correct"] for a in q["answers"]].index(True)
                        for qs in BANKS.values() for q in qs if q["type"] == "multiple_choice")
    assert len(positions) >= 3 and max(positions.values()) <= 0.5 * sum(positions.values())


def test_record_answer_rejects_malformed_answers() -> None:
    from lessons_lib.quiz import record_answer

    with pytest.raises(ValueError, match="option number"):
        record_answer("plateau", "pl-cooldown", 7)
    with pytest.raises(TypeError, match="answer must be a number"):
        record_answer("plateau", "pl-torch", [3])
    with pytest.raises(ValueError, match="chapter must be one of"):
        record_answer("nope", "pl-torch", 3)
