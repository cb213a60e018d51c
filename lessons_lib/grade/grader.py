"""Grade submitted notebooks (the parent side; see :mod:`lessons_lib.grade` and :mod:`lessons_lib.grade.sandbox`).

For each submission, in order, with nothing shared between submissions:

1. The notebook is size-checked (bytes, then number of cells) *before* it is parsed, and only its code cells'
   sources are kept. A notebook over the limits scores 0 ("refused").
2. A fresh bubblewrap sandbox runs those cells (:mod:`lessons_lib.grade._worker`); it sees Python, NumPy and a
   private ``/tmp``, nothing else.
3. Each exercise of the chapter's fixed list is checked from *this* process with
   :func:`lessons_lib.exercises._core.check_function`: inputs (public cases, and hidden ones drawn from a secret
   per-run seed) and expected outputs are computed here; the sandbox only receives inputs and returns numbers,
   which are validated (allowed dtypes, sizes, shapes) before any comparison. Missing exercises score 0.
4. The quiz answers recorded with ``record_answer`` are collected; only the chapter's own questions count, missing
   ones score 0.
5. The sandbox is killed (its PID namespace with it). Any failure of the submission's process (a crash, a hang, a
   reply that breaks the protocol) costs that submission only: score 0 for what was not graded, and the reason in
   the report's ``status`` and ``notes``.

Reports are written by this process only, atomically (temporary file + ``os.replace``), where no sandbox can see.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import secrets
import stat
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exercises import ANSWERS, EXERCISES
from ..exercises.answers import is_right
from ..exercises._core import NotImplementedYet, _Timeout, check_function
from ..quiz import BANKS, is_correct
from . import sandbox as sb
from .sandbox import Limits, ProtocolError, Sandbox, SandboxUnavailable

__all__ = ["grade_submission", "SubmissionReport", "main", "chapter_items", "read_code_cells"]

MAX_NOTEBOOK_MB = 5.0
MAX_CELLS = 1000
_DTYPES = {f"{k}{b}" for k in ("float", "int", "uint") for b in (8, 16, 32, 64)} - {"float8"}
_REPLY_KINDS = {"timeout", "notimplemented", "mutated", "error", "missing"}


@dataclass
class SubmissionReport:
    submission: str
    chapter: str = ""
    score: float = 0.0
    exercises: dict[str, float] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    quiz: dict[str, float] = field(default_factory=dict)
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def chapter_items(chapter: str) -> tuple[list[str], list[str]]:
    """The fixed list a chapter is scored on: its exercise ids (function exercises, then value-answered ones) and its
    quiz keys ``chapter/question``."""
    if chapter not in BANKS:
        raise ValueError(f"unknown chapter {chapter!r}; chapters: {', '.join(sorted(BANKS))}")
    return ([eid for eid, ex in EXERCISES.items() if ex.chapter == chapter] +
            [aid for aid, a in ANSWERS.items() if a.chapter == chapter],
            [f"{chapter}/{q['id']}" for q in BANKS[chapter]])


NO_GRADE_TAG = "no-grade"


def read_code_cells(path: Path, max_mb: float = MAX_NOTEBOOK_MB, max_cells: int = MAX_CELLS) -> list[str]:
    """The code cells' sources of a notebook, refusing (ValueError) before parsing what is too large. Cells tagged
    ``no-grade`` (the exercise notebooks' figures, which use the library the sandbox does not have) are left out."""
    limit = int(max_mb * 2**20)
    if not stat.S_ISREG(os.stat(path).st_mode):  # not a FIFO or a device, which could block or never end
        raise ValueError("not a regular file")
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            raise ValueError(f"the notebook is larger than {max_mb:g} MiB")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"the notebook is larger than {max_mb:g} MiB")
    nb = json.loads(data.decode("utf-8"))
    cells = nb.get("cells") if type(nb) is dict else None
    if type(cells) is not list:
        raise ValueError("not a notebook (no list of cells)")
    if len(cells) > max_cells:
        raise ValueError(f"the notebook has {len(cells)} cells (more than {max_cells})")
    out = []
    for cell in cells:
        if type(cell) is not dict or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata")
        tags = meta.get("tags") if type(meta) is dict else None
        if type(tags) is list and NO_GRADE_TAG in tags:  # an illustration that needs the library (a figure):
            continue  # skipping it can only cost the submission itself
        src = cell.get("source", "")
        if type(src) is list and all(type(s) is str for s in src):
            src = "".join(src)
        if type(src) is not str:
            raise ValueError("a code cell whose source is not text")
        out.append(src)
    return out


# -- values crossing the sandbox's boundary -------------------------------------------------------------------------
def _encode(v: Any) -> Any:
    """Arguments for the learner's function (our own values)."""
    if isinstance(v, np.ndarray):
        return {"__nd__": v.astype(float).ravel().tolist(), "shape": list(v.shape), "dtype": str(v.dtype)}
    if callable(v):
        return {"__fn__": f"{v.__module__}.{v.__name__}"}
    if isinstance(v, (tuple, list)):
        return {"__seq__": [_encode(x) for x in v], "kind": type(v).__name__}
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    return v


class _Opaque:
    """Base of the stand-ins for values that are not numbers."""


def _decode(v: Any, max_elements: int, depth: int = 0) -> Any:
    """A returned value from its (hostile) JSON form: numbers, arrays of allowed dtypes and sizes, tuples/lists of
    those, or a named stand-in for anything else. Anything malformed raises ProtocolError."""
    if type(v) is not dict or depth > 4:
        raise ProtocolError("a malformed value")
    keys = set(v)
    if keys == {"__nd__", "shape", "dtype"}:
        data, shape, dtype = v["__nd__"], v["shape"], v["dtype"]
        if type(data) is not list or type(shape) is not list or len(shape) > 8 or dtype not in _DTYPES or \
                not all(type(n) is int and 0 <= n <= max_elements for n in shape) or \
                math.prod(shape) != len(data) or len(data) > max_elements or \
                not all(type(x) in (int, float) for x in data):
            raise ProtocolError("a malformed array")
        return np.asarray(data, dtype=float).reshape(shape).astype(dtype)
    if keys == {"__num__", "dtype"}:
        if type(v["__num__"]) not in (int, float) or v["dtype"] not in _DTYPES:
            raise ProtocolError("a malformed number")
        return np.asarray(float(v["__num__"])).astype(v["dtype"])[()]
    if keys == {"__seq__", "kind"}:
        if type(v["__seq__"]) is not list or len(v["__seq__"]) > 64 or v["kind"] not in ("tuple", "list"):
            raise ProtocolError("a malformed sequence")
        items = [_decode(x, max_elements, depth + 1) for x in v["__seq__"]]
        return tuple(items) if v["kind"] == "tuple" else items
    if keys == {"__type__"} and type(v["__type__"]) is str:
        # a value the sandbox could not turn into numbers: an empty object whose type carries the original's name,
        # so the checker reports "returned a <type>"
        name = "".join(c for c in v["__type__"][:60] if c.isprintable()) or "object"
        return type(name, (_Opaque,), {})()
    raise ProtocolError("a malformed value")


class _Box:
    """The sandbox of one submission, as the checker sees it: the first failure kills it and is remembered."""

    def __init__(self, limits: Limits, unsafe: bool) -> None:
        self.limits = limits
        self.sandbox = Sandbox(limits, unsafe=unsafe)
        self.failure = ""  # why the sandbox stopped answering
        self.violation = ""  # set when the submission broke the protocol (the submission then scores 0)

    def request(self, payload: dict, seconds: float | None = None) -> dict | None:
        if self.failure:
            return None
        try:
            return self.sandbox.request(payload, seconds)
        except ProtocolError as exc:
            self.violation = self.failure = f"the submission broke the grader's protocol: {exc}"
        except TimeoutError as exc:
            self.failure = f"the submission stopped answering ({exc})"
        except (EOFError, OSError) as exc:
            self.failure = f"the submission's process ended ({type(exc).__name__})"
        self.sandbox.close()
        return None

    def fail(self, reason: str) -> None:
        self.violation = self.failure = reason
        self.sandbox.close()


class _Remote:
    """A callable that runs the submission's function in the sandbox."""

    def __init__(self, box: _Box, name: str) -> None:
        self.box, self.name = box, name
        self.__name__ = name
        self.missing = False  # the notebook defines no such function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        box = self.box
        reply = box.request({"fn": self.name, "args": _encode(args), "kwargs": _encode(kwargs)},
                            seconds=3 * box.limits.call_timeout + 1)
        if reply is None:
            raise _Timeout()
        ok = reply.get("ok")
        if ok is True and set(reply) == {"ok", "value"}:
            try:
                return _decode(reply["value"], box.limits.max_elements)
            except ProtocolError as exc:
                box.fail(f"the submission broke the grader's protocol: {exc}")
                raise _Timeout() from None
        kind, error = reply.get("kind"), reply.get("error")
        if ok is not False or kind not in _REPLY_KINDS or type(error) is not str:
            box.fail("the submission broke the grader's protocol: a malformed reply")
            raise _Timeout()
        if kind == "timeout":
            raise _Timeout()
        if kind == "notimplemented":
            raise NotImplementedYet()
        if kind == "missing":
            self.missing = True
        if kind == "mutated":
            raise RuntimeError("your function changed its inputs in place; return new arrays instead")
        raise RuntimeError(error[:500])


def _function_name(eid: str) -> str:
    sig = EXERCISES[eid].signature
    return sig.split("(")[0] if not sig.startswith("<") else eid


def _valid_answers(reply: dict | None) -> dict[str, Any] | None:
    if reply is None:
        return None
    answers = reply.get("answers")
    if set(reply) != {"answers"} or type(answers) is not dict or len(answers) > 500 or not all(
            type(k) is str and len(k) <= 201 and (type(a) in (int, float) or (type(a) is str and len(a) <= 200))
            for k, a in answers.items()):
        raise ProtocolError("malformed quiz answers")
    return answers


def _grade_quiz(chapter: str, answers: dict[str, Any]) -> dict[str, float]:
    """Every question of the chapter's bank: 1 if answered right (:func:`lessons_lib.quiz.is_correct`, as learners
    see it), 0 if wrong or missing; answers to anything else are ignored."""
    return {f"{chapter}/{q['id']}": float(f"{chapter}/{q['id']}" in answers and
                                          is_correct(chapter, q["id"], answers[f"{chapter}/{q['id']}"]))
            for q in BANKS[chapter]}


def grade_submission(path: str | Path, chapter: str, timeout: float = 120.0, memory_mb: int = 2048,
                     seed: int | None = None, unsafe_no_sandbox: bool = False,
                     max_notebook_mb: float = MAX_NOTEBOOK_MB, limits: Limits | None = None) -> SubmissionReport:
    """Run one submission in a fresh sandbox and grade it on ``chapter``'s exercises and quiz questions.

    ``seed`` draws the hidden cases (a secret random one when None). Never raises for anything the submission does.
    """
    path = Path(path)
    start = time.monotonic()
    exercise_ids, quiz_keys = chapter_items(chapter)
    report = SubmissionReport(submission=str(path), chapter=chapter, exercises={e: 0.0 for e in exercise_ids},
                              quiz={k: 0.0 for k in quiz_keys})
    seed = secrets.randbits(62) if seed is None else seed
    limits = limits or Limits(timeout=timeout, memory_mb=memory_mb)
    if unsafe_no_sandbox:
        report.notes.append("graded WITHOUT a sandbox (--unsafe-no-sandbox)")
    if not unsafe_no_sandbox and sb.bwrap_path() is None:
        raise SandboxUnavailable(sb.INSTALL_HINT)
    try:
        cells = read_code_cells(path, max_notebook_mb)
    except Exception as exc:  # noqa: BLE001
        report.status = "refused: the notebook could not be read"
        report.notes.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        report.seconds = time.monotonic() - start
        return report
    box = None
    try:
        import inspect

        box = _Box(limits, unsafe_no_sandbox)
        from .. import _exercise_inputs

        hello = box.request({"cells": cells, "inputs": inspect.getsource(_exercise_inputs),
                             "call_timeout": limits.call_timeout, "nproc": limits.nproc,
                             "max_elements": limits.max_elements})
        errors = hello.get("cell_errors") if hello is not None else None
        if hello is not None and (set(hello) != {"ready", "cell_errors"} or hello["ready"] is not True or
                                  type(errors) is not list or len(errors) > 20 or
                                  not all(type(e) is str and len(e) <= 400 for e in errors)):
            box.fail("the submission broke the grader's protocol: a malformed first reply")
        if box.failure:
            report.status = ("protocol violation" if box.violation else
                             "crashed or timed out while running the notebook")
            report.notes.append(f"{box.failure}; everything scores 0")
            return report
        report.notes += errors
        for eid in exercise_ids:
            if eid in ANSWERS:  # value-answered: scored below from the recorded answers
                continue
            remote = _Remote(box, _function_name(eid))
            result = check_function(EXERCISES[eid], remote, seed=seed, timeout=limits.call_timeout, trusted=True)
            report.exercises[eid], report.feedback[eid] = result.score, result.feedback
            if remote.missing:
                report.feedback[eid] = f"Missing: the notebook defines no function {remote.name}; it scores 0."
            if box.violation:
                break
        if not box.failure:
            try:
                answers = _valid_answers(box.request({"cmd": "answers"}, seconds=5))
            except ProtocolError as exc:
                box.fail(f"the submission broke the grader's protocol: {exc}")
                answers = None
            if answers is not None:
                for aid in (e for e in exercise_ids if e in ANSWERS):
                    given = answers.get(f"answer/{aid}")
                    report.exercises[aid] = float(is_right(ANSWERS[aid], given))
                    report.feedback[aid] = ("not answered" if given is None else
                                            "right" if report.exercises[aid] else f"answered {str(given)[:40]!r}: wrong")
                report.quiz = _grade_quiz(chapter, answers)
                answered = sum(k in answers for k in quiz_keys)
                answers = {k: v for k, v in answers.items() if not k.startswith("answer/")}
                report.notes.append(f"quiz: {answered} of {len(quiz_keys)} questions answered (unanswered ones "
                                    "score 0)" + (f"; {len(answers) - answered} answers to other questions ignored"
                                                  if len(answers) > answered else ""))
            elif not box.violation:
                report.notes.append(f"quiz answers not collected: {box.failure}")
        if box.violation:
            report.status = "protocol violation"
            report.exercises = {e: 0.0 for e in exercise_ids}
            report.feedback = {e: f"Not graded: {box.violation}." for e in exercise_ids}
            report.quiz = {k: 0.0 for k in quiz_keys}
            report.notes.append(f"{box.violation}; everything scores 0")
        elif box.failure:
            report.notes.append(f"stopped early: {box.failure}")
    except Exception as exc:  # noqa: BLE001 - the grader's own failure on one submission costs that one only
        report.status = "grader error"
        report.exercises = {e: 0.0 for e in exercise_ids}
        report.quiz = {k: 0.0 for k in quiz_keys}
        report.notes.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        report.notes.append("".join(traceback.format_exception(exc))[-1500:])
    finally:
        if box is not None:
            box.sandbox.close()
        parts = list(report.exercises.values()) + list(report.quiz.values())
        report.score = float(np.mean(parts)) if parts else 0.0
        report.seconds = time.monotonic() - start
    return report


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lessons_lib.grade", description="Grade submitted notebooks, "
                                     "each in a bubblewrap sandbox, on one chapter's exercises and quiz.")
    parser.add_argument("submissions", nargs="+", type=Path)
    parser.add_argument("--chapter", required=True, choices=sorted(BANKS),
                        help="the chapter assigned: its exercises and quiz questions are the ones scored")
    parser.add_argument("--out", type=Path, default=Path("report.csv"), help="CSV report (one row per submission)")
    parser.add_argument("--json", type=Path, help="also write a JSON report with per-exercise feedback")
    parser.add_argument("--timeout", type=float, default=120.0, help="wall-clock seconds per submission")
    parser.add_argument("--memory-mb", type=int, default=2048, help="memory limit per process of a submission")
    parser.add_argument("--max-notebook-mb", type=float, default=MAX_NOTEBOOK_MB, help="larger notebooks score 0")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="grade without bubblewrap (only for submissions you trust)")
    args = parser.parse_args(argv)
    if not args.unsafe_no_sandbox:
        try:
            sb.check_sandbox()
        except SandboxUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if not args.unsafe_no_sandbox and not sb.process_limit_enforced():
        print("warning: running as root without a writable pids cgroup: the number of processes of a submission is "
              "bounded only by its wall-clock deadline (run the grader as an ordinary user, or give it cgroups)",
              file=sys.stderr)
    seed = secrets.randbits(62)  # one secret seed per run: the hidden cases are not predictable
    exercise_ids, quiz_keys = chapter_items(args.chapter)
    reports = []
    for p in args.submissions:
        reports.append(grade_submission(p, args.chapter, timeout=args.timeout, memory_mb=args.memory_mb, seed=seed,
                                        unsafe_no_sandbox=args.unsafe_no_sandbox,
                                        max_notebook_mb=args.max_notebook_mb))
        r = reports[-1]
        print(f"{r.submission}: {r.score:.3f} ({r.status}, {r.seconds:.1f} s)", flush=True)
    def text(value: str) -> str:  # a learner's text (a file name, an error message) is never a spreadsheet formula
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["submission", "chapter", "score", "status", *exercise_ids, *quiz_keys, "seconds", "notes"])
    for r in reports:
        w.writerow([text(r.submission), r.chapter, f"{r.score:.4f}", r.status,
                    *[f"{r.exercises.get(i, 0.0):.4f}" for i in exercise_ids],
                    *[f"{r.quiz.get(q, 0.0):.0f}" for q in quiz_keys], f"{r.seconds:.2f}",
                    text(" | ".join(r.notes)[:2000])])
    _write_atomic(args.out, buf.getvalue())
    if args.json:
        _write_atomic(args.json, json.dumps([asdict(r) for r in reports], indent=2))
    return 0
