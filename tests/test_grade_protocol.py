"""The grader's parent side without a sandbox: refusing without bubblewrap, the secret per-run seed, notebook limits
before parsing, and the validation of the worker's (hostile) replies. Fast; needs no bubblewrap."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from lessons_lib.grade import grader
from lessons_lib.grade import sandbox as sb
from lessons_lib.grade.grader import _decode, _valid_answers, chapter_items, read_code_cells
from lessons_lib.grade.sandbox import ProtocolError, _parse


def test_without_bubblewrap_the_grader_refuses_and_names_the_package(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(sb, "bwrap_path", lambda: None)
    nb = tmp_path / "a.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert grader.main([str(nb), "--chapter", "adam", "--out", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert "bubblewrap" in err and "--unsafe-no-sandbox" in err
    assert not (tmp_path / "r.csv").exists()
    with pytest.raises(sb.SandboxUnavailable, match="bubblewrap"):
        grader.grade_submission(nb, "adam")


def test_each_run_draws_a_secret_seed(monkeypatch, tmp_path) -> None:
    seeds = []

    def fake(path, chapter, seed, **kw):
        seeds.append(seed)
        return grader.SubmissionReport(submission=str(path), chapter=chapter)

    monkeypatch.setattr(grader, "grade_submission", fake)
    for _ in range(2):
        assert grader.main([str(tmp_path / "a.ipynb"), str(tmp_path / "b.ipynb"), "--chapter", "adam",
                            "--out", str(tmp_path / "r.csv"), "--unsafe-no-sandbox"]) == 0
    assert seeds[0] == seeds[1] and seeds[2] == seeds[3] and seeds[0] != seeds[2]  # one per run, not predictable


def test_each_chapter_has_a_fixed_list() -> None:
    assert chapter_items("adam") == (["adam_step", "adamw_step", "adam_run", "adam_uncorrected_first_step",
                                      "adam_predict_scale"],
                                     ["adam/adam-nocorr", "adam/adam-epshat", "adam/adam-corr", "adam/adam-amsgrad",
                                      "adam/adam-adamw"])
    with pytest.raises(ValueError, match="unknown chapter"):
        chapter_items("nope")
    quiz = grader._grade_quiz("adam", {"adam/adam-nocorr": 3.16, "gradient-descent/gd-lr": 1, "adam/x": 1})
    assert set(quiz) == set(chapter_items("adam")[1]) and sum(quiz.values()) <= 1


def test_notebooks_are_size_checked_before_parsing(tmp_path) -> None:
    big = tmp_path / "big.ipynb"
    big.write_bytes(b"{" + b" " * (2 * 2**20))  # not even JSON: refused by its size alone
    with pytest.raises(ValueError, match="larger than 1 MiB"):
        read_code_cells(big, max_mb=1)
    many = tmp_path / "many.ipynb"
    many.write_text(json.dumps({"cells": [{"cell_type": "code", "source": ""}] * 11}))
    with pytest.raises(ValueError, match="11 cells"):
        read_code_cells(many, max_cells=10)
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)  # opening it would block for ever
    with pytest.raises(ValueError, match="not a regular file"):
        read_code_cells(fifo)
    ok = tmp_path / "ok.ipynb"
    ok.write_text(json.dumps({"cells": [{"cell_type": "code", "source": ["a = 1\n", "b = 2"]},
                                        {"cell_type": "markdown", "source": "text"}]}))
    assert read_code_cells(ok) == ["a = 1\nb = 2"]


@pytest.mark.parametrize("line", [b"\xff\xfe\n", b"null", b"[1, 2]", b"{\"a\": 1", b"[" * 100_000])
def test_invalid_lines_are_protocol_errors(line) -> None:
    with pytest.raises(ProtocolError):
        _parse(line)


@pytest.mark.parametrize("value", [
    None, 1.0, {"__nd__": [1.0], "shape": [40000, 40000], "dtype": "float64"},
    {"__nd__": [1.0], "shape": [1], "dtype": "object"}, {"__nd__": [1.0], "shape": [1], "dtype": "U1000000000"},
    {"__nd__": [None], "shape": [1], "dtype": "float64"}, {"__nd__": [True], "shape": [1], "dtype": "float64"},
    {"__nd__": [0.0] * 11, "shape": [11], "dtype": "float64"}, {"__num__": "1", "dtype": "float64"},
    {"__seq__": [{"__num__": 1.0, "dtype": "float64"}] * 65, "kind": "tuple"}, {"__seq__": [], "kind": "set"},
    {"__nd__": [1.0], "shape": [1], "dtype": "float64", "extra": 1}])
def test_malformed_values_are_refused(value) -> None:
    with pytest.raises(ProtocolError):
        _decode(value, max_elements=10)


def test_valid_values_decode_to_plain_numbers() -> None:
    arr = _decode({"__nd__": [1.0, 2.0, 3.0, 4.0], "shape": [2, 2], "dtype": "float32"}, 10)
    assert type(arr) is np.ndarray and arr.dtype == np.float32 and arr.shape == (2, 2)
    out = _decode({"__seq__": [{"__num__": 1.5, "dtype": "float64"}, {"__type__": "Liar"}], "kind": "tuple"}, 10)
    assert out[0] == 1.5 and type(out[1]).__name__ == "Liar"


@pytest.mark.parametrize("reply", [{"answers": None}, {"answers": []}, {"answers": {"a/b": None}},
                                   {"answers": {"a/b": True}}, {"answers": {"a/b": "x" * 201}}, {"other": 1}])
def test_malformed_answers_are_refused(reply) -> None:
    with pytest.raises(ProtocolError):
        _valid_answers(reply)


def test_csv_cells_are_never_formulas(monkeypatch, tmp_path) -> None:
    def fake(path, chapter, seed, **kw):
        return grader.SubmissionReport(submission=str(path), chapter=chapter, notes=["=HYPERLINK(\"x\")"])

    monkeypatch.setattr(grader, "grade_submission", fake)
    assert grader.main(["=cmd.ipynb", "--chapter", "adam", "--out", str(tmp_path / "r.csv"),
                        "--unsafe-no-sandbox"]) == 0
    row = (tmp_path / "r.csv").read_text().splitlines()[1]
    assert row.startswith("'=cmd.ipynb") and "'=HYPERLINK" in row
