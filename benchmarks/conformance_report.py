"""Print the worst errors of the conformance suite: every optimizer case against torch.optim and Keras (500 float64
updates) and every schedule case against its torch scheduler and Keras schedule (1200 updates).

The cases are the ones the tests assert on (tests/test_optimizer_conformance.py, tests/test_schedule_conformance.py);
this script reports the measured numbers behind those pass/fail checks.
Run: python benchmarks/conformance_report.py  (add --part-iii for the Part III optimizers only)
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    from lessons_lib.frameworks import run_keras, run_numpy, run_torch

    oc = _load("test_optimizer_conformance")
    print(f"Optimizers: worst over {oc.STEPS} float64 updates of max|ours - theirs| / max(1, max|theirs|)\n")
    print("| framework | case | worst error |")
    print("|---|---|---:|")
    worst = {"torch": 0.0, "keras": 0.0}
    for name in sorted(oc.TORCH_CASES):
        opt = oc.TORCH_CASES[name]
        e = oc.worst_error(run_numpy(opt, oc.THETA0, oc.grad_fn, oc.STEPS), run_torch(opt, oc.THETA0, oc.grad_fn, oc.STEPS))
        worst["torch"] = max(worst["torch"], e)
        print(f"| torch | {name} | {e:.1e} |")
    for name in sorted(oc.SIMPLE):
        opt = oc.SIMPLE[name](lambda k: 0.1 * 0.99**k)
        e = oc.worst_error(run_numpy(opt, oc.THETA0, oc.grad_fn, oc.STEPS), run_torch(opt, oc.THETA0, oc.grad_fn, oc.STEPS))
        worst["torch"] = max(worst["torch"], e)
        print(f"| torch | {name}, lr = 0.1 * 0.99**k (LambdaLR) | {e:.1e} |")
    for name in sorted(oc.KERAS_CASES):
        opt = oc.KERAS_CASES[name]
        e = oc.worst_error(run_numpy(opt, oc.THETA0, oc.grad_fn, oc.STEPS), run_keras(opt, oc.THETA0, oc.grad_fn, oc.STEPS))
        worst["keras"] = max(worst["keras"], e)
        print(f"| keras | {name} | {e:.1e} |")
    from lessons_lib.schedules import ExponentialDecay

    for mark in oc.test_against_keras_with_a_schedule.pytestmark:
        if mark.name != "parametrize":
            continue
        for name, make in mark.args[1]:
            opt = make(ExponentialDecay(0.0078125, decay_rate=0.5, decay_steps=100))
            e = oc.worst_error(run_numpy(opt, oc.THETA0, oc.grad_fn, oc.STEPS),
                               run_keras(opt, oc.THETA0, oc.grad_fn, oc.STEPS))
            worst["keras"] = max(worst["keras"], e)
            print(f"| keras | {name}, ExponentialDecay schedule | {e:.1e} |")

    from lessons_lib.frameworks import keras_rounded
    from lessons_lib.optimizers import SGD, NAdam
    from lessons_lib.schedules import StepDecay

    print("\nKnown differences (measured the same way; the tests assert their size)\n")
    print("| comparison | worst error |")
    print("|---|---:|")
    th, gf, n = oc.THETA0, oc.grad_fn, oc.STEPS
    k09 = run_keras(SGD.from_keras(learning_rate=0.0078125, momentum=0.9), th, gf, n)
    for label, m in [("0.9", 0.9), ("keras_rounded(0.9)", keras_rounded(0.9))]:
        e = oc.worst_error(run_numpy(SGD.from_keras(learning_rate=0.0078125, momentum=m), th, gf, n), k09)
        print(f"| ours SGD.from_keras(momentum={label}) vs Keras SGD(momentum=0.9) | {e:.1e} |")
    nad = NAdam.from_keras(learning_rate=0.0078125, beta_1=0.875, beta_2=0.9990234375, epsilon=2.0**-24)
    e = oc.worst_error(run_numpy(nad, th, gf, n), run_keras(nad, th, gf, n))
    print(f"| ours NAdam.from_keras (exact 0.96) vs Keras Nadam (0.96 rounded to float32 in update_step) | {e:.1e} |")
    for label, lr in [("constant lr", 0.0078125), ("StepDecay(gamma=0.25 every 50)", StepDecay(0.0078125, 50, 0.25))]:
        e = oc.worst_error(run_torch(SGD(lr=lr, momentum=0.875), th, gf, n),
                           run_keras(SGD.from_keras(learning_rate=lr, momentum=0.875), th, gf, n))
        print(f"| torch SGD(momentum) vs Keras SGD(momentum), {label} | {e:.1e} |")

    sc = _load("test_schedule_conformance")
    print(f"\nSchedules: worst relative error over {sc.N} updates\n")
    print("| schedule | vs torch | vs Keras |")
    print("|---|---:|---:|")
    for name in sorted(sc.CASES):
        s = sc.CASES[name]
        n = s.total_steps if hasattr(s, "total_steps") else sc.N
        et = sc.rel_err(s(sc.K[:n]), sc.torch_lrs(s, n))
        if name in sc.KERAS_NONE:
            ek = "none (NoEquivalentError)"
        else:
            ks = s.keras_schedule()
            theirs = np.array([float(ks) if isinstance(ks, float) else float(ks(int(k))) for k in sc.K])
            ek = f"{sc.rel_err(s(sc.K), theirs):.1e}"
        print(f"| {name} | {et:.1e} | {ek} |")
    print(f"\nworst optimizer error: torch {worst['torch']:.1e}, keras {worst['keras']:.1e}")

    from lessons_lib.frameworks import COVERAGE, run_lbfgs_numpy, run_lbfgs_torch

    tw = _load("test_optimizer_twins")
    print(f"\nOptimizer twins of the parity issue ({tw.STEPS} float64 updates; L-BFGS: every iteration of its calls)\n")
    print("| framework class | case | worst error | bound in COVERAGE |")
    print("|---|---|---:|---:|")
    for name in sorted(tw.TORCH_CASES):
        key, opt, g = tw.TORCH_CASES[name]
        e = tw.worst_error(run_numpy(opt, tw.THETA0, g, tw.STEPS), run_torch(opt, tw.THETA0, g, tw.STEPS))
        print(f"| {key} | {name} | {e:.1e} | {COVERAGE[key].bound:.0e} |")
    for name in sorted(tw.LBFGS_CASES):
        opt, fun, x0, calls = tw.LBFGS_CASES[name]
        e = tw.worst_error(run_lbfgs_numpy(opt, x0, fun, calls), run_lbfgs_torch(opt, x0, fun, calls))
        print(f"| torch.optim.LBFGS | {name}, {calls} calls of step | {e:.1e} | {COVERAGE['torch.optim.LBFGS'].bound:.0e} |")
    for name in sorted(tw.KERAS_CASES):
        opt = tw.KERAS_CASES[name]
        e = tw.worst_error(run_numpy(opt, tw.THETA0, tw.grad_fn, tw.STEPS), run_keras(opt, tw.THETA0, tw.grad_fn, tw.STEPS))
        print(f"| keras.optimizers.Ftrl | {name} | {e:.1e} | {COVERAGE['keras.optimizers.Ftrl'].bound:.0e} |")

    part_iii()


def part_iii() -> None:
    """The Part III optimizers: against torch.optim (Newton-Schulz in float64 for Muon), Keras and reference packages."""
    import torch.optim._muon as muon

    from lessons_lib.frameworks import COVERAGE, reference_optimizer, run_keras, run_numpy, run_torch
    from lessons_lib.frameworks.coverage import OPTIMIZER_TOL

    p3 = _load("test_part3_conformance")
    print(f"\nPart III optimizers ({p3.STEPS} float64 updates, matrix and vector parameters)\n")
    print("| against | case | parameter | worst error | bound |")
    print("|---|---|---|---:|---:|")
    groups = [("torch.optim", p3.TORCH, run_torch, {}), ("reference package", p3.REFERENCE, run_torch,
                                                            {"build": reference_optimizer}),
              ("keras.optimizers", p3.KERAS, run_keras, {})]
    bf16 = muon._zeropower_via_newtonschulz
    muon._zeropower_via_newtonschulz = p3._ns_float64
    try:
        for label, cases, runner, kw in groups:
            for name, (opt, shapes) in cases.items():
                for shape in shapes:
                    ours = run_numpy(opt, p3.START[shape], p3.grad_fn(shape), p3.STEPS)
                    theirs = runner(opt, p3.START[shape], p3.grad_fn(shape), p3.STEPS, **kw)
                    key = f"{label}.{type(opt).__name__}"
                    bound = COVERAGE[key].bound if key in COVERAGE else OPTIMIZER_TOL
                    print(f"| {label} | {name} | {shape} | {p3.worst_error(ours, theirs):.1e} | {bound:.0e} |")
    finally:
        muon._zeropower_via_newtonschulz = bf16
    from lessons_lib.optimizers import Muon

    opt = Muon(lr=0.01)
    e = p3.worst_error(run_numpy(opt, p3.START["matrix"], p3.grad_fn("matrix"), p3.STEPS),
                       run_torch(opt, p3.START["matrix"], p3.grad_fn("matrix"), p3.STEPS))
    print(f"| torch.optim | Muon default, torch's own bfloat16 Newton-Schulz (a known difference) | matrix | {e:.1e} | - |")


if __name__ == "__main__":
    if sys.argv[1:] == ["--part-iii"]:
        part_iii()
    else:
        main()
