"""Run a learner's function in a forked child process, so that nothing it does reaches the checker or the kernel.

Why a child process
-------------------
A learner's function is arbitrary Python. Run in the checker's own process (the notebook's kernel) it could swallow
or switch off the time limit (``except BaseException`` in a loop, ``signal.signal(SIGALRM, ...)``,
``setitimer(0)``), end or crash the kernel (``os._exit``, a segfault from a C-stack overflow), patch NumPy for this
and every later check (``np.allclose = lambda *a, **k: True``, ``np.set_printoptions``), read the expected outputs
from the checker's frames, or flood the notebook through file descriptor 1. In a forked child all of that stays in
the child, which is thrown away after the check. ``fork`` (not ``spawn``) is what lets a function defined in a
notebook cell run there without being pickled.

The protocol
------------
* **One child per check**, not per case (a fork costs milliseconds; a check of an ordinary function stays well under
  a second). The parent forks *after* drawing the cases and *before* computing the expected outputs: the child's
  memory holds the inputs and nothing it could copy an answer from. The parent computes the references while the
  child runs (``meanwhile``), and later compares and explains (the catalogued variants run in the parent too).
* **The child** (:func:`_child`) moves into its own process group, points its fds 1 and 2 at a pipe and fd 0 at
  ``/dev/null``, closes every other inherited descriptor (the kernel's sockets included), arms :mod:`faulthandler`
  on a second pipe (fatal signals, and SIGUSR1 on request), then for each case sends a *start* message with its
  clock, runs ``run_case`` (supplied by the checker: it copies the inputs, calls the function, checks for mutation
  and converts the outputs to plain arrays) and sends the :class:`Outcome`. It stops after a final outcome (not
  implemented, library use, tampering) and always leaves through ``os._exit``, never back into the kernel's code.
* **Messages** are two 4-byte lengths, a JSON header and raw array bytes: never pickle, since the parent must not
  execute anything the child sends. The parent checks every field (kinds, string sizes, dtypes from a short list,
  shapes, byte counts) and reads at most :data:`RESULT_LIMIT` bytes; anything else ends the check as "broken".
* **The time limit is the parent's.** ``timeout`` after a case's start it asks the child for a traceback (SIGUSR1:
  faulthandler's C handler writes it even while Python code loops), waits briefly, then SIGKILLs the child's process
  group. The innermost line of the learner's own code in that traceback is reported as the last line running.
* **A crash** (a signal, ``os._exit``) ends the child without a final message; its exit status and, for a fatal
  signal, faulthandler's traceback describe it.
* **Output** written to fds 1/2 (``print`` or ``os.write``) is drained continuously, so the child never blocks on a
  full pipe, and only the first :data:`OUTPUT_LIMIT` characters are kept; the rest is counted.

Where ``os.fork`` does not exist (Windows) the checker runs the function in its own process instead
(``_core._call``), and so it does for the instructor's grader, whose calls already run in a bubblewrap sandbox.
"""

from __future__ import annotations

import errno
import faulthandler
import io
import json
import linecache
import math
import os
import re
import select
import signal
import struct
import sys
import sysconfig
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

AVAILABLE = hasattr(os, "fork") and hasattr(select, "poll") and sys.platform != "win32"
"""Whether checks run in a forked child (Linux, macOS); elsewhere the checker runs the function in-process."""

RESULT_LIMIT = 64 * 2**20  # bytes of results one check may send back
OUTPUT_LIMIT = 2000  # characters of printed output kept
TEXT_LIMIT = 4000  # characters of any text field in a message
GRACE = 0.25  # seconds between asking a timed-out child for its traceback and killing it
START_LIMIT = 10.0  # seconds the child may take between two cases (copying inputs, sending a result)

CHILD_KINDS = {"ok", "error", "notimplemented", "badtype", "mutated", "library", "tampered"}
FINAL = {"notimplemented", "library", "tampered", "timeout", "crash", "broken"}  # the check stops at these
_DTYPES = {np.dtype(n).name for n in [f"{k}{b}" for k in ("int", "uint") for b in (8, 16, 32, 64)] +
           ["float16", "float32", "float64", "longdouble"]}
_HEAD = struct.Struct(">II")
_HEAD_LIMIT = 64 * 1024

_LIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CORE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_core.py")
_NOT_LEARNER = tuple(sorted({os.path.join(p, "") for key in ("stdlib", "platstdlib", "purelib", "platlib")
                             for raw in [sysconfig.get_paths().get(key)] if raw
                             for p in (raw, os.path.realpath(raw))} | {os.path.join(_LIB_DIR, "")}))


@dataclass
class Outcome:
    """What happened on one case, in plain data: the learner's outputs as arrays, or what went wrong."""

    kind: str  # CHILD_KINDS, or "timeout", "crash", "broken" (made by the parent)
    outputs: tuple = ()  # plain ndarrays (kind "ok")
    arrays: tuple = ()  # which outputs the function returned as ndarrays (lists carry no dtype to check)
    text: str = ""  # "ZeroDivisionError: division by zero", "a str", the library function used, the crash ...
    where: str = ""  # "line 4 (in `fact`: `return n * fact(n - 1)`)"
    tb: str = ""  # the learner's frames of a traceback


# ------------------------------------------------------------------------------------ the learner's frames
def is_learner_file(filename: str) -> bool:
    """Whether a frame's file is the learner's code: not lessons_lib, not the standard library or installed
    packages (a notebook cell's file is ``/tmp/ipykernel_.../123.py`` or ``<ipython-input-...>``)."""
    if filename.startswith("<frozen") or filename.startswith(_NOT_LEARNER):
        return False
    return not os.path.realpath(filename).startswith(_NOT_LEARNER) if filename.startswith("/") else True


def where(frames: Sequence[tuple[str, int, str]], source: Sequence[str] | None = None, stop: bool = True) -> str:
    """"line N (in `name`: `source line`)" for the innermost learner frame of ``frames`` (innermost first); "" when
    the learner's code is not among them. ``stop``: look no further than the checker's own frame (a traceback dump
    goes on to the notebook cell that called the check, which is not the function's code)."""
    inside, entered = False, ""  # past the checker's innermost frames (its profiler may be what was running)
    for k, (filename, lineno, name) in enumerate(frames):
        if os.path.abspath(filename) == _CORE:
            if stop and inside:
                break
            continue
        inside = True
        if is_learner_file(filename):
            line = (source[k] if source is not None else linecache.getline(filename, lineno)).strip()
            text = f"line {lineno} (in `{name}`" + (f": `{line[:120]}`)" if line else ")")
            if not line.startswith(("def ", "async def ", "@")):
                return text
            entered = entered or text  # a function being entered (a recursion's limit): its caller's line is better
    return entered


_DUMP_FRAME = re.compile(r'^\s*File "(.*)", line (\d+) in (.*)$')


def _dump_frames(dump: str) -> list[tuple[str, int, str]]:
    """The frames of a faulthandler dump's current thread, innermost first."""
    frames = []
    for line in dump.splitlines():
        if frames and not line.startswith(" "):
            break  # the next thread's section (there is none in the child, but be exact)
        m = _DUMP_FRAME.match(line)
        if m:
            frames.append((m.group(1), int(m.group(2)), m.group(3)))
    return frames


# ------------------------------------------------------------------------------------------- messages
def _message(head: dict, blob: bytes = b"") -> bytes:
    text = json.dumps(head).encode()
    return _HEAD.pack(len(text), len(blob)) + text + blob


def _encode(i: int, out: Outcome) -> bytes:
    outputs, blobs, size = [], [], 0
    for a in out.outputs:
        size += a.nbytes
        if size > RESULT_LIMIT // 2:
            return _encode(i, Outcome("badtype", text=f"an array of {a.size} elements (too large to check)"))
        a = a.astype(a.dtype.newbyteorder("="), order="C")  # (np.ascontiguousarray makes 0-d arrays 1-d)
        outputs.append({"dtype": a.dtype.name, "shape": list(a.shape)})
        blobs.append(a.tobytes())
    head = {"case": i, "kind": out.kind, "text": out.text[:TEXT_LIMIT], "where": out.where[:TEXT_LIMIT],
            "tb": out.tb[-TEXT_LIMIT:], "arrays": [bool(x) for x in out.arrays], "outputs": outputs}
    return _message(head, b"".join(blobs))


class Unavailable(Exception):
    """No child process could be started (out of memory or processes): the caller runs the function itself."""


class ProtocolError(Exception):
    """The child sent something that is not a valid message."""


def _decode(head: Any, blob: bytes, case: int) -> Outcome:
    keys = {"case", "kind", "text", "where", "tb", "arrays", "outputs"}
    if type(head) is not dict or set(head) != keys or head["case"] != case or head["kind"] not in CHILD_KINDS:
        raise ProtocolError("an unexpected message")
    if not all(type(head[k]) is str and len(head[k]) <= TEXT_LIMIT for k in ("text", "where", "tb")):
        raise ProtocolError("a malformed text")
    arrays, specs = head["arrays"], head["outputs"]
    if type(arrays) is not list or len(arrays) > 1000 or not all(type(x) is bool for x in arrays) or \
            type(specs) is not list or len(specs) > 1000 or (specs and head["kind"] != "ok"):
        raise ProtocolError("malformed outputs")
    outputs, offset = [], 0
    for spec in specs:
        if type(spec) is not dict or set(spec) != {"dtype", "shape"} or spec["dtype"] not in _DTYPES or \
                type(spec["shape"]) is not list or len(spec["shape"]) > 32 or \
                not all(type(n) is int and 0 <= n <= RESULT_LIMIT for n in spec["shape"]):
            raise ProtocolError("a malformed array")
        dtype, count = np.dtype(spec["dtype"]), math.prod(spec["shape"])
        if offset + count * dtype.itemsize > len(blob):
            raise ProtocolError("an array larger than its bytes")
        outputs.append(np.frombuffer(blob, dtype, count, offset).reshape(tuple(spec["shape"])).copy())
        offset += count * dtype.itemsize
    if offset != len(blob):
        raise ProtocolError("bytes left over")
    return Outcome(head["kind"], tuple(outputs), tuple(arrays), head["text"], head["where"], head["tb"])


def _send(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# ---------------------------------------------------------------------------------------------- child
def _close_fds_except(keep: set[int]) -> None:
    listing = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    try:
        fds = [int(n) for n in os.listdir(listing)]
    except (OSError, ValueError):
        fds = list(range(3, 1024))
    for fd in fds:
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _no_input(prompt: Any = "") -> str:
    raise EOFError("input() cannot be answered while the checker runs your function")


def _child(cases: Sequence[tuple[tuple, dict]], run_case: Callable[[tuple, dict], Outcome], res_w: int,
           out_w: int, fh_w: int) -> None:
    try:
        os.setpgid(0, 0)  # the parent kills the whole group, with anything the function started
    except OSError:
        pass
    for sig in (signal.SIGINT, signal.SIGALRM, signal.SIGUSR1):
        try:
            signal.signal(sig, signal.SIG_IGN if sig == signal.SIGINT else signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    _close_fds_except({0, 1, 2, res_w, fh_w})
    stream = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
                              line_buffering=True, write_through=True)
    sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = stream
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    import builtins

    builtins.input = _no_input  # a kernel's input() would wait on the kernel's sockets
    torch = sys.modules.get("torch")
    if torch is not None:  # the parent's thread pools do not survive a fork: one thread in the child
        try:
            torch.set_num_threads(1)
        except Exception:  # noqa: BLE001
            pass
    faulthandler.enable(file=fh_w, all_threads=True)
    faulthandler.register(signal.SIGUSR1, file=fh_w, all_threads=True)
    for i, (args, kwargs) in enumerate(cases):
        _send(res_w, _message({"start": i, "t": time.monotonic()}))
        out = run_case(args, kwargs)
        for s in {stream, sys.stdout, sys.stderr}:
            try:
                s.flush()
            except BaseException:  # noqa: BLE001 - a learner's replacement stream
                pass
        _send(res_w, _encode(i, out))
        if out.kind in FINAL:
            break
    _send(res_w, _message({"done": True}))


# --------------------------------------------------------------------------------------------- parent
_ENDING: set[int] = set()  # killed children not reaped yet


def _reap() -> None:
    for pid in list(_ENDING):
        try:
            done = os.waitpid(pid, os.WNOHANG)[0]
        except ChildProcessError:
            done = pid
        if done:
            _ENDING.discard(pid)


class _Parent:
    """Reads a child's messages, output and tracebacks; enforces the time limit; always reaps the child."""

    def __init__(self, pid: int, res: int, out: int, fh: int, timeout: float, n: int) -> None:
        self.pid, self.res, self.out, self.fh, self.timeout, self.n = pid, res, out, fh, timeout, n
        self.buf, self.received = bytearray(), 0
        self.kept, self.chars = bytearray(), 0
        self.dump = bytearray()
        self.status: int | None = None
        self.born = time.monotonic()
        self.poll = select.poll()
        for fd in (res, out, fh):
            self.poll.register(fd, select.POLLIN)
        self.open = {res, out, fh}

    # reading
    def _read(self, fd: int) -> bool:
        """Read what ``fd`` holds now; False at end of file."""
        try:
            data = os.read(fd, 1 << 16)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EINTR):
                return True
            data = b""
        if not data:
            self.poll.unregister(fd)
            self.open.discard(fd)
            return False
        if fd == self.out:
            if len(self.kept) < 4 * OUTPUT_LIMIT:
                self.kept += data[:4 * OUTPUT_LIMIT - len(self.kept)]
            raw = np.frombuffer(data, np.uint8)
            self.chars += len(data) - int(np.count_nonzero((raw & 0xC0) == 0x80))  # UTF-8 characters
        elif fd == self.fh:
            self.dump += data[:max(0, (1 << 16) - len(self.dump))]
        else:
            self.received += len(data)
            if self.received > RESULT_LIMIT + _HEAD_LIMIT:
                raise ProtocolError("more results than any check needs")
            self.buf += data
        return True

    def _pump(self, seconds: float) -> None:
        for fd, _ in self.poll.poll(max(0, int(seconds * 1000))):
            self._read(fd)

    def _messages(self):
        while len(self.buf) >= _HEAD.size:
            head_len, blob_len = _HEAD.unpack_from(self.buf)
            if head_len > _HEAD_LIMIT or blob_len > RESULT_LIMIT:
                raise ProtocolError("an oversized message")
            end = _HEAD.size + head_len + blob_len
            if len(self.buf) < end:
                return
            try:
                head = json.loads(bytes(self.buf[_HEAD.size:_HEAD.size + head_len]))
            except ValueError:
                raise ProtocolError("a message that is not JSON") from None
            blob = bytes(self.buf[_HEAD.size + head_len:end])
            del self.buf[:end]
            yield head, blob

    def _exited(self) -> bool:
        """Whether the child has ended; if so it is reaped, after its process group (anything the function
        started) is killed: until the child is reaped its pid, and so its group's id, cannot be reused."""
        if self.status is None:
            try:
                if hasattr(os, "waitid"):
                    if os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
                        return False
                    self.kill()
                else:  # without waitid (WNOWAIT) the group cannot be killed safely after the child ended
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                    if pid:
                        self.status = status
            except ChildProcessError:
                self.status = 0
        return self.status is not None

    # the check
    def collect(self) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            self._collect(outcomes)
        except ProtocolError as exc:
            outcomes.append(Outcome("broken", text=f"sent back something the checker cannot read ({exc})"))
        self._drain()  # the output written before the last message is in the pipe by now
        return outcomes

    def _collect(self, outcomes: list[Outcome]) -> None:
        started: tuple[int, float] | None = None  # (case, deadline)
        next_start = time.monotonic() + START_LIMIT
        while True:
            dead = self._exited()
            if dead:
                self._drain()
            else:
                now = time.monotonic()
                limit = started[1] if started else next_start
                if now >= limit:
                    outcomes.append(self._time_up() if started else
                                    Outcome("broken", text="stopped answering between two cases"))
                    return
                if self.open:
                    self._pump(min(limit - now, 0.05))
                else:  # every pipe closed: the child is ending
                    time.sleep(0.002)
            for head, blob in self._messages():
                now = time.monotonic()
                if started is None and type(head) is dict and set(head) == {"start", "t"} and \
                        type(head["start"]) is int and head["start"] == len(outcomes) < self.n and \
                        type(head["t"]) is float and math.isfinite(head["t"]):
                    started = (head["start"], min(max(head["t"], self.born), now) + self.timeout)
                elif started is not None and type(head) is dict and "case" in head:
                    outcomes.append(_decode(head, blob, started[0]))
                    started, next_start = None, now + START_LIMIT
                    if outcomes[-1].kind in FINAL:
                        return
                elif started is None and head == {"done": True} and len(outcomes) == self.n:
                    return
                else:
                    raise ProtocolError("an unexpected message")
            if dead:  # ended without its final message
                outcomes.append(self._crash(started[0] if started else len(outcomes)))
                return

    def _drain(self) -> None:
        """Read what the pipes still hold (the child has ended; something it started may keep them open)."""
        deadline = time.monotonic() + 0.5
        while self.open and time.monotonic() < deadline:
            events = self.poll.poll(0)
            if not events:
                return
            for fd, _ in events:
                self._read(fd)

    def _time_up(self) -> Outcome:
        try:
            os.kill(self.pid, signal.SIGUSR1)  # faulthandler: the traceback of the running code
        except OSError:
            pass
        deadline, quiet = time.monotonic() + GRACE, None
        while time.monotonic() < deadline and self.fh in self.open:
            before = len(self.dump)
            self._pump(0.03)
            if len(self.dump) > before:
                quiet = time.monotonic()
            elif quiet is not None and time.monotonic() - quiet > 0.03:
                break
        self.kill()
        return Outcome("timeout", where=where(_dump_frames(self.dump.decode("utf-8", "replace"))))

    def _crash(self, case: int) -> Outcome:
        status = self.status or 0
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = f"signal {sig}"
            text = f"crashed the process running it ({name}" + (
                ", a segmentation fault: often a recursion so deep that the C stack overflows, e.g. after "
                "sys.setrecursionlimit" if sig == signal.SIGSEGV else "") + ")"
        else:
            text = (f"ended the process running it (exit status {os.WEXITSTATUS(status)}, as os._exit does) "
                    "before returning")
        return Outcome("crash", text=text, where=where(_dump_frames(self.dump.decode("utf-8", "replace"))))

    def kill(self, wait: bool = True) -> None:
        """SIGKILL the child's process group (the child and anything it started) and reap the child; with
        ``wait=False`` a child still ending is reaped later (a large process takes milliseconds to end)."""
        if self.status is None:
            for kill in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
            try:
                pid, status = os.waitpid(self.pid, 0 if wait else os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self.status = status
            else:
                _ENDING.add(self.pid)

    def printed(self) -> str:
        text = self.kept.decode("utf-8", "replace")[:OUTPUT_LIMIT]
        dropped = self.chars - len(text)
        return text + (f"\n... ({dropped} more characters)" if dropped > 0 else "")

    def close(self) -> None:
        self.kill(wait=False)
        for fd in (self.res, self.out, self.fh):
            try:
                os.close(fd)
            except OSError:
                pass


def run(cases: Sequence[tuple[tuple, dict]], run_case: Callable[[tuple, dict], Outcome], timeout: float,
        meanwhile: Callable[[], Any] = lambda: None) -> tuple[list[Outcome], str, Any]:
    """Run ``run_case`` on every case in one forked child, with ``timeout`` seconds per case; call ``meanwhile``
    in this process while the child runs. Returns the outcomes (stopping at the first final one), the printed
    output (capped) and what ``meanwhile`` returned. Raises :class:`Unavailable` when no child can be started."""
    _reap()
    pipes: list[tuple[int, int]] = []
    try:
        for _ in range(3):
            pipes.append(os.pipe())
        with warnings.catch_warnings():  # Python 3.12+ warns about forking a process with threads (a kernel's)
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError as exc:
        for fd in sum(pipes, ()):
            os.close(fd)
        raise Unavailable(str(exc)) from None
    if pid == 0:  # the child: never returns
        code = 70
        try:
            for r, _ in pipes:
                os.close(r)
            _child(cases, run_case, pipes[0][1], pipes[1][1], pipes[2][1])
            code = 0
        except BaseException:  # noqa: BLE001 - nothing may escape into the kernel's code
            pass
        finally:
            os._exit(code)
    for _, w in pipes:
        os.close(w)
    parent = _Parent(pid, pipes[0][0], pipes[1][0], pipes[2][0], timeout, len(cases))
    try:
        value = meanwhile()
        outcomes = parent.collect()
        return outcomes, parent.printed(), value
    finally:
        parent.close()
