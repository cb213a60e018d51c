"""The exercise checker isolates the learner's function (issue 10, items 4 and 5).

One test per hostile or honestly broken function: each check ends in a clean verdict that says what really happened
(with the learner's line where there is one), this process (standing in for the notebook's kernel) keeps running
with its state untouched, and a later correct answer still passes with normally formatted feedback.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np
import pytest

from lessons_lib.exercises import _isolate, check

pytestmark = pytest.mark.skipif(not _isolate.AVAILABLE, reason="needs os.fork (Linux, macOS)")

_ALLCLOSE, _ASSERT_ALLCLOSE, _PRINTOPTIONS = np.allclose, np.testing.assert_allclose, np.get_printoptions()


def correct(theta, grad, lr):
    return theta - lr * grad


def _line(fn, text: str) -> int:
    """The line number of the first line of ``fn``'s source that contains ``text``."""
    import inspect

    lines, first = inspect.getsourcelines(fn)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _kernel_still_fine() -> None:
    """This process is untouched and later checks work: a correct answer passes, a wrong one is explained with
    the usual number formatting."""
    assert np.allclose is _ALLCLOSE and np.testing.assert_allclose is _ASSERT_ALLCLOSE
    assert np.get_printoptions() == _PRINTOPTIONS
    good = check("gd_step", correct)
    assert good.passed and good.status == "passed" and str(good).startswith("[PASSED] gd_step: score 1.00"), str(good)
    bad = check("gd_step", lambda theta, grad, lr: theta + lr * grad)
    assert not bad.passed and "Looks like: a step uphill." in bad.feedback, str(bad)
    off = check("gd_step", lambda theta, grad, lr: theta - lr * grad + 1e-3)
    assert "expected the output = [" in off.feedback and "largest error 0.001 at index" in off.feedback, str(off)


def _clean(result, status: str, *phrases: str, max_seconds: float = 10.0, started: float | None = None) -> None:
    assert result.status == status and not result.passed, str(result)
    for phrase in phrases:
        assert phrase in str(result), (phrase, str(result))
    assert "monitoring" not in result.feedback and "tamper" not in result.feedback, str(result)
    if started is not None:
        assert time.monotonic() - started < max_seconds


# ------------------------------------------------------------------------------------ the time limit holds
def nested_catch_all(theta, grad, lr):
    while True:
        try:
            while True:
                try:
                    while True:
                        pass
                except BaseException:  # noqa: BLE001 - a learner's catch-all, twice
                    pass
        except BaseException:  # noqa: BLE001
            pass


def test_nested_catch_all_loops_still_time_out() -> None:
    start = time.monotonic()
    result = check("gd_step", nested_catch_all, timeout=0.5)
    _clean(result, "timeout", "did not finish within 0.5 s", "last line running: line", started=start)
    _kernel_still_fine()


def ignores_the_alarm(theta, grad, lr):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        pass


def test_a_function_that_ignores_sigalrm_and_stops_the_timer_still_times_out() -> None:
    before = signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL)
    start = time.monotonic()
    result = check("gd_step", ignores_the_alarm, timeout=0.5)
    _clean(result, "timeout", "did not finish", started=start)
    assert any(f"last line running: line {_line(ignores_the_alarm, text)} (in `ignores_the_alarm`" in result.feedback
               for text in ("while True", "pass")), str(result)
    assert (signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL)) == before
    _kernel_still_fine()


# ------------------------------------------------------------------------------- the kernel survives
def exits(theta, grad, lr):
    os._exit(3)


def test_os_exit_ends_only_the_child() -> None:
    result = check("gd_step", exits)
    _clean(result, "error", "exit status 3", "public case", "your notebook and later checks are not affected")
    _kernel_still_fine()


def c_stack_overflow(theta, grad, lr):
    sys.setrecursionlimit(10**6)

    def deeper(n):
        return list(map(deeper, [n + 1]))  # through C (map, list): every level uses the C stack

    return deeper(0)


def segfault(theta, grad, lr):
    import ctypes

    return ctypes.string_at(0)


@pytest.mark.parametrize("fn, texts", [(c_stack_overflow, ("def deeper", "return list(map(deeper")),
                                       (segfault, ("ctypes.string_at",))], ids=["C-stack overflow", "ctypes segfault"])
def test_a_crash_ends_only_the_child(fn, texts: tuple[str, ...]) -> None:
    limit = sys.getrecursionlimit()
    result = check("gd_step", fn, timeout=10)
    _clean(result, "error", "crashed the process running it (SIGSEGV", "on a public case")
    assert any(f"at line {_line(fn, text)} (in `" in result.feedback for text in texts), str(result)
    assert sys.getrecursionlimit() == limit
    _kernel_still_fine()


# --------------------------------------------------------------------------- the checker's state is its own
def patches_numpy(theta, grad, lr):
    np.allclose = np.isclose = lambda *a, **k: True
    np.array_equal = lambda *a, **k: True
    np.testing.assert_allclose = np.testing.assert_array_almost_equal = lambda *a, **k: None
    return theta  # wrong


def test_monkeypatching_numpy_changes_nothing_here() -> None:
    result = check("gd_step", patches_numpy)
    assert result.status == "failed" and not result.passed and result.score < 1, str(result)
    _kernel_still_fine()
    assert check("gd_step", lambda theta, grad, lr: theta).status == "failed"  # and no later check passes wrongly


def slightly_off(theta, grad, lr):
    return theta - lr * grad + 1e-3 / 7


def sets_printoptions(theta, grad, lr):
    np.set_printoptions(precision=1, threshold=2, sign="+")
    return slightly_off(theta, grad, lr)  # wrong, so the feedback prints numbers


def test_set_printoptions_does_not_reach_the_feedback() -> None:
    plain = check("gd_step", slightly_off)
    result = check("gd_step", sets_printoptions)
    assert not result.passed and result.feedback == plain.feedback and "0.950143" in result.feedback, str(result)
    _kernel_still_fine()


def reads_the_callers_frames(theta, grad, lr):
    """Look for the expected output in every frame above this one: locals, and what they hold (containers,
    attributes, closures) a few levels deep. It computes the answer only to recognise it."""
    answer = theta - lr * grad
    if np.array_equal(answer, theta):
        return answer
    found, seen = [], set()

    def visit(obj, where, depth):
        if id(obj) in seen or depth > 4 or obj is answer or isinstance(obj, type(sys)):
            return
        seen.add(id(obj))
        if type(obj) is np.ndarray:
            if obj.shape == answer.shape and np.array_equal(obj, answer):
                found.append(where)
        elif isinstance(obj, (list, tuple, set)):
            for k, x in enumerate(list(obj)[:100]):
                visit(x, f"{where}[{k}]", depth + 1)
        elif isinstance(obj, dict):
            for k, x in list(obj.items())[:200]:
                visit(x, f"{where}[{k!r}]", depth + 1)
        elif callable(obj) and getattr(obj, "__closure__", None):
            for k, cell in enumerate(obj.__closure__):
                try:
                    visit(cell.cell_contents, f"{where}.<cell {k}>", depth + 1)
                except ValueError:
                    pass
        elif hasattr(obj, "__dict__") and not callable(obj):
            visit(vars(obj), f"{where}.__dict__", depth + 1)

    frame = sys._getframe(1)
    while frame is not None:
        visit(dict(frame.f_locals), frame.f_code.co_name, 0)
        frame = frame.f_back
    print("FOUND" if found else "nothing", found[:3])
    return found and theta  # wrong either way: only the printed line matters


def test_the_expected_outputs_are_not_in_the_childs_memory() -> None:
    result = check("gd_step", reads_the_callers_frames)
    assert not result.passed and "nothing" in result.printed and "FOUND" not in result.printed, result.printed
    _kernel_still_fine()


def calls_the_reference_it_found(theta, grad, lr):
    frame = sys._getframe(1)
    while frame is not None:
        ex = frame.f_locals.get("ex")
        if ex is not None and hasattr(ex, "reference"):
            return ex.reference(theta, grad, lr)
        frame = frame.f_back
    return theta


def test_calling_the_reference_found_in_the_frames_is_refused() -> None:
    result = check("gd_step", calls_the_reference_it_found)
    assert result.status == "refused" and "course library" in result.feedback, str(result)
    _kernel_still_fine()


# ------------------------------------------------------------------------------------------------- output
def floods_fd_1(theta, grad, lr):
    if not hasattr(floods_fd_1, "done"):  # once per check: every case runs in the same child
        floods_fd_1.done = True
        os.write(1, b"x" * 70_000_000)
        os.write(2, b"y" * 1_000_000)
    return theta - lr * grad


def test_writing_70_mb_to_fd_1_reaches_the_notebook_capped(capfd: pytest.CaptureFixture) -> None:
    start = time.monotonic()
    result = check("gd_step", floods_fd_1)
    assert result.passed, str(result)
    assert result.printed.startswith("xxxx") and len(result.printed) < 2100, len(result.printed)
    assert f"({71_000_000 - 2000} more characters)" in result.printed, result.printed[-80:]
    out, err = capfd.readouterr()
    assert len(out) + len(err) < 10_000  # nothing reached this process's own output
    assert time.monotonic() - start < 20
    _kernel_still_fine()


def writes_garbage_everywhere(theta, grad, lr):
    for fd in range(3, 64):
        try:
            os.write(fd, b"\xff\x00\x00\x00garbage" * 100)
        except OSError:
            pass
    return theta - lr * grad


def test_garbage_written_to_the_checkers_pipes_is_refused_cleanly() -> None:
    result = check("gd_step", writes_garbage_everywhere)
    _clean(result, "error", "sent back something the checker cannot read")
    _kernel_still_fine()


def starts_a_process(theta, grad, lr):
    import subprocess

    if not hasattr(starts_a_process, "pid"):  # once per check
        starts_a_process.pid = subprocess.Popen(["sleep", "30"]).pid  # it holds the child's pipes open
        print("pid", starts_a_process.pid)
    return theta - lr * grad


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_process_started_by_the_function_does_not_hold_the_check_or_outlive_it() -> None:
    start = time.monotonic()
    result = check("gd_step", starts_a_process)
    assert result.passed and time.monotonic() - start < 5, str(result)
    if os.path.isdir("/proc"):
        pid = int(result.printed.split()[1])
        deadline = time.monotonic() + 5
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(pid)  # killed with the child's process group
    _kernel_still_fine()


# ------------------------------------------------------------------------ honest failures, honestly reported
def recurses_forever(theta, grad, lr):
    return recurses_forever(theta, grad, lr) + 1


def test_infinite_recursion_is_a_recursion_error_at_the_learners_line() -> None:
    result = check("gd_step", recurses_forever)
    line = _line(recurses_forever, "return recurses_forever")
    _clean(result, "failed", f"raised RecursionError at line {line} (in `recurses_forever`",
           "never reaches its base case", "RecursionError: maximum recursion depth exceeded")
    _kernel_still_fine()


def counts_with_len(theta, grad, lr):
    out = theta.copy()
    i = 0
    while i < len(theta):
        out[i] = theta[i] - lr * grad[i]  # forgot i += 1
    return out


def test_a_loop_that_never_ends_is_a_timeout_with_its_line() -> None:
    start = time.monotonic()
    result = check("gd_step", counts_with_len, timeout=0.5)
    lines = [_line(counts_with_len, "while i <"), _line(counts_with_len, "out[i] =")]
    _clean(result, "timeout", "did not finish within 0.5 s on a public case", started=start)
    assert any(f"last line running: line {n} (in `counts_with_len`" in result.feedback for n in lines), str(result)
    _kernel_still_fine()


def raises_keyboard_interrupt(theta, grad, lr):
    raise KeyboardInterrupt


def test_an_exception_names_the_learners_line() -> None:
    def divides(theta, grad, lr):
        scale = 0
        return theta - lr * grad / scale if scale else 1 / scale

    result = check("gd_step", divides)
    _clean(result, "failed", f"raised ZeroDivisionError at line {_line(divides, 'return theta')} (in `divides`: "
           "`return theta - lr * grad / scale if scale else 1 / scale`) on a public case")
    result = check("gd_step", raises_keyboard_interrupt)  # its own raise, reported like any other error
    _clean(result, "failed", "raised KeyboardInterrupt")
    _kernel_still_fine()


def asks(theta, grad, lr):
    return theta - lr * grad * float(input("lr? "))


def test_input_is_an_error_not_a_hang() -> None:
    _clean(check("gd_step", asks), "failed", "raised EOFError at line", "input() cannot be answered")
    _kernel_still_fine()


def test_torch_works_in_the_child_after_the_parent_used_its_threads() -> None:
    torch = pytest.importorskip("torch")
    torch.ones(300, 300) @ torch.ones(300, 300)  # the parent's thread pool is running

    def with_torch(theta, grad, lr):
        torch.ones(300, 300) @ torch.ones(300, 300)
        return (torch.from_numpy(theta) - lr * torch.from_numpy(grad)).numpy()

    result = check("gd_step", with_torch, timeout=10)
    assert result.passed, str(result)


def test_a_recursion_error_the_function_handles_is_not_called_tampering() -> None:
    """Python drops the checker's profile hook when the recursion limit is reached inside it; a function that
    catches that RecursionError and carries on did not tamper with anything (it used to be refused)."""
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    def falls_back(theta, grad, lr):
        try:
            depth(10**6)
        except RecursionError:
            pass
        return theta - lr * grad

    result = check("gd_step", falls_back)
    assert result.passed, str(result)
    assert check("gd_step", lambda theta, grad, lr: (sys.setprofile(None), theta - lr * grad)[1]).status == "refused"


# -------------------------------------------------------------------------------- fallback and speed
def test_without_fork_the_checker_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback (Windows; the grader's sandboxed proxies): the same verdicts for honest failures, the checker's
    state restored. (Only a child process can be stopped whatever the function does: two nested catch-all loops
    hold an in-process time limit forever, which is why checks run in a child where they can.)"""
    monkeypatch.setattr(_isolate, "AVAILABLE", False)
    state = lambda: (sys.stdout, sys.stderr, sys.gettrace(), sys.getprofile(), sys.setprofile,  # noqa: E731
                     signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL))
    before = state()
    assert check("gd_step", correct).passed
    result = check("gd_step", recurses_forever)
    _clean(result, "failed", "raised RecursionError at line")
    _clean(check("gd_step", counts_with_len, timeout=0.3), "timeout", "last line running: line")
    assert state() == before
