"""The checking machinery: exercises, results, and a runner that survives anything a learner's function does.

A check calls the learner's function on public and seeded hidden cases, each on deep copies of the inputs, under a
time limit, with printed output captured. The function runs in a forked child process (:mod:`._isolate`), so nothing
it does (hanging, crashing, patching NumPy, reading the checker's frames, flooding the output) reaches the checker,
the notebook's kernel or later checks; where there is no ``fork`` (Windows), and for the grader's sandboxed proxies,
it runs in this process (:func:`_call`). Either way the outputs are converted to plain arrays before any comparison
(the learner's ``__eq__`` is never called), and the expected outputs are computed here, after the function started.
When an output is wrong, the known-wrong variants of the exercise are run (here) on the same case; if one of them
matches, the feedback names that misconception. Failures are reported as what they are, with the learner's line: an
exception (a RecursionError included), a timeout with the last line running, a crash of the child.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import os
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from . import _isolate

__all__ = ["Exercise", "Variant", "Result", "check_function", "NotImplementedYet"]

_LIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FORBIDDEN = [os.path.join(_LIB_DIR, d) for d in ("optimizers", "schedules", "frameworks")] + [
    os.path.join(_LIB_DIR, "train.py"), os.path.join(_LIB_DIR, "problems.py"),
    os.path.join(_LIB_DIR, "exercises", "catalog.py")]
_LIBRARY_MODULES = ("lessons_lib.optimizers", "lessons_lib.schedules", "lessons_lib.frameworks", "lessons_lib.train",
                    "lessons_lib.problems", "lessons_lib.exercises.catalog")
PRINT_LIMIT = _isolate.OUTPUT_LIMIT  # characters of printed output shown
_OWN_FILES = {os.path.abspath(__file__), __file__, contextlib.__file__}  # where the in-process time limit never raises


class NotImplementedYet(Exception):
    """Raised by the stubs in the student notebooks."""


class _Timeout(BaseException):
    """Raised inside the learner's function when its time is up (BaseException: a bare ``except Exception`` in the
    learner's code cannot swallow it)."""


@dataclass
class Variant:
    """A known-wrong implementation and the misconception it stands for."""

    name: str
    fn: Callable[..., Any]
    message: str


@dataclass
class Exercise:
    """An exercise: the function to write, its reference solution, test cases and known-wrong variants.

    ``cases(rng)`` returns a list of ``(args, kwargs)``; the first ``public`` of them are shown to the learner on
    failure, the rest are hidden and drawn from the seeded ``rng``.
    """

    id: str
    chapter: str
    title: str
    signature: str
    doc: str
    reference: Callable[..., Any]
    cases: Callable[[np.random.Generator], list[tuple[tuple, dict]]]
    variants: list[Variant] = field(default_factory=list)
    rtol: float = 1e-9
    atol: float = 1e-12
    public: int = 2
    iterable: bool = False  # the learner may return a generator/iterator (it is consumed under the time limit)
    kind: str = "implement"  # or "debug": the notebook starts from code with a planted bug (a catalogued variant)

    def check(self, fn: Any, seed: int = 20261122, timeout: float = 2.0) -> "Result":
        """Grade the learner's ``fn`` for this exercise (see :func:`check_function`); never raises."""
        return check_function(self, fn, seed=seed, timeout=timeout)


@dataclass
class Result:
    """The outcome of a check: never raised, always displayable."""

    exercise: str
    passed: bool
    score: float
    status: str  # "passed", "failed", "not implemented", "error", "timeout", "refused"
    feedback: str
    printed: str = ""

    def __str__(self) -> str:
        head = {"passed": "PASSED", "not implemented": "NOT IMPLEMENTED YET"}.get(self.status, "FAILED")
        text = f"[{head}] {self.exercise}: score {self.score:.2f}\n{self.feedback}"
        if self.printed:
            text += f"\n(your function printed:)\n{self.printed}"
        return text

    def _repr_html_(self) -> str:
        color = {"passed": "#1b7e3c", "not implemented": "#6b6b6b"}.get(self.status, "#b00020")
        body = html.escape(str(self)).replace("\n", "<br>")
        return f'<div style="border-left:6px solid {color};padding:6px 10px;font-family:monospace">{body}</div>'


def _number(x: Any) -> bool:
    return (type(x) in (int, float) or isinstance(x, (np.floating, np.integer))) and not isinstance(x, (bool, np.bool_))


def _scalar(x: Any) -> bool:
    """A number in any of the forms a learner may return it: Python or NumPy number, bool, or a 0-d array."""
    return _number(x) or isinstance(x, (bool, np.bool_)) or \
        (type(x) is np.ndarray and x.ndim == 0 and x.dtype.kind in "fiub")


def _as_arrays(value: Any) -> tuple[np.ndarray, ...]:
    """Plain arrays from a learner's output: a number or bool, an array, a list of numbers, or a tuple/list of those.

    Only exact ``ndarray``s (no subclasses), Python/NumPy numbers and lists/tuples of them are accepted, by their
    exact type; anything else (including objects that define ``__eq__``, ``__float__`` or ``__array__``) is
    rejected with a TypeError naming its type, so none of the learner's methods runs during the comparison.
    """

    def one(v: Any) -> np.ndarray:
        if type(v) is np.ndarray:
            if v.dtype.kind not in "fiu":
                raise TypeError(f"an array of dtype {v.dtype}")
            return v
        if isinstance(v, (bool, np.bool_)):  # a yes/no answer (e.g. "prune now?") compares as 1.0 or 0.0
            return np.asarray(float(v))
        if _number(v):
            return np.asarray(v)
        if type(v) in (list, tuple) and all(_scalar(x) for x in v):  # numbers, NumPy scalars, 0-d arrays alike
            return np.array([float(x) for x in v])
        raise TypeError(f"a {type(v).__name__}")

    if type(value) in (list, tuple) and not all(_scalar(v) for v in value):
        return tuple(one(v) for v in value)
    return (one(value),)


def _returned_arrays(value: Any, n: int) -> list[bool]:
    """Which of the ``n`` outputs the learner returned as ndarrays (lists carry no dtype to keep)."""
    if n == 1 and not (type(value) in (list, tuple) and value and not all(_scalar(v) for v in value)):
        return [type(value) is np.ndarray]
    return [type(v) is np.ndarray for v in value]


def _snapshot(obj: Any) -> Any:
    return copy.deepcopy(obj)


def _same(a: Any, b: Any) -> bool:
    """Whether a (possibly mutated) input still equals its snapshot; both are the checker's own objects."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and \
            a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a is b or a == b


class _Capture(io.TextIOBase):
    """A stdout/stderr stand-in that keeps the first ``limit`` characters and counts the rest (bounded memory)."""

    def __init__(self, limit: int = PRINT_LIMIT) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        text = str(text) if type(text) is not str else text
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        out = "".join(self.parts)
        return out + (f"\n... ({self.dropped} more characters)" if self.dropped else "")


@dataclass
class _Call:
    value: Any = None
    error: BaseException | None = None
    text: str = ""  # "ZeroDivisionError: division by zero"
    tb: str = ""  # the learner's frames of the traceback
    where: str = ""  # "line 4 (in `fact`: `return n * fact(n - 1)`)": the innermost line of the learner's code
    timed_out: bool = False
    used_library: str = ""
    tampered: str = ""
    printed: str = ""
    seconds: float = 0.0


def _library_frame(filename: str) -> bool:
    return any(filename.startswith(p) for p in _FORBIDDEN)


def _learner_traceback(exc: BaseException) -> tuple[str, str]:
    """(where, traceback text) of an exception raised in the learner's code: only the learner's own frames."""
    frames = traceback.extract_tb(exc.__traceback__)[::-1]  # innermost first
    here = _isolate.where([(f.filename, f.lineno or 0, f.name) for f in frames], [f.line or "" for f in frames],
                          stop=False)
    mine = [f for f in frames[::-1] if _isolate.is_learner_file(f.filename)]
    if len(mine) > 1 and (mine[-1].line or "").startswith("def "):
        mine.pop()  # a function being entered when a recursion hit the limit: its caller's line says it all
    try:
        message = str(exc)[:500]
    except BaseException:  # noqa: BLE001 - a learner's exception whose __str__ fails
        message = "(its message cannot be shown)"
    return here, "".join(traceback.format_list(mine[-2:])) + f"{type(exc).__name__}: {message}"


def _call(fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float | None, trusted: bool = False,
          iterable: bool = False) -> _Call:
    """Call ``fn`` with detection of calls into lessons_lib's implementations and, unless ``timeout`` is None, a time
    limit and captured output.

    ``timeout=None`` is the forked child's way (:mod:`._isolate`): the parent process enforces the time limit and
    reads the output from the child's file descriptors. Otherwise (no fork, or the grader's trusted proxies) the
    time limit is in-process: on the main thread a repeating ``SIGALRM`` timer raises :class:`_Timeout` inside the
    learner's code and switches on a trace function on every frame, which raises it again at each following line
    (a raise inside an ``except`` clause escapes that ``try``); on other threads a trace function raises it at the
    first line after the deadline. This cannot stop a function that ignores SIGALRM, nests two catch-all loops (a
    trace function that raises is switched off by Python) or stays in C code: only a child process can be killed.

    Library use: a ``sys.setprofile`` hook records any Python frame from lessons_lib's optimizers, schedules,
    frameworks, train or the exercise solutions. While the function runs, ``sys.setprofile`` itself is replaced by a
    recorder, so a function that switches the hook off is reported as tampering; a hook that Python dropped because
    a deep recursion reached the limit inside it is not (the RecursionError is reported instead).
    """
    out = _Call()
    used: list[str] = []
    tampering: list[str] = []
    deadline = time.monotonic() + (timeout or 0.0)
    armed = [True]  # the alarm only interrupts while the learner's code runs

    def profiler(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and not used and _library_frame(frame.f_code.co_filename):
            used.append(f"{os.path.relpath(frame.f_code.co_filename, _LIB_DIR)}:{frame.f_code.co_name}")

    def setprofile(function: Any) -> None:
        tampering.append("switched off the checker's monitoring (sys.setprofile)")
        real_setprofile(function)

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        # not on "exception" events: raising there would replace our own _Timeout and switch tracing off early;
        # not in the checker's own frames (the profiler, the `with` that restores stdout) or contextlib's
        if event in ("line", "call") and armed[0] and time.monotonic() > deadline and \
                frame.f_code.co_filename not in _OWN_FILES:
            raise _Timeout()
        return tracer

    def on_alarm(signum: int, frame: Any) -> None:
        if armed[0]:
            interrupted = frame
            sys.settrace(tracer)  # from now on every line of the learner's code raises again
            while frame is not None:
                frame.f_trace = tracer
                frame = frame.f_back
            if interrupted is None or interrupted.f_code.co_filename not in _OWN_FILES:
                raise _Timeout()

    limited = timeout is not None
    capture = _Capture() if limited else None
    on_main = limited and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old_handler = None
    old_trace, old_profile, real_setprofile = sys.gettrace(), sys.getprofile(), sys.setprofile
    start = time.monotonic()
    try:
        try:
            if on_main:
                old_handler = signal.signal(signal.SIGALRM, on_alarm)
                signal.setitimer(signal.ITIMER_REAL, timeout, 0.05)
            elif limited:
                sys.settrace(tracer)
            if not trusted:
                sys.setprofile = setprofile
                real_setprofile(profiler)
            with contextlib.ExitStack() as stack:
                if capture is not None:
                    stack.enter_context(contextlib.redirect_stdout(capture))
                    stack.enter_context(contextlib.redirect_stderr(capture))
                value = fn(*args, **kwargs)
                if iterable and isinstance(value, (Iterator, types.GeneratorType)):
                    value = list(value)  # a generator runs the learner's code: consume it under the limit
            armed[0] = False
            out.value = value
        finally:
            armed[0] = False
            if not trusted:
                sys.setprofile = real_setprofile
                out.tampered = tampering[0] if tampering else ""
            real_setprofile(old_profile)
            sys.settrace(old_trace)
            if on_main:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old_handler if old_handler is not None else signal.SIG_DFL)
    except _Timeout as exc:
        out.timed_out = True
        out.where = _learner_traceback(exc)[0]
    except BaseException as exc:  # noqa: BLE001 - anything the learner raises is reported, never propagated
        if isinstance(exc, KeyboardInterrupt) and limited:
            raise  # the user's interrupt (in a forked child it is the function's own raise, and reported)
        out.error = exc
        out.where, out.tb = _learner_traceback(exc)
        out.text = out.tb.rsplit("\n", 1)[-1]
    out.seconds = time.monotonic() - start
    out.used_library = used[0] if used else ""
    out.printed = capture.text() if capture is not None else ""
    return out


def _case(fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float | None, trusted: bool,
          iterable: bool) -> tuple[_isolate.Outcome, str]:
    """Run ``fn`` on copies of one case's inputs: the outcome in plain data (outputs converted to arrays, or what
    went wrong) and the captured printed text. Runs in the forked child, or in this process without one."""
    before = (_snapshot(args), _snapshot(kwargs))
    work_args, work_kwargs = _snapshot(args), _snapshot(kwargs)
    call = _call(fn, work_args, work_kwargs, timeout, trusted, iterable)
    Outcome = _isolate.Outcome
    if call.tampered:
        return Outcome("tampered", text=call.tampered), call.printed
    if call.used_library:
        return Outcome("library", text=call.used_library), call.printed
    if isinstance(call.error, (NotImplementedYet, NotImplementedError)):
        return Outcome("notimplemented"), call.printed
    if call.timed_out:
        return Outcome("timeout", where=call.where), call.printed
    if call.error is not None:
        return Outcome("error", text=call.text, where=call.where, tb=call.tb), call.printed
    if not trusted and not (_same(work_args, before[0]) and _same(work_kwargs, before[1])):
        return Outcome("mutated"), call.printed
    try:
        got = _as_arrays(call.value)
    except TypeError as exc:
        return Outcome("badtype", text=str(exc)), call.printed
    return Outcome("ok", got, tuple(_returned_arrays(call.value, len(got)))), call.printed


def _run_here(fn: Callable[..., Any], cases: list, timeout: float, trusted: bool,
              iterable: bool) -> tuple[list[_isolate.Outcome], str]:
    """Every case in this process (no fork available, or the grader's sandboxed proxies), stopping at a final
    outcome; the printed text is the first case's that printed anything."""
    outcomes, printed = [], ""
    for args, kwargs in cases:
        out, text = _case(fn, args, kwargs, timeout, trusted, iterable)
        outcomes.append(out)
        printed = printed or text
        if out.kind in _isolate.FINAL:
            break
    return outcomes, printed


def _describe(args: tuple, kwargs: dict) -> str:
    def short(v: Any) -> str:
        if isinstance(v, np.ndarray):
            return np.array2string(v, precision=4, threshold=8) + ("" if v.dtype == np.float64 else f" ({v.dtype})")
        if callable(v):
            return getattr(v, "__name__", "a function")
        return repr(v)

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _on(label: str, args: tuple, kwargs: dict) -> str:
    return f"on a {label} ({_describe(args, kwargs)})"


def _close(got: tuple[np.ndarray, ...], want: tuple[np.ndarray, ...], rtol: float, atol: float) -> bool:
    return len(got) == len(want) and all(
        g.shape == w.shape and bool(np.all(np.isfinite(g) == np.isfinite(w)))
        and np.allclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
        for g, w in zip(got, want))


def check_function(ex: Exercise, fn: Any, seed: int = 20261122, timeout: float = 2.0, trusted: bool = False) -> Result:
    """Grade ``fn`` against ``ex``; returns a :class:`Result` and never raises.

    ``trusted=True`` is for the grader's proxies, whose calls run in a sandbox that enforces the time limit, the
    mutation check and the ban on the library's implementations itself.
    """
    try:
        return _check(ex, fn, seed, timeout, trusted)
    except BaseException as exc:  # pragma: no cover - the checker itself must never break a notebook
        if isinstance(exc, KeyboardInterrupt):
            raise
        return Result(ex.id, False, 0.0, "error", f"The checker could not run your function: {type(exc).__name__}: {exc}")


def _is_library_function(fn: Any, ex: Exercise) -> bool:
    """Whether ``fn`` is (or wraps, via functools.partial or a bound method) code from lessons_lib's
    implementations or an instance of one of its classes. Only type-level attributes are read."""
    import functools

    for _ in range(10):  # unwrap partials and bound methods
        if type(fn) is functools.partial:
            fn = fn.func
        elif type(fn) is types.MethodType:
            fn = fn.__func__
        else:
            break
    if fn is ex.reference:
        return True
    if type(fn) is types.FunctionType:
        return _library_frame(os.path.abspath(fn.__code__.co_filename))
    module = getattr(type(fn), "__module__", "") or ""
    return module.startswith(_LIBRARY_MODULES)


def _check(ex: Exercise, fn: Any, seed: int, timeout: float, trusted: bool = False) -> Result:
    if not callable(fn):
        return Result(ex.id, False, 0.0, "failed", f"Expected a function {ex.signature}, got {type(fn).__name__}.")
    if not trusted and _is_library_function(fn, ex):
        return Result(ex.id, False, 0.0, "refused", "This is the library's implementation, not yours: write the "
                      "function yourself (you may use NumPy).")
    cases = ex.cases(np.random.default_rng(seed))

    def expected() -> list[tuple[np.ndarray, ...]]:
        return [_as_arrays(ex.reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))) for args, kwargs in cases]

    outcomes: list[_isolate.Outcome] | None = None
    if not trusted and _isolate.AVAILABLE:
        try:  # the function runs in a forked child; the expected outputs are computed here meanwhile
            outcomes, printed, wants = _isolate.run(
                cases, lambda args, kwargs: _case(fn, args, kwargs, None, False, ex.iterable)[0], timeout, expected)
        except _isolate.Unavailable:  # no process could be started (out of memory or processes): run it here
            pass
    if outcomes is None:  # in this process: the expected outputs only after the function has run
        outcomes, printed = _run_here(fn, cases, timeout if not trusted else 10 * timeout, trusted, ex.iterable)
        wants = expected()
    return _grade(ex, cases, outcomes, wants, printed, timeout)


def _grade(ex: Exercise, cases: list, outcomes: list[_isolate.Outcome], wants: list[tuple[np.ndarray, ...]],
           printed: str, timeout: float) -> Result:
    """The verdict from each case's outcome and expected outputs (first failure explained, mistakes named)."""
    passed = 0
    first_failure = ""
    wrong: list[tuple] = []
    right: list[tuple] = []
    for i, ((args, kwargs), out, want) in enumerate(zip(cases, outcomes, wants)):
        label = "public case" if i < ex.public else "hidden case"
        if out.kind == "tampered":
            return Result(ex.id, False, 0.0, "refused", f"Your function {out.text}; the check cannot trust its "
                          "result.", printed)
        if out.kind == "library":
            return Result(ex.id, False, 0.0, "refused", "Your function calls the course library's implementation "
                          f"({out.text}); write the computation yourself with NumPy.", printed)
        if out.kind == "notimplemented":
            return Result(ex.id, False, 0.0, "not implemented", "Not implemented yet: replace the "
                          "`raise NotImplementedError` line with your code, run the cell, then run this check again.")
        if out.kind == "timeout":
            at = f"; last line running: {out.where}" if out.where else ""
            return Result(ex.id, False, passed / len(cases), "timeout", f"Your function did not finish within "
                          f"{timeout:g} s {_on(label, args, kwargs)}{at}. Is there a loop that never ends?", printed)
        if out.kind in ("crash", "broken"):
            at = f", at {out.where}" if out.where else ""
            return Result(ex.id, False, passed / len(cases), "error", f"Your function {out.text} "
                          f"{_on(label, args, kwargs)}{at}. It ran in a separate process: your notebook and later "
                          "checks are not affected.", printed)
        if out.kind == "error":
            name = out.text.split(":", 1)[0]
            at = f" at {out.where}" if out.where else ""
            hint = ("\nThe recursion never reaches its base case (or goes deeper than Python allows): check the "
                    "condition that stops it, or use a loop.") if name == "RecursionError" else ""
            first_failure = first_failure or (f"Your function raised {name}{at} {_on(label, args, kwargs)}:\n"
                                              f"{out.tb}{hint}")
            continue
        if out.kind == "mutated":
            first_failure = first_failure or (f"Your function changed its inputs in place {_on(label, args, kwargs)}."
                                              " Return new arrays instead (e.g. `theta = theta - lr * g`, not "
                                              "`theta -= lr * g`).")
            continue
        if out.kind == "badtype":
            first_failure = first_failure or (f"On a {label} your function returned {out.text}; expected "
                                              f"{len(want)} value(s): {', '.join(f'array of shape {w.shape}' for w in want)}.")
            continue
        got = out.outputs
        dtypes_in = {a.dtype for a in list(args) + list(kwargs.values()) if isinstance(a, np.ndarray)}
        if np.dtype(np.float32) in dtypes_in and any(w.dtype == np.float32 for w in want) and \
                any(g.dtype != w.dtype for g, w, arr in zip(got, want, out.arrays) if w.ndim and arr):
            first_failure = first_failure or (f"On a {label} with float32 inputs your function returned "
                                              f"{[str(g.dtype) for g in got]}; keep the input dtype (avoid creating "
                                              "float64 arrays, e.g. with np.zeros(shape) without dtype).")
            continue
        rtol = max(ex.rtol, 1e-5) if np.dtype(np.float32) in dtypes_in else ex.rtol
        if _close(got, want, rtol, ex.atol):
            passed += 1
            right.append((args, kwargs, got, want, label, rtol))
            continue
        wrong.append((args, kwargs, got, want, label, rtol))
    if len(outcomes) < len(cases):  # pragma: no cover - every path above ends a short list with a final outcome
        return Result(ex.id, False, passed / len(cases), "error", "The checker lost track of your function.", printed)
    score = passed / len(cases)
    if passed == len(cases):
        return Result(ex.id, True, 1.0, "passed", f"All {len(cases)} cases pass ({ex.public} public, "
                      f"{len(cases) - ex.public} hidden).", printed)
    if not first_failure:
        first_failure = _explain(ex, wrong, right)
        if ex.kind == "debug" and ex.variants and _variant_reproduces(ex, ex.variants[0], wrong, right):
            score = 0.0  # the planted bug is still there: the cases it happens to get right earn nothing
    return Result(ex.id, False, score, "failed", f"{passed} of {len(cases)} cases pass.\n{first_failure}", printed)


def _variant_reproduces(ex: Exercise, v: Variant, wrong: list[tuple], right: list[tuple]) -> bool:
    """Whether the known mistake ``v`` gives the learner's outputs on every case: the wrong ones and the right ones."""
    for args, kwargs, got, want, _, rtol in wrong + right:
        try:
            alt = _as_arrays(v.fn(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
        except Exception:  # noqa: BLE001 - a variant that cannot run on this case does not match
            return False
        if len(alt) != len(got) or any(a.shape != g.shape for a, g in zip(alt, got)) or \
                not _close(got, alt, rtol, ex.atol):
            return False
    return True


def _where_it_breaks(ex: Exercise, wrong: list[tuple], right: list[tuple]) -> str:
    """The input classes (``classes.CLASSES``) that separate the failing cases from the passing ones, as a sentence."""
    from .classes import CLASSES, case_classes

    classes = CLASSES.get(ex.id)
    if not classes or not right:
        return ""
    label = lambda case: set(case_classes(ex.reference, classes, case[0], case[1]))  # noqa: E731
    bad, good = [label(c) for c in wrong], [label(c) for c in right]
    in_all_bad = [n for n in classes if all(n in b for b in bad)]
    exact = [n for n in in_all_bad if not any(n in g for g in good)]
    if exact:
        return (f"Where it goes wrong: it is right on the {len(right)} other case(s) but wrong on every case with "
                f"{' and '.join(exact[:2])}. Check what your code does there.\n")
    never_bad = [n for n in classes if any(n in g for g in good) and not any(n in b for b in bad)]
    if in_all_bad:
        return (f"Where it goes wrong: every failing case has {in_all_bad[0]}"
                + (f", and it is right on every case with {never_bad[0]}" if never_bad else "") + ".\n")
    return ""


def _explain(ex: Exercise, wrong: list[tuple], right: list[tuple] | None = None) -> str:
    """Name the known mistake when it is the *only* one that reproduces the learner's outputs on every case; else say
    which kinds of input break the function (see :mod:`classes`) and show the first mismatch in detail."""
    right = right or []
    consistent = [v for v in ex.variants if _variant_reproduces(ex, v, wrong, right)]
    if len(consistent) == 1:
        v = consistent[0]
        return f"Looks like: {v.name}. {v.message}"
    hint = _where_it_breaks(ex, wrong, right)
    args, kwargs, got, want, label, rtol = wrong[0]
    if len(got) != len(want) or any(g.shape != w.shape for g, w in zip(got, want)):
        return hint + (f"On a {label} ({_describe(args, kwargs)}) the shapes differ: expected "
                f"{[w.shape for w in want]}, got {[g.shape for g in got]}.")
    worst, where, which = 0.0, (), 0
    for j, (g, w) in enumerate(zip(got, want)):
        err = np.abs(g.astype(np.float64) - w.astype(np.float64))
        err = np.where(np.isnan(err), np.inf, err)
        if err.size and float(err.max()) >= worst:
            worst, where, which = float(err.max()), np.unravel_index(int(np.argmax(err)), err.shape), j
    name = f"output {which + 1}" if len(want) > 1 else "the output"
    g, w = got[which], want[which]
    return hint + (f"On a {label} ({_describe(args, kwargs)}):\n  expected {name} = "
            f"{np.array2string(w, precision=6, threshold=8)}\n  got               "
            f"{np.array2string(g, precision=6, threshold=8)}\n  largest error {worst:.3g} at index {tuple(int(i) for i in where)}.")
