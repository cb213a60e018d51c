"""Grade submitted notebooks (the parent side; see :mod:`lessons_lib.grade`)."""

from __future__ import annotations

import csv
import json
import os
import resource
import select
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exercises import EXERCISES
from ..exercises._core import NotImplementedYet, _Timeout, check_function
from ..quiz import BANKS

__all__ = ["grade_submission", "SubmissionReport", "main"]


@dataclass
class SubmissionReport:
    submission: str
    score: float = 0.0
    exercises: dict[str, float] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    quiz: dict[str, float] = field(default_factory=dict)
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Sandbox:
    """One worker process running one submission."""

    def __init__(self, notebook: Path, timeout: float, memory_mb: int) -> None:
        def limits() -> None:
            os.setsid()
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
            resource.setrlimit(resource.RLIMIT_CPU, (int(timeout) + 5, int(timeout) + 10))

        env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONS_")}
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
        self.proc = subprocess.Popen([sys.executable, "-m", "lessons_lib.grade._worker", str(notebook)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, preexec_fn=limits, env=env)
        self.deadline = time.monotonic() + timeout

    def read(self) -> dict | None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([self.proc.stdout], [], [], remaining)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            return None
        try:
            return json.loads(line)
        except ValueError:
            return None

    def request(self, payload: dict) -> dict | None:
        if self.proc.poll() is not None:
            return None
        try:
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 9)
            except ProcessLookupError:
                pass
        self.proc.wait()


def _encode(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return {"__nd__": v.astype(float).ravel().tolist(), "shape": list(v.shape), "dtype": str(v.dtype)}
    if callable(v):
        return {"__fn__": f"{v.__module__}.{v.__name__}"}
    if isinstance(v, (tuple, list)):
        return {"__seq__": [_encode(x) for x in v], "kind": type(v).__name__}
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    return v


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        if "__nd__" in v:
            return np.asarray(v["__nd__"], dtype=float).reshape(v["shape"]).astype(v["dtype"])
        if "__num__" in v:
            return np.asarray(v["__num__"]).astype(v["dtype"])[()]
        if "__seq__" in v:
            items = [_decode(x) for x in v["__seq__"]]
            return tuple(items) if v["kind"] == "tuple" else items
        # a value the sandbox could not turn into numbers: an empty object whose type carries the original's name,
        # so the checker reports "returned a <type>"
        return type(str(v.get("__type__", "object")), (_Opaque,), {})()
    return v


class _Opaque:
    """Base of the stand-ins for values that are not numbers."""


class _Remote:
    """A callable that runs the submission's function in the sandbox."""

    def __init__(self, box: _Sandbox, name: str) -> None:
        self.box, self.name = box, name
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply = self.box.request({"fn": self.name, "args": _encode(args), "kwargs": _encode(kwargs)})
        if reply is None:
            raise _Timeout()
        if reply.get("ok"):
            return _decode(reply["value"])
        kind = reply.get("kind")
        if kind == "timeout":
            raise _Timeout()
        if kind == "notimplemented":
            raise NotImplementedYet()
        if kind == "mutated":
            raise RuntimeError("your function changed its inputs in place; return new arrays instead")
        raise RuntimeError(reply.get("error", "error"))


def _function_name(eid: str) -> str:
    sig = EXERCISES[eid].signature
    return sig.split("(")[0] if not sig.startswith("<") else eid


def _grade_quiz(answers: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, given in answers.items():
        chapter, _, qid = key.partition("/")
        q = next((q for q in BANKS.get(chapter, []) if q["id"] == qid), None)
        if q is None:
            continue
        if q["type"] == "numeric":
            try:
                ok = abs(float(given) - q["answer"]) <= q["tolerance"]
            except (TypeError, ValueError):
                ok = False
        else:
            correct = [i for i, a in enumerate(q["answers"]) if a["correct"]][0]
            ok = given == correct or given == q["answers"][correct]["answer"]
        out[key] = 1.0 if ok else 0.0
    return out


def grade_submission(path: str | Path, exercise_ids: list[str] | None = None, timeout: float = 120.0,
                     memory_mb: int = 2048) -> SubmissionReport:
    """Run one submission in a sandbox and grade the exercises it contains (or ``exercise_ids``)."""
    path = Path(path)
    start = time.monotonic()
    report = SubmissionReport(submission=str(path))
    try:
        import nbformat

        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    except Exception as exc:  # noqa: BLE001
        report.status, report.notes = "unreadable", [f"{type(exc).__name__}: {exc}"]
        return report
    ids = exercise_ids or [eid for eid in EXERCISES if f"def {_function_name(eid)}(" in text]
    box = _Sandbox(path, timeout, memory_mb)
    try:
        hello = box.read()
        if hello is None:
            report.status = "crashed or timed out while running the notebook"
            report.notes.append("the notebook did not finish within the limits; exercises score 0")
            ids = []
        else:
            report.notes += hello.get("cell_errors", [])
        for eid in ids:
            result = check_function(EXERCISES[eid], _Remote(box, _function_name(eid)), trusted=True)
            report.exercises[eid] = result.score
            report.feedback[eid] = result.feedback
        answers = box.request({"cmd": "answers"}) if ids or hello else None
        if answers:
            report.quiz = _grade_quiz(answers.get("answers", {}))
    finally:
        box.close()
    parts = list(report.exercises.values()) + list(report.quiz.values())
    report.score = float(np.mean(parts)) if parts else 0.0
    report.seconds = time.monotonic() - start
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lessons_lib.grade", description="Grade submitted notebooks.")
    parser.add_argument("submissions", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("report.csv"), help="CSV report (one row per submission)")
    parser.add_argument("--json", type=Path, help="also write a JSON report with per-exercise feedback")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per submission")
    parser.add_argument("--memory-mb", type=int, default=2048, help="memory limit per submission")
    args = parser.parse_args(argv)
    reports = [grade_submission(p, timeout=args.timeout, memory_mb=args.memory_mb) for p in args.submissions]
    ids = sorted({eid for r in reports for eid in r.exercises})
    quiz = sorted({k for r in reports for k in r.quiz})
    with args.out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["submission", "score", "status", *ids, *quiz, "seconds"])
        for r in reports:
            w.writerow([r.submission, f"{r.score:.4f}", r.status, *[f"{r.exercises.get(i, 0.0):.4f}" for i in ids],
                        *[f"{r.quiz.get(q, 0.0):.0f}" for q in quiz], f"{r.seconds:.2f}"])
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in reports], indent=2))
    for r in reports:
        print(f"{r.submission}: {r.score:.3f} ({r.status}, {r.seconds:.1f} s)")
    return 0
