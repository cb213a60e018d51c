"""The sandbox side of the grader: runs one submitted notebook, then answers calls to its functions.

Started by :mod:`lessons_lib.grade.grader` as ``python -m lessons_lib.grade._worker NOTEBOOK [SKIP...]`` with
memory, CPU, file-size and wall-clock limits, in an empty working directory. Nothing here ever computes a right
answer: the grader (the parent) computes hidden inputs and expected outputs in its own process and only asks this
process to *call* the learner's functions; replies are plain numbers in JSON. Before any submitted code runs:

1. the protocol channel moves to private file descriptors and stdin/stdout/stderr go to /dev/null, so printing
   cannot forge a reply;
2. ``lessons_lib.exercises`` and ``lessons_lib.quiz`` are replaced by stubs (``check`` does nothing,
   ``record_answer`` stores the answer here), so redefining or monkeypatching a checker changes nothing;
3. the library's implementations cannot be reached: an import hook refuses them, and an audit hook (which Python
   code cannot remove) refuses to open any file of them and to start other processes or programs;
4. during each call a profiler refuses the result if a frame of the library's implementations ran.

Then each code cell runs (IPython magics and shell lines become ``pass``) with a per-cell time limit; a cell that
raises, loops or runs out of memory costs only what depends on it. The cells listed in SKIP are not run (the
grader restarts a worker that died in a cell, skipping that cell). Messages on the channel, one JSON object per
line: ``{"cell": i}`` before cell i, ``{"ready": ...}`` after the notebook; then one reply per request.
"""

from __future__ import annotations

import copy
import importlib.abc
import json
import os
import re
import signal
import sys
import time
import types
from collections.abc import Iterator
from typing import Any

import numpy as np

LIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCKED = ("lessons_lib.exercises", "lessons_lib.optimizers", "lessons_lib.schedules", "lessons_lib.frameworks",
           "lessons_lib.train", "lessons_lib.problems", "lessons_lib.grade", "lessons_lib.quiz")
_PRIVATE = tuple(os.path.join(LIB_DIR, p) for p in (
    "exercises", "optimizers", "schedules", "frameworks", "grade", "quiz", "train.py", "problems.py",
    os.path.join("__pycache__", "train."), os.path.join("__pycache__", "problems.")))
_REFUSED_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                   "os.forkpty", "pty.spawn", "os.startfile", "os.kill", "os.killpg", "signal.pthread_kill",
                   "os.symlink", "os.link", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg")
_PATH_EVENTS = ("os.remove", "os.rename", "os.rmdir", "shutil.rmtree", "os.truncate", "os.chmod", "os.chown",
                "os.utime", "os.mkdir", "os.chflags", "os.setxattr", "os.removexattr")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
INPUT_FUNCTIONS = "lessons_lib._exercise_inputs"  # the only module whose functions the grader passes as inputs
CALL_TIMEOUT = float(os.environ.get("LESSONS_GRADE_CALL_TIMEOUT", "2"))
CELL_TIMEOUT = float(os.environ.get("LESSONS_GRADE_CELL_TIMEOUT", "60"))
MAX_ELEMENTS = 1_000_000  # larger outputs are reported, not sent


class _Blocker(importlib.abc.MetaPathFinder):
    """Refuse imports of the library's implementations (the stubs already sit in sys.modules)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if any(name == b or name.startswith(b + ".") for b in BLOCKED) and name not in sys.modules:
            raise ImportError(f"{name} cannot be imported while a submission is graded: write the code yourself")
        return None


class _Limit(BaseException):
    """Raised in the learner's code when a cell or call runs out of time (BaseException: ``except Exception``
    cannot catch it; ``except BaseException`` catches it once, then the trace raises it again at the next line)."""


def _audit(armed: list[bool], sandbox: str) -> Any:
    """An audit hook (it cannot be removed once added): no reading the library's implementations, no writing,
    deleting or renaming outside the sandbox directory, no other processes, signals to others, links or sockets."""

    def inside(path: Any) -> bool:
        return os.path.abspath(os.fsdecode(path)).startswith(sandbox + os.sep)

    def hook(event: str, args: tuple) -> None:
        if not armed[0]:
            return
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.abspath(os.fsdecode(args[0]))
            if path.startswith(_PRIVATE):
                raise PermissionError(f"reading {os.path.relpath(path, LIB_DIR)} is not allowed while a submission "
                                      "is graded")
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            if flags & _WRITE_FLAGS and not inside(path):
                raise PermissionError(f"writing {path} is not allowed while a submission is graded")
        elif event.startswith(_REFUSED_EVENTS):
            raise PermissionError(f"{event} is not allowed while a submission is graded")
        elif event in _PATH_EVENTS and not all(inside(a) for a in args if isinstance(a, (str, bytes, os.PathLike))):
            raise PermissionError(f"{event} outside the sandbox is not allowed while a submission is graded")

    return hook


def _stubs(answers: dict) -> None:
    ex = types.ModuleType("lessons_lib.exercises")
    ex.__path__ = []  # a package, so that its submodules go through the import blocker
    ex.check = lambda *a, **k: None  # checks are run by the grader, outside the submission's reach
    ex.list_exercises = lambda *a, **k: []
    quiz = types.ModuleType("lessons_lib.quiz")
    quiz.__path__ = []
    quiz.show_quiz = quiz.print_questions = lambda *a, **k: None

    def record_answer(chapter: Any, question: Any, answer: Any) -> None:
        if type(answer) in (int, float, str) and type(chapter) is str and type(question) is str:
            answers[f"{chapter}/{question}"] = answer

    quiz.record_answer = record_answer
    sys.modules["lessons_lib.exercises"] = ex
    sys.modules["lessons_lib.quiz"] = quiz


def _encode(v: Any) -> Any:
    """Plain JSON data from a learner's output, looking only at exact types (nothing of the learner's runs)."""
    if type(v) is np.ndarray:
        if v.dtype.kind not in "fiu":
            return {"__type__": f"array of dtype {v.dtype}"}
        if v.size > MAX_ELEMENTS:
            return {"__type__": f"array of {v.size} elements (too large)"}
        return {"__nd__": v.astype(np.float64).ravel().tolist(), "shape": list(v.shape), "dtype": v.dtype.str}
    if type(v) in (bool, np.bool_):
        return {"__type__": "bool"}
    if type(v) in (int, float) or isinstance(v, (np.floating, np.integer)) and type(v).__module__ == "numpy":
        if type(v) is int and abs(v) > 2**53:
            return {"__type__": "int (too large)"}
        return {"__num__": float(v), "dtype": np.asarray(v).dtype.str}
    if type(v) in (tuple, list):
        if len(v) > MAX_ELEMENTS:
            return {"__type__": f"{type(v).__name__} of {len(v)} items (too long)"}
        return {"__seq__": [_encode(x) for x in v], "kind": type(v).__name__}
    return {"__type__": type(v).__name__}


def _decode(v: Any, inputs: dict[str, Any]) -> Any:
    """Arguments sent by the grader (trusted): arrays, numbers, sequences and named input functions."""
    if isinstance(v, dict):
        if "__nd__" in v:
            return np.asarray(v["__nd__"], dtype=np.float64).reshape(v["shape"]).astype(v["dtype"])
        if "__fn__" in v:
            return inputs[v["__fn__"]]
        if "__seq__" in v:
            items = [_decode(x, inputs) for x in v["__seq__"]]
            return tuple(items) if v["kind"] == "tuple" else items
        return {k: _decode(x, inputs) for k, x in v.items()}
    return v


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return type(a) is np.ndarray and type(b) is np.ndarray and a.shape == b.shape and a.dtype == b.dtype and \
            bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and (a is b or a == b)


_MAGIC = re.compile(r"^([ \t]*)[%!].*$", re.M)


def _runnable(source: str) -> str:
    """A cell's code with IPython magics and shell lines replaced by ``pass`` (keeping blocks valid)."""
    return _MAGIC.sub(lambda m: m.group(1) + "pass", source)


class _Guard:
    """Run learner code with a time limit (SIGALRM, then a trace that raises at every following line) and, for
    function calls, a profiler that notes frames of the library's implementations."""

    def __init__(self) -> None:
        self.armed = False
        self.deadline = 0.0
        self.used = ""
        self._settrace, self._setprofile, self._setitimer = sys.settrace, sys.setprofile, signal.setitimer
        signal.signal(signal.SIGALRM, self._on_alarm)

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        if event in ("line", "call") and self.armed and time.monotonic() > self.deadline:
            raise _Limit()
        return self._trace

    def _on_alarm(self, signum: int, frame: Any) -> None:
        if self.armed:
            self._settrace(self._trace)
            while frame is not None:
                frame.f_trace = self._trace
                frame = frame.f_back
            raise _Limit()

    def _profile(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call" and not self.used and frame.f_code.co_filename.startswith(_PRIVATE):
            self.used = os.path.relpath(frame.f_code.co_filename, LIB_DIR)

    def run(self, fn: Any, seconds: float, profile: bool) -> Any:
        self.used = ""
        self.deadline = time.monotonic() + seconds
        self.armed = True
        self._setitimer(signal.ITIMER_REAL, seconds, 0.05)
        if profile:
            self._setprofile(self._profile)
        try:
            return fn()
        finally:
            self.armed = False
            self._setitimer(signal.ITIMER_REAL, 0)
            self._setprofile(None)
            self._settrace(None)


def main() -> None:
    notebook = sys.argv[1]
    skip = {int(x) for x in sys.argv[2:]}
    # the functions used to serve calls are bound now, before any submitted code can replace them
    dumps, loads, deepcopy, monotonic = json.dumps, json.loads, copy.deepcopy, time.monotonic
    channel_out = os.fdopen(os.dup(1), "w", buffering=1)
    channel_in = os.fdopen(os.dup(0), "r")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)

    def send(obj: dict) -> None:
        try:
            channel_out.write(dumps(obj, allow_nan=True) + "\n")
        except (TypeError, ValueError):
            channel_out.write(dumps({"ok": False, "kind": "error", "error": "unserialisable output"}) + "\n")

    import importlib

    import nbformat

    inputs_module = importlib.import_module(INPUT_FUNCTIONS)
    inputs = {f"{INPUT_FUNCTIONS}.{name}": fn for name, fn in vars(inputs_module).items()
              if isinstance(fn, types.FunctionType) and fn.__module__ == INPUT_FUNCTIONS}
    nb = nbformat.read(notebook, as_version=4)

    answers: dict = {}
    for name in list(sys.modules):  # nothing of the real checkers or implementations stays importable
        if any(name == b or name.startswith(b + ".") for b in BLOCKED) and name != __name__:
            del sys.modules[name]
    package = sys.modules.get("lessons_lib")
    for attr in ("exercises", "optimizers", "schedules", "frameworks", "train", "problems", "grade", "quiz"):
        if package is not None and attr in vars(package):
            delattr(package, attr)
    _stubs(answers)
    sys.meta_path.insert(0, _Blocker())
    armed = [True]
    sys.addaudithook(_audit(armed, os.path.abspath(os.getcwd())))
    guard = _Guard()

    ns: dict[str, Any] = {"__name__": "__main__", "display": lambda *a, **k: None}
    cell_errors = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or i in skip:
            continue
        send({"cell": i})
        try:
            code = compile(_runnable(cell.source), f"<cell {i}>", "exec")
            guard.run(lambda: exec(code, ns), CELL_TIMEOUT, profile=False)
        except _Limit:
            cell_errors.append(f"cell {i}: stopped after {CELL_TIMEOUT:g} s")
        except BaseException as exc:  # noqa: BLE001 - a failing cell costs only what depends on it
            cell_errors.append(f"cell {i}: {type(exc).__name__}: {str(exc)[:200]}")
    send({"ready": True, "cell_errors": cell_errors})

    for line in channel_in:
        req = loads(line)
        if req.get("cmd") == "has":
            send({"has": callable(ns.get(req.get("fn")))})
            continue
        if req.get("cmd") == "answers":
            send({"answers": {k: v for k, v in answers.items() if type(v) in (int, float, str)}})
            continue
        fn = ns.get(req["fn"])
        if not callable(fn):
            send({"ok": False, "kind": "missing", "error": f"no function named {req['fn']} in the notebook"})
            continue
        args, kwargs = _decode(req["args"], inputs), _decode(req["kwargs"], inputs)
        before = (deepcopy(args), deepcopy(kwargs))
        start = monotonic()

        def call() -> Any:
            value = fn(*args, **kwargs)
            if req.get("iterable") and isinstance(value, (Iterator, types.GeneratorType)):
                value = list(value)  # a generator runs the learner's code: consume it under the limit
            return value

        try:
            value = guard.run(call, CALL_TIMEOUT, profile=True)
            if guard.used:
                reply = {"ok": False, "kind": "library", "error": f"it calls the course library ({guard.used})"}
            elif not (_same(args, before[0]) and _same(kwargs, before[1])):
                reply = {"ok": False, "kind": "mutated", "error": "it changed its inputs in place"}
            else:
                reply = {"ok": True, "value": _encode(value)}
        except _Limit:
            reply = {"ok": False, "kind": "timeout", "error": f"it did not finish within {CALL_TIMEOUT:g} s"}
        except BaseException as exc:  # noqa: BLE001 - whatever the learner raises becomes a reply
            kind = "notimplemented" if isinstance(exc, NotImplementedError) else "error"
            if guard.used:
                kind, exc = "library", RuntimeError(f"it calls the course library ({guard.used})")
            reply = {"ok": False, "kind": kind, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        reply["seconds"] = monotonic() - start
        send(reply)


if __name__ == "__main__":
    main()
