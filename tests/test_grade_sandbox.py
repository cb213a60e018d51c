"""The grader against hostile submissions (issue 11): one notebook per attack class, graded in ONE run of the
command line, from the submissions' folder, together with honest learners.

Honest learners get their true score (quiz included), each attack scores only what it earned honestly, the run
finishes and writes its reports, nothing outside the sandbox is touched, and no process of any submission is alive
afterwards. Needs bubblewrap (skipped without it; CI installs it). About 40 s, once per session however many
pytest-xdist workers there are: two submissions hang until the 15-second deadline on purpose.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from lessons_lib.exercises import build
from lessons_lib.grade.sandbox import enforced_cgroups, process_limit_enforced, unavailable_reason
from lessons_lib.quiz import BANKS

UNAVAILABLE = unavailable_reason()
pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=f"no sandbox here: {UNAVAILABLE}")

REPO = Path(__file__).resolve().parents[1]
ADAM = REPO / "exercises" / "source" / "adam.py"
TIMEOUT = 15  # seconds per submission: honest ones need about 1 s, even on a loaded machine


def right_answers(chapter: str) -> dict[str, object]:
    return {q["id"]: (next(i for i, a in enumerate(q["answers"]) if a["correct"]) if q["type"] == "multiple_choice"
                      else q["answer"]) for q in BANKS[chapter]}


def _shipped(answers: dict[str, object]) -> list[str]:
    """The solution notebook's code cells with the shipped quiz cell filled in with ``answers``."""
    cells = [c.source for c in build.build(ADAM, "solution").cells if c.cell_type == "code"]
    out = []
    for src in cells:
        for q, a in answers.items():
            src = src.replace(f'    "{q}": None,', f'    "{q}": {a!r},')
        out.append(src)
    return out


CHANNEL = """
import os
def to_channel(data):
    for fd in range(3, 64):
        try:
            os.write(fd, data)
        except OSError:
            pass
"""


def _attacks(subs: Path, outside: Path) -> dict[str, list[str]]:
    honest_path = subs / "a-honest.ipynb"
    catalog = REPO / "lessons_lib" / "exercises" / "catalog.py"
    steal_catalog = f"""
import glob, os
found = [{str(catalog)!r}] + glob.glob('/work/*/lessons_lib/exercises/catalog.py') + glob.glob('/root/**/catalog.py')
for p in found:
    try:
        exec(open(p).read())
        break
    except OSError:
        pass
"""
    copy_cells = """
def steal(path):
    import json
    for cell in json.load(open(path))['cells']:
        if cell['cell_type'] == 'code':
            try:
                exec(''.join(cell['source']), globals())
            except BaseException:
                pass
"""
    return {
        # raising one's own score
        "meta-path": ["import sys\nsys.meta_path[:] = [f for f in sys.meta_path if 'Blocker' not in type(f).__name__]\n"
                      "for k in [k for k in sys.modules if k.startswith('lessons_lib')]:\n    del sys.modules[k]\n"
                      f"sys.path.insert(0, {str(REPO)!r})\n"
                      "from lessons_lib.exercises.catalog import adam_step, adamw_step"],
        "open-catalog": [steal_catalog],
        "detects-grader": ["import sys\nif not hasattr(sys.modules['lessons_lib.exercises'], 'EXERCISES'):\n"
                           + "\n".join("    " + line for line in steal_catalog.splitlines())],
        "copy-classmate": [copy_cells + "import glob\npaths = {" + repr(str(honest_path)) + "}\n"
                           "for p in glob.glob('/proc/*/cmdline'):\n    try:\n"
                           "        paths |= {a for a in open(p, 'rb').read().decode(errors='replace').split('\\0')"
                           " if a.endswith('.ipynb')}\n    except OSError:\n        pass\n"
                           "for p in paths:\n    try:\n        steal(p)\n    except OSError:\n        pass"],
        "proc-mem": [copy_cells + "import re, os\n"
                     "for pid in ['1', str(os.getppid())] + os.listdir('/proc'):\n"
                     "    try:\n        maps = open(f'/proc/{pid}/maps').read().splitlines()\n"
                     "        mem = open(f'/proc/{pid}/mem', 'rb')\n    except (OSError, ValueError):\n        continue\n"
                     "    for line in maps:\n        lo, hi = (int(x, 16) for x in line.split()[0].split('-'))\n"
                     "        try:\n            mem.seek(lo)\n            chunk = mem.read(min(hi - lo, 1 << 24))\n"
                     "        except (OSError, ValueError, OverflowError):\n            continue\n"
                     "        for m in re.finditer(rb'/[\\w/.-]+\\.ipynb', chunk):\n            try:\n"
                     "                steal(m.group().decode())\n            except Exception:\n                pass"],
        "other-chapter": ["import numpy as np\ndef gd_step(theta, grad, lr):\n    return theta - lr * grad",
                          "from lessons_lib.quiz import record_answer\n" + "\n".join(
                              f"record_answer({ch!r}, {q!r}, {a!r})" for ch in BANKS if ch != "adam"
                              for q, a in right_answers(ch).items())],
        # harming others or the run
        "daemon": ["import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                   "        try:\n            hog = bytearray(2_500_000_000)\n        except MemoryError:\n            pass\n"
                   "        for _ in range(600):\n"
                   f"            for p in {[str(subs / 'report.csv'), str(subs / 'report.json')]!r}:\n"
                   "                try:\n                    open(p, 'w').write('rewritten')\n"
                   "                except OSError:\n                    pass\n"
                   "            time.sleep(0.1)\n        os._exit(0)\n    os._exit(0)\ntime.sleep(0.5)"],
        "plant-files": ["import os\n" + "\n".join(
            f"try:\n    open({str(d / name)!r}, 'w').write('import sys; sys.exit(9)')\nexcept OSError:\n    pass"
            for d in (subs, outside, Path("/tmp")) for name in ("numpy.py", "planted.py")) +
            f"\nfor p in {[str(subs / 'report.csv'), str(subs / 'report.json')]!r}:\n"
            "    try:\n        os.makedirs(p)\n    except OSError:\n        pass"],
        "fill-disk": _shipped({}) + ["import os\nfor d in ['/tmp', os.getcwd(), " + repr(str(outside)) + "]:\n"
                                     "    try:\n        with open(os.path.join(d, 'fill'), 'wb') as fh:\n"
                                     "            for _ in range(4096):\n                fh.write(b'x' * 2**20)\n"
                                     "    except OSError:\n        pass"],
        "fork-bomb": ["import os, time\nn = 0\nfor _ in range(1000):\n    try:\n        pid = os.fork()\n"
                      "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(600)\n        os._exit(0)\n"
                      "    n += 1\nraise RuntimeError(f'FORKED={n}')"],
        "memory-total": ["import os, time\nkids = []\nfor i in range(6):\n    pid = os.fork()\n    if pid == 0:\n"
                         "        b = bytearray(300 * 2**20)\n        for j in range(0, len(b), 4096):\n"
                         "            b[j] = 1\n        time.sleep(1)\n        os._exit(0)\n    kids.append(pid)\n"
                         "raise RuntimeError(f'STATUSES={[os.waitpid(k, 0)[1] for k in kids]}')"],
        "kill-parent": ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(-1, signal.SIGKILL)"],
        "os-exit": _shipped({}) + ["import os\nos._exit(0)"],
        "garbage-lines": [CHANNEL + "to_channel(b'\\xff\\xfe not json\\n')"],
        "null-answers": [CHANNEL + "to_channel(b'{\"ready\": true, \"cell_errors\": []}\\n{\"answers\": null}\\n')"],
        "half-line": [CHANNEL + "import time\nto_channel(b'{\"ready\": tr')\ntime.sleep(3600)"],
        "no-newline": [CHANNEL + "for _ in range(1200):\n    to_channel(b'x' * 2**20)"],
        "huge-array": [CHANNEL + "import numpy as np\ndef adam_step(*a, **k):\n"
                       "    to_channel(b'{\"ok\": true, \"value\": {\"__nd__\": [1.0], \"shape\": [40000, 40000], "
                       "\"dtype\": \"float64\"}}\\n')\n    return 0.0"],
        "big-return": ["import numpy as np\ndef adam_step(*a, **k):\n    return np.zeros(50_000_000)"],
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The one graded run, shared by the pytest-xdist workers (the first one grades, the others read its result)."""
    session = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of one session
    if session is None:
        shared = tmp_path_factory.mktemp("grade_sandbox_run")
    else:
        shared = tmp_path_factory.getbasetemp().parent / f"grade_sandbox_run-{session}"
        shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "run.json").is_file():
            data = _grade_everything(shared)
            (shared / "run.json").write_text(json.dumps(data))
    data = json.loads((shared / "run.json").read_text())
    data["subs"], data["outside"] = Path(data["subs"]), Path(data["outside"])
    return data


def _grade_everything(shared: Path) -> dict:
    subs, outside = shared / "submissions", shared / "outside"
    subs.mkdir()
    outside.mkdir()
    right = right_answers("adam")
    some = dict(list(right.items())[:3])  # three of five answered, all right
    wrong_adam = ("def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08):\n"
                  "    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad**2\n"
                  "    return theta - lr * m / (np.sqrt(v) + eps), m, v")
    notebooks = {"a-honest": _shipped(right), "b-partial": _shipped(some) + [wrong_adam]}
    notebooks.update({f"x-{name}": cells for name, cells in _attacks(subs, outside).items()})
    notebooks["z-honest-last"] = _shipped(right)
    paths = []
    for name, cells in notebooks.items():
        path = subs / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
        paths.append(path)
    # refused before parsing: 400,000 empty cells (40 MB), and 5,000 cells in a small file
    empty = {"cell_type": "code", "source": "", "metadata": {}, "outputs": [], "execution_count": None}
    for name, n in (("x-400k-cells", 400_000), ("x-5k-cells", 5_000)):
        (subs / f"{name}.ipynb").write_text(json.dumps({"cells": [empty] * n, "metadata": {}, "nbformat": 4,
                                                        "nbformat_minor": 5}))
        paths.append(subs / f"{name}.ipynb")
    (subs / "numpy.py").write_text(f"open({str(outside / 'grader-imported-numpy')!r}, 'w').close()\n"
                                   "raise SystemExit('a numpy.py beside the notebooks')\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start, since_boot = time.monotonic(), _uptime()
    popen = subprocess.Popen([sys.executable, "-m", "lessons_lib.grade", "--chapter", "adam", *[p.name for p in paths],
                              "--out", "report.csv", "--json", "report.json", "--timeout", str(TIMEOUT),
                              "--memory-mb", "1024"], cwd=subs, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    out, err = popen.communicate(timeout=600)
    seconds = time.monotonic() - start
    time.sleep(1.5)  # a daemon that escaped would have rewritten the reports by now
    reports = json.loads((subs / "report.json").read_text()) if (subs / "report.json").is_file() else []
    return {"returncode": popen.returncode, "stderr": err[-5000:], "subs": str(subs), "outside": str(outside),
            "seconds": seconds, "n": len(paths), "pid": popen.pid,
            "window": (since_boot, _uptime()),
            "reports": {Path(r["submission"]).stem: r for r in reports}}


def test_the_run_finishes_and_writes_its_reports(run) -> None:
    assert run["returncode"] == 0, run["stderr"]
    rows = list(csv.reader((run["subs"] / "report.csv").open()))
    assert len(rows) == run["n"] + 1 and rows[0][:4] == ["submission", "chapter", "score", "status"]
    assert len(run["reports"]) == run["n"]
    assert not (run["outside"] / "grader-imported-numpy").exists(), "the grader imported a learner's numpy.py"


def _adam_items() -> list[str]:
    from lessons_lib.grade.grader import chapter_items

    return chapter_items("adam")[0]  # functions (implement, debug), then value-answered exercises


def test_honest_learners_get_their_true_score(run) -> None:
    for name in ("a-honest", "z-honest-last"):
        r = run["reports"][name]
        assert r["status"] == "graded" and r["score"] == 1.0, r
        assert r["exercises"] == {e: 1.0 for e in _adam_items()}
        assert r["quiz"] == {f"adam/{q}": 1.0 for q in right_answers("adam")}  # the shipped quiz cell counts
    r = run["reports"]["b-partial"]
    assert r["exercises"]["adamw_step"] == 1.0 and r["exercises"]["adam_step"] < 1.0
    assert "without bias correction" in r["feedback"]["adam_step"]
    assert sum(r["quiz"].values()) == 3.0 and len(r["quiz"]) == 5
    n = len(_adam_items()) + 5
    assert r["score"] == pytest.approx((sum(r["exercises"].values()) + 3.0) / n)


@pytest.mark.parametrize("name", ["meta-path", "open-catalog", "detects-grader", "copy-classmate", "proc-mem",
                                  "other-chapter", "daemon", "plant-files", "fork-bomb", "kill-parent",
                                  "garbage-lines", "null-answers", "half-line", "no-newline", "huge-array",
                                  "big-return", "memory-total", "400k-cells", "5k-cells"])
def test_attacks_earn_nothing(run, name) -> None:
    r = run["reports"][f"x-{name}"]
    assert r["score"] == 0.0, r
    assert set(r["exercises"]) == set(_adam_items())  # the chapter's fixed list, nothing else
    assert set(r["quiz"]) == {f"adam/{q}" for q in right_answers("adam")}
    assert r["seconds"] < TIMEOUT + 5


def test_what_each_attack_met(run) -> None:
    reports = run["reports"]
    for name in ("garbage-lines", "null-answers", "no-newline", "huge-array"):
        assert reports[f"x-{name}"]["status"] == "protocol violation", reports[f"x-{name}"]
    assert reports["x-half-line"]["status"].startswith("crashed or timed out")
    # SIGKILL to the PID namespace's init from inside is ignored by the kernel; kill(-1) reaches only the sandbox
    assert reports["x-kill-parent"]["status"] in ("graded", "crashed or timed out while running the notebook")
    for name in ("400k-cells", "5k-cells"):
        assert reports[f"x-{name}"]["status"].startswith("refused"), reports[f"x-{name}"]
    assert any("larger than" in n for n in reports["x-400k-cells"]["notes"])
    assert any("5000 cells" in n for n in reports["x-5k-cells"]["notes"])
    assert any("ImportError" in n or "ModuleNotFoundError" in n for n in reports["x-meta-path"]["notes"])
    forked = [n for n in reports["x-fork-bomb"]["notes"] if "FORKED=" in n]
    assert forked
    if process_limit_enforced():  # RLIMIT_NPROC, or a pids cgroup as root (the deadline bounds it otherwise)
        assert int(forked[0].split("FORKED=")[1]) < 32, forked
    statuses = [n for n in reports["x-memory-total"]["notes"] if "STATUSES=" in n]
    if "memory" in enforced_cgroups():  # 6 x 300 MB in a sandbox capped at 1 GiB + /tmp: some are killed
        assert statuses and "9" in statuses[0].split("STATUSES=")[1], reports["x-memory-total"]
    other = reports["x-other-chapter"]
    assert other["feedback"]["adam_step"].startswith("Missing: the notebook defines no function adam_step")
    assert any(n.startswith("quiz: 0 of 5 questions answered") and "answers to other questions ignored" in n
               for n in other["notes"])
    assert "array of 50000000 elements (more than 100000)" in reports["x-big-return"]["feedback"]["adam_step"]


def test_attacks_keep_what_they_earned_honestly(run) -> None:
    r = run["reports"]["x-fill-disk"]  # correct functions, no quiz answers, then fills every disk it can reach
    assert r["exercises"]["adam_step"] == r["exercises"]["adamw_step"] == 1.0
    assert r["score"] == pytest.approx(sum(r["exercises"].values()) / (len(_adam_items()) + 5))
    r = run["reports"]["x-os-exit"]  # correct functions, then os._exit: the notebook did not finish
    assert r["score"] == 0.0 and r["status"].startswith("crashed or timed out")


def test_nothing_outside_the_sandbox_was_touched(run) -> None:
    subs, outside = run["subs"], run["outside"]
    assert (subs / "report.csv").is_file() and "rewritten" not in (subs / "report.csv").read_text()
    assert not any((d / n).exists() for d in (subs, outside) for n in ("planted.py", "fill"))
    assert not (outside / "numpy.py").exists() and not Path("/tmp/planted.py").exists()


def _uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def test_no_process_of_a_submission_is_alive(run) -> None:
    """No sandboxed process of the run is alive (each carries its grader's pid in its environment, so graders
    running concurrently in other test workers are not counted), and the run's pids cgroups (as root) are gone,
    which the kernel allows only once they hold no process."""
    mark = f"LESSONS_GRADER_PID={run['pid']}".encode()
    alive = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if mark in environ:
                alive.append(pid)
    assert not alive
    assert not list(Path("/sys/fs/cgroup/pids").glob(f"lessons-grade-{run['pid']}-*"))


def _in_sandbox(code: str) -> dict:
    """Run ``code`` (which sets ``out``, a dict) in a bare sandbox; returns ``out``."""
    from lessons_lib.grade import sandbox as sb

    cmd = sb.bwrap_command(sb.Limits())
    script = f"import json, os, socket, sys\nout = {{}}\n{code}\nprint(json.dumps(out))"
    cmd = cmd[:cmd.index("--") + 1] + [sb._python(), "-I", "-S", "-c", script]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_what_the_sandbox_sees(monkeypatch) -> None:
    from lessons_lib.grade import sandbox as sb

    include = os.path.join(os.path.realpath(sys.base_prefix), "include")
    masked = os.path.isdir(include) and bool(os.listdir(include))
    if masked:  # stands for a copy of the course inside a bound folder (e.g. installed into the base Python)
        monkeypatch.setattr(sb, "_course_copies", lambda: [include])
    out = _in_sandbox(f"""
def can(f):
    try:
        f()
        return True
    except OSError:
        return False
out['uid'] = os.getuid()
out['repo'] = os.path.exists({str(REPO / 'lessons_lib')!r}) or os.path.exists({str(REPO / 'exercises')!r})
out['repo_listing'] = os.listdir({str(REPO)!r}) if os.path.isdir({str(REPO)!r}) else []
out['root_writable'] = can(lambda: open('/x', 'w'))
out['include'] = os.listdir({include!r}) if os.path.isdir({include!r}) else []
out['pids'] = sorted(p for p in os.listdir('/proc') if p.isdigit())
out['net'] = can(lambda: socket.create_connection(('1.1.1.1', 53), timeout=2))
def fill():
    with open('/tmp/fill', 'wb') as fh:
        for _ in range(64):
            fh.write(b'x' * 2**20)
out['tmp_64mb'] = can(fill)
""")
    assert out["uid"] == 65534 and not out["repo"] and not out["root_writable"] and not out["net"]
    # a virtual environment inside the checkout appears only as the path to the bound NumPy folders
    assert set(out["repo_listing"]) <= {".venv"}, out["repo_listing"]
    assert out["pids"] == ["1", "2"]  # bubblewrap's init and this process: nothing of the machine's
    assert not out["tmp_64mb"]  # the private /tmp holds 16 MiB
    if masked:
        assert out["include"] == []
