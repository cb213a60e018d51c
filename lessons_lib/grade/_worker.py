"""The sandbox side of the grader: runs one submitted notebook's code cells, then answers calls to its functions.

This file is *not* imported inside the sandbox: the grader reads its text and runs it as
``python -I -S -c <this file> SITE_PACKAGES`` inside bubblewrap, where neither the course's sources nor the answer
key exist. It needs only the standard library and NumPy (whose folder is the one path it adds to ``sys.path``).

Protocol (stdin -> requests, the original stdout -> replies, one JSON object per line):

1. ``{"cells": [source, ...], "inputs": source, "call_timeout": s, "nproc": n, "max_elements": n}``: the code
   cells to run and the source of the functions passed *to* learners as inputs; reply ``{"ready": true,
   "cell_errors": [...]}``.
2. ``{"fn": name, "args": ..., "kwargs": ...}``: call a function of the notebook; reply ``{"ok": true, "value":
   ...}`` or ``{"ok": false, "kind": ..., "error": ...}``. Values are plain numbers, lists and tagged objects.
3. ``{"cmd": "answers"}``: reply ``{"answers": {"chapter/question": answer}}``.

The grader treats every reply as hostile (the submission's code runs in this process and can write anything to
any descriptor): it caps sizes, validates every field and grades nothing it cannot validate. Nothing here is a
security boundary; bubblewrap and the resource limits are.
"""

import copy
import importlib.machinery
import json
import os
import resource
import signal
import sys
import types

# before anything else: no inherited descriptor beyond the three standard ones
os.closerange(3, 65536)
if len(sys.argv) > 1 and sys.argv[1]:
    sys.path.append(sys.argv[1])  # the folder that holds numpy (and only numpy) inside the sandbox

import numpy as np  # noqa: E402

BLOCKED_MESSAGE = "cannot be imported while a submission is graded: write the code yourself"


class _CallTimeout(BaseException):
    pass


def _stubs(answers, inputs_source):
    """Stand-ins for the parts of lessons_lib a notebook imports; the real library is not in the sandbox."""
    pkg = types.ModuleType("lessons_lib")
    pkg.__path__ = []  # a package with no files: any other submodule import fails
    ex = types.ModuleType("lessons_lib.exercises")
    ex.__path__ = []
    ex.check = lambda *a, **k: None  # the grader runs the checks, outside the sandbox
    ex.list_exercises = lambda *a, **k: []
    quiz = types.ModuleType("lessons_lib.quiz")
    quiz.show_quiz = lambda *a, **k: None
    quiz.print_questions = lambda *a, **k: None  # the shipped quiz cell imports it next to record_answer
    quiz.questions_text = lambda *a, **k: ""

    def record_answer(chapter, question, answer):
        if len(answers) < 500:
            answers[f"{str(chapter)[:100]}/{str(question)[:100]}"] = \
                answer if type(answer) in (int, float) else str(answer)[:200]

    quiz.record_answer = record_answer
    ex.check_answer = lambda exercise_id, value: (  # graded outside; None is "not answered yet"
        None if value is None else record_answer("answer", exercise_id, value))
    inputs = types.ModuleType("lessons_lib._exercise_inputs")
    exec(compile(inputs_source, "<lessons_lib._exercise_inputs>", "exec"), inputs.__dict__)
    pkg.exercises, pkg.quiz, pkg._exercise_inputs = ex, quiz, inputs
    for mod in (pkg, ex, quiz, inputs):  # so that importlib.util.find_spec("lessons_lib") works (the setup cell)
        mod.__spec__ = importlib.machinery.ModuleSpec(mod.__name__, None, is_package=hasattr(mod, "__path__"))
        sys.modules[mod.__name__] = mod

    class Blocker:  # a friendlier message than "No module named ..."; removing it gains nothing
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name.startswith("lessons_lib.") and name not in sys.modules:
                raise ImportError(f"{name} {BLOCKED_MESSAGE}")
            return None

    sys.meta_path.insert(0, Blocker())


def _encode(v, max_elements, depth=0):
    if type(v) is np.ndarray:
        if v.dtype.kind not in "fiu":
            return {"__type__": f"array of dtype {v.dtype}"}
        if v.size > max_elements:
            return {"__type__": f"array of {v.size} elements (more than {max_elements})"}
        return {"__nd__": v.astype(float).ravel().tolist(), "shape": list(v.shape), "dtype": str(v.dtype)}
    if isinstance(v, (bool, np.bool_)):  # a yes/no answer travels as the number 1 or 0, as the checker compares it
        return {"__num__": float(v), "dtype": "float64"}
    if type(v) in (int, float) or isinstance(v, (np.floating, np.integer)):
        return {"__num__": float(v), "dtype": str(np.asarray(v).dtype)}
    if type(v) in (tuple, list):
        if depth >= 3 or len(v) > max_elements:
            return {"__type__": f"nested {type(v).__name__}"}
        return {"__seq__": [_encode(x, max_elements, depth + 1) for x in v], "kind": type(v).__name__}
    return {"__type__": type(v).__name__[:60]}


def _decode(v, inputs):
    if isinstance(v, dict):
        if "__nd__" in v:
            return np.asarray(v["__nd__"], dtype=float).reshape(v["shape"]).astype(v["dtype"])
        if "__fn__" in v:
            return getattr(inputs, v["__fn__"].rpartition(".")[2])
        if "__seq__" in v:
            items = [_decode(x, inputs) for x in v["__seq__"]]
            return tuple(items) if v["kind"] == "tuple" else items
        return {k: _decode(x, inputs) for k, x in v.items()}
    return v


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool(
            np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is b or a == b


def main():
    channel_out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    channel_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    # the functions used to serve calls are bound now, before any submitted code can replace them
    dumps, loads, deepcopy, handler, setitimer = json.dumps, json.loads, copy.deepcopy, signal.signal, signal.setitimer
    init = loads(channel_in.readline())
    resource.setrlimit(resource.RLIMIT_NPROC, (init["nproc"], init["nproc"]))  # counted in the sandbox's own
    call_timeout, max_elements = float(init["call_timeout"]), int(init["max_elements"])  # user namespace
    answers = {}
    _stubs(answers, init["inputs"])
    inputs = sys.modules["lessons_lib._exercise_inputs"]
    ns = {"__name__": "__main__"}
    cell_errors = []
    for i, source in enumerate(init["cells"]):
        code = "\n".join(line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
                         else line for line in source.splitlines())  # IPython magics and shell lines
        try:
            exec(compile(code, f"<cell {i}>", "exec"), ns)
        except BaseException as exc:  # noqa: BLE001 - a crashing cell costs only what depends on it
            if len(cell_errors) < 20:
                cell_errors.append(f"cell {i}: {type(exc).__name__[:60]}: {str(exc)[:200]}")
    channel_out.write(dumps({"ready": True, "cell_errors": cell_errors}) + "\n")

    def on_alarm(signum, frame):
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
        args, kwargs = _decode(req["args"], inputs), _decode(req["kwargs"], inputs)
        before = (deepcopy(args), deepcopy(kwargs))
        handler(signal.SIGALRM, on_alarm)
        setitimer(signal.ITIMER_REAL, call_timeout)
        try:
            value = fn(*args, **kwargs)
            setitimer(signal.ITIMER_REAL, 0)
            if not (_same(args, before[0]) and _same(kwargs, before[1])):
                reply = {"ok": False, "kind": "mutated", "error": "changed its inputs in place"}
            else:
                reply = {"ok": True, "value": _encode(value, max_elements)}
        except _CallTimeout:
            reply = {"ok": False, "kind": "timeout", "error": "did not finish"}
        except BaseException as exc:  # noqa: BLE001
            setitimer(signal.ITIMER_REAL, 0)
            kind = "notimplemented" if isinstance(exc, NotImplementedError) else "error"
            reply = {"ok": False, "kind": kind, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        try:
            text = dumps(reply)
        except (TypeError, ValueError, RecursionError):
            text = dumps({"ok": False, "kind": "error", "error": "unserialisable output"})
        channel_out.write(text + "\n")


main()
