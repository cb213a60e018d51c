"""Time one Adam update: lessons_lib's NumPy Adam against torch.optim.Adam on the same CPU.

Prints a table of the median (and spread) over repeats for 1e6 and 1e7 float32 parameters. The NumPy version is the
readable reference (pure: it allocates new arrays each update); torch updates in place with fused/foreach kernels.
Run: python benchmarks/adam_update.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _time(fn, repeats: int) -> list[float]:
    fn()  # warm-up (allocations, first-step branches)
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench(n: int, repeats: int) -> list[tuple[str, list[float]]]:
    import torch

    from lessons_lib.optimizers import Adam

    rng = np.random.default_rng(0)
    p = rng.standard_normal(n, dtype=np.float32)
    g = rng.standard_normal(n, dtype=np.float32)
    opt = Adam(lr=1e-3)
    box = {"p": p, "s": opt.init(p)}

    def numpy_step() -> None:
        box["p"], box["s"] = opt.update(box["p"], g, box["s"])

    rows = [("lessons_lib Adam (NumPy)", _time(numpy_step, repeats))]
    for name, kwargs in [("torch.optim.Adam (foreach)", {"foreach": True}), ("torch.optim.Adam (for-loop)", {"foreach": False})]:
        tp = torch.from_numpy(p.copy()).requires_grad_(True)
        tp.grad = torch.from_numpy(g.copy())
        topt = torch.optim.Adam([tp], lr=1e-3, **kwargs)
        rows.append((name, _time(topt.step, repeats)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    import torch

    print(f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads); "
          f"median of {args.repeats} updates after one warm-up\n")
    print(f"| parameters | implementation | median ms | min ms | max ms | vs torch (foreach) |")
    print(f"|---:|---|---:|---:|---:|---:|")
    for n in (1_000_000, 10_000_000):
        rows = bench(n, args.repeats)
        ref = statistics.median(dict(rows)["torch.optim.Adam (foreach)"])
        for name, ts in rows:
            med = statistics.median(ts)
            print(f"| {n:.0e} | {name} | {med * 1e3:.2f} | {min(ts) * 1e3:.2f} | {max(ts) * 1e3:.2f} | {med / ref:.2f}x |")


if __name__ == "__main__":
    main()
