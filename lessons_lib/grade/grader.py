"""Grade submitted notebooks (the parent side; see :mod:`lessons_lib.grade`).

For each submission: a fresh worker process (:mod:`lessons_lib.grade._worker`) runs the notebook under memory,
CPU, file-size and wall-clock limits, in an empty temporary directory. The grader then runs every assigned
exercise's checker *here*, with hidden cases drawn from ``seed``: the expected outputs are computed in this process,
the learner's function is only called in the worker through a proxy, and the replies are plain numbers in JSON
(never unpickled objects). A worker that dies inside a cell (``os._exit``, a crash) is restarted with that cell
skipped, so a crashing cell costs only what depends on it; a worker that stops answering is killed and the
remaining calls score 0. Recorded quiz answers are collected from the worker and checked here.
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exercises import EXERCISES
from ..exercises._core import NotImplementedYet, _Timeout, check_function
from ..quiz import BANKS, is_correct

__all__ = ["grade_submission", "grade_many", "SubmissionReport", "Limits", "main"]

MAX_LINE = 64 * 2**20  # a reply longer than this (64 MiB) is treated as no reply
_DTYPES = {np.dtype(t).str for t in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                                     "uint16", "uint32", "uint64")}


@dataclass
class Limits:
    """Resource limits for one submission."""

    timeout: float = 300.0  # wall-clock seconds for the whole submission (notebook + all checks)
    cell_timeout: float = 60.0  # seconds per notebook cell
    call_timeout: float = 2.0  # seconds per call of a learner's function
    memory_mb: int = 2048  # address-space limit of the worker
    file_mb: int = 64  # largest file the worker may write (in its own temporary directory)
    restarts: int = 3  # how often a worker that died in a cell is restarted without that cell


@dataclass
class SubmissionReport:
    submission: str
    score: float = 0.0
    exercise_score: float = 0.0
    quiz_score: float | None = None
    exercises: dict[str, float] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    quiz: dict[str, float] = field(default_factory=dict)
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def text(self) -> str:
        """Plain-text feedback for the learner."""
        lines = [f"Submission: {Path(self.submission).name}", f"Score: {self.score:.3f} (exercises "
                 f"{self.exercise_score:.3f}" + (f", quiz {self.quiz_score:.3f})" if self.quiz_score is not None
                                                 else ")"), f"Status: {self.status}"]
        for eid, score in self.exercises.items():
            lines += ["", f"## {eid}: {score:.2f}", self.feedback.get(eid, "")]
        if self.quiz:
            lines += ["", "## quiz"] + [f"{k}: {'right' if v else 'wrong or missing'}" for k, v in self.quiz.items()]
        if self.notes:
            lines += ["", "## notes"] + self.notes
        return "\n".join(lines) + "\n"


class _Sandbox:
    """One worker process running one submission, restarted (skipping the fatal cell) if it dies in a cell."""

    def __init__(self, notebook: Path, limits: Limits) -> None:
        self.notebook, self.limits = notebook.resolve(), limits
        self.deadline = time.monotonic() + limits.timeout
        self.dir = tempfile.mkdtemp(prefix="lessons-grade-")
        self.proc: subprocess.Popen | None = None
        self.skip: list[int] = []
        self.notes: list[str] = []
        self.dead = False

    # ----------------------------------------------------------------------------------------- process plumbing
    def _start(self) -> None:
        lim = self.limits

        def limits() -> None:
            os.setsid()
            mem = lim.memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
            cpu = int(lim.timeout) + 5
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
            resource.setrlimit(resource.RLIMIT_FSIZE, (lim.file_mb * 2**20, lim.file_mb * 2**20))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(HOME=self.dir, TMPDIR=self.dir, MPLCONFIGDIR=self.dir, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1",
                   OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3",
                   LESSONS_GRADE_CALL_TIMEOUT=str(lim.call_timeout), LESSONS_GRADE_CELL_TIMEOUT=str(lim.cell_timeout))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lessons_lib.grade._worker", str(self.notebook), *map(str, self.skip)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.dir, env=env,
            preexec_fn=limits)

    def _read(self, until: float) -> dict | None:
        """The next JSON message, or None if the worker died, said something malformed or ``until`` passed."""
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            remaining = min(until, self.deadline) - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], remaining)
            if not ready:
                continue
            line = self.proc.stdout.readline(MAX_LINE)
            if not line or not line.endswith(b"\n"):
                return None
            try:
                msg = json.loads(line)
            except ValueError:
                return None
            return msg if isinstance(msg, dict) else None

    def _kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 9)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait()

    def start(self) -> dict | None:
        """Run the notebook; returns the worker's ``ready`` message (cell errors) or None if it never got there."""
        for _ in range(self.limits.restarts + 1):
            self._start()
            current = None
            while True:
                msg = self._read(self.deadline)
                if msg is None:
                    break
                if "cell" in msg:
                    current = msg["cell"]
                elif msg.get("ready"):
                    return msg
            self._kill()
            if time.monotonic() >= self.deadline:
                self.notes.append(f"the notebook did not finish within {self.limits.timeout:g} s")
                break
            if current is None or current in self.skip:
                self.notes.append("the worker died before running the notebook")
                break
            self.notes.append(f"cell {current} ended the process (crash or exit); graded again without it")
            self.skip.append(current)
        self.dead = True
        return None

    def request(self, payload: dict, seconds: float) -> dict | None:
        """Send one request; wait at most ``seconds`` for the reply. A worker that does not answer is killed."""
        if self.dead or self.proc is None or self.proc.poll() is not None:
            self.dead = True
            return None
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps(payload) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.dead = True
            return None
        reply = self._read(time.monotonic() + seconds)
        if reply is None:
            self.dead = True
            self._kill()
            self.notes.append("the worker stopped answering; the remaining checks score 0")
        return reply

    def close(self) -> None:
        self._kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ serialisation
def _encode(v: Any) -> Any:
    """The grader's own test inputs as JSON: arrays, numbers, sequences and named input functions."""
    if isinstance(v, np.ndarray):
        return {"__nd__": v.astype(np.float64).ravel().tolist(), "shape": list(v.shape), "dtype": v.dtype.str}
    if callable(v):
        return {"__fn__": f"{v.__module__}.{v.__name__}"}
    if isinstance(v, (tuple, list)):
        return {"__seq__": [_encode(x) for x in v], "kind": type(v).__name__}
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    return v


class _Opaque:
    """Base of the stand-ins for values the worker could not turn into numbers; the checker reports their type."""


def _opaque(name: Any) -> Any:
    label = re.sub(r"[^\w .()-]", "", str(name))[:80] or "object"
    return type(label, (_Opaque,), {})()


def _decode(v: Any, depth: int = 0) -> Any:
    """A reply from the worker as plain NumPy data; anything unexpected becomes an opaque stand-in."""
    if depth > 20:
        return _opaque("nested value")
    if isinstance(v, dict):
        if "__nd__" in v:
            if v.get("dtype") not in _DTYPES or not isinstance(v.get("shape"), list):
                return _opaque("array")
            flat = np.asarray(v["__nd__"], dtype=np.float64)
            if flat.ndim != 1 or int(np.prod(v["shape"])) != flat.size:
                return _opaque("array")
            return flat.reshape(v["shape"]).astype(v["dtype"])
        if "__num__" in v:
            if v.get("dtype") not in _DTYPES or not isinstance(v["__num__"], (int, float)):
                return _opaque("number")
            return np.asarray(v["__num__"]).astype(v["dtype"])[()]
        if "__seq__" in v and isinstance(v["__seq__"], list):
            items = [_decode(x, depth + 1) for x in v["__seq__"]]
            return tuple(items) if v.get("kind") == "tuple" else items
        return _opaque(v.get("__type__", "object"))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    return _opaque(type(v).__name__)


class _Remote:
    """A callable that runs the submission's function in the sandbox (the checker calls it like the learner's)."""

    def __init__(self, box: _Sandbox, name: str, iterable: bool) -> None:
        self.box, self.name, self.iterable = box, name, iterable
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        wait = 3 * self.box.limits.call_timeout + 5
        reply = self.box.request({"fn": self.name, "args": _encode(args), "kwargs": _encode(kwargs),
                                  "iterable": self.iterable}, wait)
        if reply is None:
            raise _Timeout()
        if reply.get("ok"):
            return _decode(reply.get("value"))
        kind, error = reply.get("kind"), str(reply.get("error", "error"))[:500]
        if kind == "timeout":
            raise _Timeout()
        if kind == "notimplemented":
            raise NotImplementedYet()
        raise RuntimeError(f"your function failed in the grader: {error}")


# --------------------------------------------------------------------------------------------------- grading
def function_name(eid: str) -> str:
    """The name of the function the learner writes for exercise ``eid``."""
    return EXERCISES[eid].signature.split("(")[0]


def assigned_chapters(text: str) -> list[str]:
    """Chapters whose exercises a notebook contains (by a ``check("id"`` call or a ``def name(`` of any of them)."""
    chapters = []
    for eid, ex in EXERCISES.items():
        if (f'check("{eid}"' in text or f"check('{eid}'" in text or f"def {function_name(eid)}(" in text) and \
                ex.chapter not in chapters:
            chapters.append(ex.chapter)
    return chapters


def grade_submission(path: str | Path, chapters: list[str] | None = None, exercise_ids: list[str] | None = None,
                     quiz: bool = True, quiz_weight: float = 0.25, seed: int = 20261122,
                     limits: Limits | None = None) -> SubmissionReport:
    """Run one submission in a sandbox and grade it.

    The assignment is ``exercise_ids``, else every exercise of ``chapters``, else every exercise of the chapters
    the notebook contains (a missing function scores 0). With ``quiz``, every question of those chapters' banks
    is graded from the answers recorded with ``record_answer`` (a missing answer is wrong). The score is the mean
    exercise score, or ``(1 - quiz_weight) * exercises + quiz_weight * quiz`` when a quiz is graded.
    """
    path, limits = Path(path), limits or Limits()
    start = time.monotonic()
    report = SubmissionReport(submission=str(path))
    try:
        import nbformat

        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a report, not a crash
        report.status, report.notes = "unreadable", [f"{type(exc).__name__}: {str(exc)[:300]}"]
        return report
    if exercise_ids:
        ids = list(exercise_ids)
        chapters = chapters or list(dict.fromkeys(EXERCISES[e].chapter for e in ids))
    else:
        chapters = chapters or assigned_chapters(text)
        ids = [eid for eid, ex in EXERCISES.items() if ex.chapter in chapters]
    if not ids:
        report.status = "no exercises found"
        report.notes.append("the notebook contains none of the course's exercises")
    box = _Sandbox(path, limits)
    try:
        hello = box.start()
        if hello is None:
            report.status = "crashed or timed out while running the notebook"
        else:
            report.notes += [str(e)[:300] for e in hello.get("cell_errors", []) if isinstance(e, str)]
        for eid in ids:
            name = function_name(eid)
            probe = box.request({"cmd": "has", "fn": name}, 10)
            if probe is None or not probe.get("has"):
                report.exercises[eid] = 0.0
                report.feedback[eid] = (f"No function {EXERCISES[eid].signature} was defined by the notebook."
                                        if probe is not None else "Not graded: the notebook's process had stopped.")
                continue
            result = check_function(EXERCISES[eid], _Remote(box, name, EXERCISES[eid].iterable), seed=seed,
                                    timeout=limits.call_timeout, trusted=True)
            report.exercises[eid] = result.score
            report.feedback[eid] = result.feedback
        answers: dict = {}
        if quiz and not box.dead:
            reply = box.request({"cmd": "answers"}, 10)
            answers = reply.get("answers", {}) if reply and isinstance(reply.get("answers"), dict) else {}
        if quiz:
            for chapter in chapters:
                for q in BANKS.get(chapter, []):
                    key = f"{chapter}/{q['id']}"
                    report.quiz[key] = 1.0 if key in answers and is_correct(chapter, q["id"], answers[key]) else 0.0
        report.notes += box.notes
    finally:
        box.close()
    report.exercise_score = float(np.mean(list(report.exercises.values()))) if report.exercises else 0.0
    if report.quiz:
        report.quiz_score = float(np.mean(list(report.quiz.values())))
        report.score = (1 - quiz_weight) * report.exercise_score + quiz_weight * report.quiz_score
    else:
        report.score = report.exercise_score
    report.seconds = time.monotonic() - start
    return report


def grade_many(paths: list[Path], jobs: int = 1, **kw: Any) -> list[SubmissionReport]:
    """Grade several submissions, ``jobs`` at a time (each in its own worker process)."""
    if jobs <= 1:
        return [grade_submission(p, **kw) for p in paths]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda p: grade_submission(p, **kw), paths))


def write_csv(reports: list[SubmissionReport], out: Path) -> None:
    ids = list(dict.fromkeys(eid for r in reports for eid in r.exercises))
    quiz = list(dict.fromkeys(k for r in reports for k in r.quiz))
    with out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["submission", "score", "exercise_score", "quiz_score", "status", *ids, *quiz, "seconds",
                    "feedback"])
        for r in reports:
            w.writerow([r.submission, f"{r.score:.4f}", f"{r.exercise_score:.4f}",
                        "" if r.quiz_score is None else f"{r.quiz_score:.4f}", r.status,
                        *[f"{r.exercises[i]:.4f}" if i in r.exercises else "" for i in ids],
                        *[f"{r.quiz[q]:.0f}" if q in r.quiz else "" for q in quiz], f"{r.seconds:.2f}",
                        r.text()])


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m lessons_lib.grade",
        description="Grade submitted exercise notebooks: each runs in its own sandboxed process; the checks run here.")
    parser.add_argument("submissions", nargs="+", type=Path, help="notebooks (.ipynb) to grade")
    parser.add_argument("--out", type=Path, default=Path("report.csv"), help="CSV report, one row per submission")
    parser.add_argument("--json", type=Path, help="also write a JSON report (scores, feedback, notes)")
    parser.add_argument("--feedback-dir", type=Path, help="also write one plain-text feedback file per submission")
    parser.add_argument("--chapter", action="append", dest="chapters", choices=sorted(BANKS),
                        help="grade the exercises (and quiz) of this chapter (repeatable; default: what the "
                             "notebook contains)")
    parser.add_argument("--exercise", action="append", dest="exercises", choices=list(EXERCISES),
                        help="grade only this exercise (repeatable)")
    parser.add_argument("--no-quiz", action="store_true", help="do not grade recorded quiz answers")
    parser.add_argument("--quiz-weight", type=float, default=0.25, help="weight of the quiz in the score (0.25)")
    parser.add_argument("--seed", type=int, default=20261122,
                        help="seed of the hidden cases (choose your own so that they are not the public default)")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel")
    defaults = Limits()
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="seconds per submission")
    parser.add_argument("--cell-timeout", type=float, default=defaults.cell_timeout, help="seconds per cell")
    parser.add_argument("--call-timeout", type=float, default=defaults.call_timeout, help="seconds per call")
    parser.add_argument("--memory-mb", type=int, default=defaults.memory_mb, help="memory limit per submission")
    args = parser.parse_args(argv)
    if not 0 <= args.quiz_weight <= 1:
        parser.error(f"--quiz-weight must be in [0, 1], got {args.quiz_weight}")
    limits = Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, call_timeout=args.call_timeout,
                    memory_mb=args.memory_mb)
    reports = grade_many(args.submissions, jobs=args.jobs, chapters=args.chapters, exercise_ids=args.exercises,
                         quiz=not args.no_quiz, quiz_weight=args.quiz_weight, seed=args.seed, limits=limits)
    write_csv(reports, args.out)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in reports], indent=2))
    if args.feedback_dir:
        args.feedback_dir.mkdir(parents=True, exist_ok=True)
        for i, r in enumerate(reports):
            (args.feedback_dir / f"{i:03d}-{Path(r.submission).stem}.txt").write_text(r.text())
    for r in reports:
        print(f"{r.submission}: {r.score:.3f} ({r.status}, {r.seconds:.1f} s)")
    return 0
