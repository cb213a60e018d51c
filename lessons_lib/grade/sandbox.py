"""One submission's sandbox: bubblewrap around ``python -I -S``, resource limits, and a hostile-reply channel.

What the sandboxed process sees and may do (built by :func:`bwrap_command`):

- **Namespaces** (``bwrap --unshare-all --unshare-user``): its own PID, network (no interface but loopback), IPC,
  UTS, cgroup, user and mount namespaces, uid/gid 65534 inside, no capabilities, ``--disable-userns``,
  ``--new-session`` (no terminal), ``--die-with-parent``. When the sandbox's first process ends, the kernel kills
  every process of its PID namespace: nothing a submission starts outlives it.
- **Files**: a read-only view of ``/usr`` (shared libraries), of the Python installation (standard library) and of
  the NumPy folders: nothing else of the machine. Not the course's sources or answer key (if ``lessons_lib`` sits
  inside a bound folder, it is hidden under an empty read-only tmpfs), not the submissions, not the reports, of
  ``/etc`` only the dynamic loader's cache. The root and ``/dev`` are read-only; ``/tmp`` is a private tmpfs of ``tmp_mb`` MiB; ``/proc`` shows the
  sandbox's own processes only.
- **Limits** (``setrlimit`` before bubblewrap starts, inherited by everything inside): address space
  ``memory_mb`` per process, CPU seconds, file size ``file_mb``, no core files, 256 descriptors; the number of
  processes with ``RLIMIT_NPROC`` (set by the worker inside its own user namespace) and, when the grader runs as
  root (where the kernel exempts uid 0 from ``RLIMIT_NPROC``, and the sandbox's uid maps to it), with a ``pids``
  cgroup whose ``pids.max`` is ``nproc``; as root, a memory cgroup also caps all the sandbox's processes together
  (``memory_mb`` + ``tmp_mb``). The grader kills the sandbox at the wall-clock deadline.

Where Python's shared libraries live outside ``/usr`` and ``sys.base_prefix`` (e.g. Homebrew on Linux), the
sandbox cannot start Python: :func:`check_sandbox` then says so before anything is graded.

The channel: requests go to the worker's stdin; replies are read from its stdout as bytes, with a size cap per
message and a deadline, decoded as strict UTF-8 JSON objects. Anything else raises :class:`ProtocolError`; the
grader then kills the sandbox and scores the submission 0 with the reason.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Limits", "Sandbox", "ProtocolError", "SandboxUnavailable", "bwrap_path", "bwrap_command"]

WORKER_SOURCE = (Path(__file__).parent / "_worker.py").read_text()
INSTALL_HINT = ("the grader runs every submission in a bubblewrap sandbox, but `bwrap` was not found: install the "
                "`bubblewrap` package (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install "
                "bubblewrap`), or pass --unsafe-no-sandbox to grade without one (only for code you trust)")


class ProtocolError(Exception):
    """The worker sent something that is not a valid reply (too long, not UTF-8, not a JSON object, ...)."""


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or does not work on this machine."""


@dataclass
class Limits:
    timeout: float = 120.0  # wall-clock seconds for the whole submission
    memory_mb: int = 2048  # address space per process
    nproc: int = 32  # processes (and threads) at once
    file_mb: int = 16  # largest file a process may write
    tmp_mb: int = 16  # size of the private /tmp
    message_mb: int = 4  # largest reply accepted from the worker
    call_timeout: float = 2.0  # seconds per call of a learner's function (enforced inside, and from here)
    max_elements: int = 100_000  # largest array a function may return (about 2.5 MB as JSON)


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)),
                                         None)


def _numpy_dirs() -> list[str]:
    import numpy

    pkg = os.path.dirname(os.path.realpath(numpy.__file__))
    libs = pkg + ".libs"  # the wheels' bundled OpenBLAS
    return [pkg] + ([libs] if os.path.isdir(libs) else [])


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _course_copies() -> list[str]:
    """Every ``lessons_lib`` folder on the grader's path (its own first) and the checkout that holds it, if any."""
    own = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    found = [own]
    for entry in sys.path:
        candidate = os.path.realpath(os.path.join(entry or ".", "lessons_lib"))
        if os.path.isdir(candidate) and candidate not in found:
            found.append(candidate)
    checkouts = [os.path.dirname(p) for p in found if os.path.isdir(os.path.join(os.path.dirname(p), "exercises"))]
    return sorted(set(found + checkouts))


def _python() -> str:
    return os.path.realpath(sys.executable)


def bwrap_command(limits: Limits) -> list[str]:
    """The bubblewrap command line that runs the worker (see the module's docstring for what it allows)."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(INSTALL_HINT)
    cmd = [bwrap, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--disable-userns",
           "--die-with-parent", "--new-session", "--cap-drop", "ALL",
           # the private /tmp first, so that what is bound later (Python, NumPy) stays visible even when it lives
           # under /tmp on this machine (a checkout with its virtual environment in /tmp, as CI's clean clones)
           "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp",
           "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        cmd += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    bound = ["/usr"]
    for root in (os.path.realpath(sys.base_prefix), os.path.dirname(_python())):
        if not _under(root, bound):
            cmd += ["--ro-bind", root, root]
            bound.append(root)
    # the course's sources (and a checkout's solution notebooks), wherever a bound folder happens to hold them, are
    # hidden under an empty tmpfs (made read-only below); NumPy is bound after, so it stays visible even inside one
    masks = [m for m in _course_copies() if _under(m, bound)]
    for mask in masks:
        cmd += ["--size", "4096", "--tmpfs", mask]
    for root in _numpy_dirs():
        cmd += ["--ro-bind", root, root]
    for mask in masks:
        cmd += ["--remount-ro", mask]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp", "--clearenv",
            "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
            "--setenv", "LESSONS_GRADER_PID", str(os.getpid())]  # which grader started it (for audits and tests)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        cmd += ["--setenv", var, "1"]
    return cmd + ["--", *_worker_command()]


def _worker_command() -> list[str]:
    return [_python(), "-I", "-S", "-c", WORKER_SOURCE, os.path.dirname(_numpy_dirs()[0])]


class _Cgroups:
    """Cgroups capping one sandbox as a whole, where this process may create them (as root): ``pids.max`` (the
    number of processes and threads) and the memory of all its processes together, its ``/tmp`` included
    (``memory.max``, or ``memory.limit_in_bytes`` with cgroup v1). Each is optional: what cannot be created is
    skipped (see :func:`process_limit_enforced`)."""

    SETTINGS = {"pids": ["pids.max"], "memory": ["memory.max", "memory.limit_in_bytes"]}

    def __init__(self, nproc: int, memory_bytes: int, enabled: bool = True) -> None:
        self.paths: dict[str, Path] = {}
        if os.geteuid() != 0 or not enabled:
            return
        values = {"pids": nproc, "memory": memory_bytes}
        name = f"lessons-grade-{os.getpid()}-{time.monotonic_ns()}"
        for controller, base in _cgroup_bases():
            if controller in self.paths or controller not in values:
                continue
            path = base / name
            try:
                path.mkdir(exist_ok=True)
            except OSError:
                continue
            for setting in self.SETTINGS[controller]:
                try:
                    (path / setting).write_text(str(values[controller]))
                    self.paths[controller] = path
                    break
                except OSError:
                    continue
            if controller not in self.paths and path not in self.paths.values():
                _rmdir(path)

    def join_paths(self) -> list[str]:
        return sorted({str(p / "cgroup.procs") for p in self.paths.values()})

    def remove(self) -> None:
        for path in set(self.paths.values()):
            for _ in range(100):
                try:
                    pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
                except OSError:
                    pids = []
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.02)
            _rmdir(path)
        self.paths = {}


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


def _cgroup_bases() -> list[tuple[str, Path]]:
    """(controller, folder of this process's cgroup) for cgroup v1 hierarchies and the v2 one."""
    out: list[tuple[str, Path]] = []
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        _, controllers, rel = line.split(":", 2)
        rel = rel.lstrip("/")
        if controllers:  # v1: one hierarchy per controller (or a few, comma-separated)
            for c in controllers.split(","):
                for base in (Path("/sys/fs/cgroup") / c, Path("/sys/fs/cgroup") / controllers):
                    if (base / rel / "cgroup.procs").exists():
                        out.append((c, base / rel))
                        break
        else:  # v2: one hierarchy, controllers as files
            for base in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
                if (base / rel / "cgroup.controllers").exists():
                    enabled = (base / rel / "cgroup.subtree_control").read_text().split() \
                        if (base / rel / "cgroup.subtree_control").exists() else []
                    out += [(c, base / rel) for c in ("pids", "memory") if c in enabled]
                    break
    return out


class Sandbox:
    """One worker process running one submission, inside bubblewrap unless ``unsafe``."""

    def __init__(self, limits: Limits, unsafe: bool = False) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.timeout
        self.buffer = bytearray()
        mem, cpu = limits.memory_mb * 2**20, int(limits.timeout) + 5
        self.cgroup = _Cgroups(limits.nproc, mem + limits.tmp_mb * 2**20, enabled=not unsafe)
        joins = self.cgroup.join_paths()
        fsize = limits.file_mb * 2**20

        def preexec() -> None:  # runs in the child, before bubblewrap starts
            for join in joins:
                try:
                    with open(join, "w") as fh:
                        fh.write(str(os.getpid()))
                except OSError:
                    pass
            for res, value in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, cpu),
                               (resource.RLIMIT_FSIZE, fsize), (resource.RLIMIT_CORE, 0),
                               (resource.RLIMIT_NOFILE, 256)):
                resource.setrlimit(res, (value, value))

        cmd = _worker_command() if unsafe else bwrap_command(limits)
        env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8",
               "PATH": "/usr/bin:/bin"}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     preexec_fn=preexec, start_new_session=True, env=env, cwd="/",
                                     close_fds=True)
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)

    # -- the channel ---------------------------------------------------------------------------------------------
    def send(self, payload: dict, deadline: float | None = None) -> None:
        """Write one request; raises TimeoutError or BrokenPipeError (the worker is gone or stopped reading)."""
        data = memoryview((json.dumps(payload) + "\n").encode())
        deadline = min(deadline or self.deadline, self.deadline)
        fd = self.proc.stdin.fileno()
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the submission stopped reading its requests")
            _, ready, _ = select.select([], [fd], [], remaining)
            if ready:
                try:
                    data = data[os.write(fd, data):]
                except BlockingIOError:
                    continue

    def receive(self, deadline: float | None = None) -> dict:
        """Read one reply: raises TimeoutError, EOFError (the worker ended) or ProtocolError."""
        cap = self.limits.message_mb * 2**20
        deadline = min(deadline or self.deadline, self.deadline)
        fd = self.proc.stdout.fileno()
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[:end + 1]
                return _parse(line)
            if len(self.buffer) > cap:
                raise ProtocolError(f"a reply longer than {self.limits.message_mb} MiB")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no reply before the deadline")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError("the submission's process ended")
            self.buffer += chunk

    def request(self, payload: dict, seconds: float | None = None) -> dict:
        deadline = time.monotonic() + seconds if seconds else None
        self.send(payload, deadline)
        return self.receive(deadline)

    def close(self) -> None:
        """Kill the sandbox (its PID namespace dies with it) and wait for it."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.cgroup.remove()


def _parse(line: bytes) -> dict:
    try:
        value = json.loads(line.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"an invalid reply ({type(exc).__name__})") from None
    if type(value) is not dict:
        raise ProtocolError(f"a reply that is not a JSON object ({type(value).__name__})")
    return value


def enforced_cgroups() -> set[str]:
    """The cgroup controllers (``pids``, ``memory``) the grader can use here to cap a sandbox as a whole."""
    cgroup = _Cgroups(2, 2**30)
    try:
        return set(cgroup.paths)
    finally:
        cgroup.remove()


def process_limit_enforced() -> bool:
    """Whether the number of a submission's processes is capped here: by RLIMIT_NPROC when not root (the sandbox's
    uid is then the instructor's, counted in the sandbox's own user namespace), by a pids cgroup when root."""
    return os.geteuid() != 0 or "pids" in enforced_cgroups()


def check_sandbox() -> None:
    """Raise :class:`SandboxUnavailable` unless bubblewrap can start a sandbox here."""
    cmd = bwrap_command(Limits())
    cmd = cmd[:cmd.index("--") + 1] + [_python(), "-I", "-S", "-c", "pass"]
    try:
        result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"bubblewrap could not start a sandbox: {exc}") from None
    if result.returncode != 0:
        raise SandboxUnavailable("bubblewrap could not start a sandbox here: "
                                 f"{result.stderr.decode(errors='replace').strip()[:500]} (it needs user namespaces; "
                                 "see the README's grader section), or pass --unsafe-no-sandbox")


def unavailable_reason() -> str | None:
    """Why no sandbox can be started here (bubblewrap missing, or user namespaces refused), or None if it can."""
    try:
        check_sandbox()
    except SandboxUnavailable as exc:
        return str(exc)
    return None
