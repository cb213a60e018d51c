r"""The learning-rate range test ("LR finder", Smith 2017): sweep the learning rate up exponentially during a short
run, record the loss, and read off the range where the loss falls fastest.

The rate of update :math:`k` is :math:`\eta_k = \eta_{\text{start}}\,(\eta_{\text{end}}/\eta_{\text{start}})^{k/(n-1)}`.
The recorded losses are smoothed with a bias-corrected exponential moving average
:math:`\bar\ell_k = a_k / (1 - \beta^{k+1})`, :math:`a_k = \beta a_{k-1} + (1-\beta)\ell_k`, and the run stops
once :math:`\bar\ell_k` exceeds ``diverge_factor`` times its minimum (or is not finite).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._checks import check_int, check_positive, check_unit_interval
from .decay import ExponentialDecay

__all__ = ["lr_range_test", "LRRangeTestResult"]


@dataclass
class LRRangeTestResult:
    """Learning rates tried, raw and smoothed losses, and the index where divergence stopped the run (or None)."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    diverged_at: int | None

    def suggestion(self, skip_start: int = 10) -> float:
        r"""The learning rate where the smoothed loss falls fastest against :math:`\log\eta`, before its minimum.

        The first ``skip_start`` points are ignored: there the moving average has seen only a few losses and its
        slope is noise. A common reading of the plot; treat it as a starting point (one-cycle's ``max_lr`` is often
        taken a few times larger, up to where the loss is still falling).
        """
        stop = int(np.argmin(self.smoothed)) + 1
        start = min(skip_start, max(stop - 3, 0))
        if stop - start < 3:
            return float(self.lrs[max(stop - 1, 0)])
        slope = np.gradient(self.smoothed[start:stop], np.log(self.lrs[start:stop]))
        return float(self.lrs[start + int(np.argmin(slope))])

    def lr_at_minimum(self) -> float:
        """The learning rate at the smoothed loss's minimum (usually too large to train with)."""
        return float(self.lrs[int(np.argmin(self.smoothed))])


def lr_range_test(loss_and_grad: Callable[[Any, int], tuple[float, Any]], params0: Any,
                  make_optimizer: Callable[[Any], Any], start_lr: float = 1e-7, end_lr: float = 10.0,
                  num_steps: int = 100, smooth: float = 0.98, diverge_factor: float = 4.0) -> LRRangeTestResult:
    """Run the range test.

    ``loss_and_grad(params, k)`` returns the loss and gradients on mini-batch ``k``; ``make_optimizer(lr)`` builds
    the optimizer to test with ``lr`` a schedule (e.g. ``lambda lr: SGD(lr=lr, momentum=0.9)``).
    """
    start_lr = check_positive("start_lr", start_lr)
    end_lr = check_positive("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be larger than start_lr={start_lr!r}, got {end_lr!r}")
    num_steps = check_int("num_steps", num_steps, minimum=3)
    smooth = check_unit_interval("smooth", smooth)
    diverge_factor = check_positive("diverge_factor", diverge_factor)
    schedule = ExponentialDecay(start_lr, decay_rate=end_lr / start_lr, decay_steps=num_steps - 1)
    opt = make_optimizer(schedule)
    params = params0
    state = opt.init(params)
    lrs, losses, smoothed = [], [], []
    avg, best, diverged = 0.0, np.inf, None
    for k in range(num_steps):
        loss, grads = loss_and_grad(params, k)
        loss = float(loss)
        lrs.append(schedule(k))
        losses.append(loss)
        avg = smooth * avg + (1 - smooth) * loss
        sm = avg / (1 - smooth ** (k + 1))
        smoothed.append(sm)
        best = min(best, sm)
        if not np.isfinite(sm) or sm > diverge_factor * best:
            diverged = k
            break
        params, state = opt.update(params, grads, state)
    return LRRangeTestResult(np.array(lrs), np.array(losses), np.array(smoothed), diverged)
