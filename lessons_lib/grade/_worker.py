"""The sandbox side of the grader: runs one submitted notebook, then answers calls to its functions.

Started by :mod:`lessons_lib.grade` as ``python -m lessons_lib.grade._worker NOTEBOOK`` with memory and CPU limits.
Before any submitted code runs it (1) replaces ``lessons_lib.exercises`` and ``lessons_lib.quiz`` by stubs, so
that redefining or monkeypatching a checker changes nothing, (2) blocks imports of the library's implementations,
and (3) moves the protocol channel to a private file descriptor and sends the process's stdout/stderr to /dev/null.
It then reads JSON requests from stdin, one per line, and writes JSON replies: plain numbers and lists only.
"""

from __future__ import annotations

import copy
import importlib.abc
import json
import os
import signal
import sys
import types
from typing import Any

import numpy as np

BLOCKED = ("lessons_lib.exercises", "lessons_lib.optimizers", "lessons_lib.schedules", "lessons_lib.frameworks",
           "lessons_lib.train", "lessons_lib.grade")
CALL_TIMEOUT = float(os.environ.get("LESSONS_GRADE_CALL_TIMEOUT", "2"))


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if any(name == b or name.startswith(b + ".") for b in BLOCKED) and name not in sys.modules and \
                name not in ("lessons_lib.grade", "lessons_lib.grade._worker"):
            raise ImportError(f"{name} cannot be imported while a submission is graded: write the code yourself")
        return None


class _CallTimeout(BaseException):
    pass


def _stubs(answers: dict) -> None:
    ex = types.ModuleType("lessons_lib.exercises")
    ex.__path__ = []  # a package, so that its submodules go through the import blocker
    ex.check = lambda *a, **k: None  # checks are run by the grader, outside the submission's reach
    ex.list_exercises = lambda *a, **k: []
    quiz = types.ModuleType("lessons_lib.quiz")
    quiz.show_quiz = lambda *a, **k: None
    quiz.print_questions = lambda *a, **k: None  # the shipped quiz cell imports it next to record_answer
    quiz.questions_text = lambda *a, **k: ""

    def record_answer(chapter: str, question: str, answer: Any) -> None:
        answers[f"{chapter}/{question}"] = answer if isinstance(answer, (int, float, str)) else str(answer)

    quiz.record_answer = record_answer
    sys.modules["lessons_lib.exercises"] = ex
    sys.modules["lessons_lib.quiz"] = quiz


def _encode(v: Any) -> Any:
    if type(v) is np.ndarray:
        if v.dtype.kind not in "fiu":
            return {"__type__": f"array of dtype {v.dtype}"}
        return {"__nd__": v.astype(float).ravel().tolist(), "shape": list(v.shape), "dtype": str(v.dtype)}
    if isinstance(v, (bool, np.bool_)):
        return {"__type__": "bool"}
    if type(v) in (int, float) or isinstance(v, (np.floating, np.integer)):
        return {"__num__": float(v), "dtype": str(np.asarray(v).dtype)}
    if type(v) in (tuple, list):
        return {"__seq__": [_encode(x) for x in v], "kind": type(v).__name__}
    return {"__type__": type(v).__name__}


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        if "__nd__" in v:
            return np.asarray(v["__nd__"], dtype=float).reshape(v["shape"]).astype(v["dtype"])
        if "__fn__" in v:
            import importlib

            module, _, name = v["__fn__"].rpartition(".")
            return getattr(importlib.import_module(module), name)
        if "__seq__" in v:
            items = [_decode(x) for x in v["__seq__"]]
            return tuple(items) if v["kind"] == "tuple" else items
        return {k: _decode(x) for k, x in v.items()}
    return v


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool(
            np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is b or a == b


def main() -> None:
    notebook = sys.argv[1]
    channel_out = os.fdopen(os.dup(1), "w", buffering=1)
    channel_in = os.fdopen(os.dup(0), "r")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    answers: dict = {}
    # the functions used to serve calls are bound now, before any submitted code can replace them
    dumps, loads, deepcopy, alarm, setitimer = json.dumps, json.loads, copy.deepcopy, signal.signal, signal.setitimer
    for name in list(sys.modules):  # nothing of the real checkers or implementations stays reachable
        if any(name == b or name.startswith(b + ".") for b in BLOCKED) and name != __name__:
            del sys.modules[name]
    _stubs(answers)
    sys.meta_path.insert(0, _Blocker())

    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    ns: dict[str, Any] = {"__name__": "__main__"}
    cell_errors = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "find_spec" in cell.source:
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            exec(compile(code, f"<cell {i}>", "exec"), ns)
        except BaseException as exc:  # noqa: BLE001 - a crashing cell costs only what depends on it
            cell_errors.append(f"cell {i}: {type(exc).__name__}: {str(exc)[:200]}")
    channel_out.write(dumps({"ready": True, "cell_errors": cell_errors}) + "\n")

    def on_alarm(signum: int, frame: Any) -> None:
        raise _CallTimeout()

    for line in channel_in:
        req = loads(line)
        if req.get("cmd") == "answers":
            channel_out.write(dumps({"answers": answers}) + "\n")
            continue
        fn = ns.get(req["fn"])
        if not callable(fn):
            channel_out.write(dumps({"ok": False, "error": f"no function named {req['fn']} in the notebook",
                                     "kind": "missing"}) + "\n")
            continue
        args, kwargs = _decode(req["args"]), _decode(req["kwargs"])
        before = (deepcopy(args), deepcopy(kwargs))
        reply: dict[str, Any]
        alarm(signal.SIGALRM, on_alarm)
        setitimer(signal.ITIMER_REAL, CALL_TIMEOUT)
        try:
            value = fn(*args, **kwargs)
            setitimer(signal.ITIMER_REAL, 0)
            if not (_same(args, before[0]) and _same(kwargs, before[1])):
                reply = {"ok": False, "kind": "mutated", "error": "changed its inputs in place"}
            else:
                reply = {"ok": True, "value": _encode(value)}
        except _CallTimeout:
            reply = {"ok": False, "kind": "timeout", "error": "did not finish"}
        except BaseException as exc:  # noqa: BLE001
            setitimer(signal.ITIMER_REAL, 0)
            kind = "notimplemented" if isinstance(exc, NotImplementedError) else "error"
            reply = {"ok": False, "kind": kind, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        try:
            channel_out.write(dumps(reply) + "\n")
        except (TypeError, ValueError):
            channel_out.write(dumps({"ok": False, "kind": "error", "error": "unserialisable output"}) + "\n")


if __name__ == "__main__":
    main()
