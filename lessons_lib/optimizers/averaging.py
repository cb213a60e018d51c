r"""Weight averaging: an exponential moving average (EMA) or the plain average (SWA) of the iterates.

Neither changes the training run; each keeps a second copy of the parameters to evaluate with::

    ema = EMA(decay=0.99)
    avg = ema.init(params)
    for ...:
        params, state = opt.update(params, grads, state)
        avg = ema.update(avg, params)        # after each update, as torch's AveragedModel.update_parameters
    evaluate(avg.average)

``EMA`` is ``torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))`` and Keras's
``use_ema=True, ema_momentum=decay``; ``SWA`` is ``AveragedModel(model)`` (its default average). In all three the
first update copies the parameters (so the average never contains the starting point).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_unit_interval
from ..tree import check_params, tree_map

__all__ = ["EMA", "SWA", "AverageState"]


class AverageState(NamedTuple):
    n_averaged: int  # how many iterates the average holds (0: none yet)
    average: Any  # the averaged parameters (a copy of the initial ones until the first update)


class _Average:
    def init(self, params: Any) -> AverageState:
        """An empty average (``n_averaged=0``) shaped like ``params``."""
        check_params(params)
        return AverageState(0, tree_map(lambda p: np.array(p, copy=True), params))

    def update(self, state: AverageState, params: Any) -> AverageState:
        """Fold the current ``params`` into the average. Pure: returns a new state."""
        if not isinstance(state, AverageState):
            raise TypeError(f"state must be the AverageState returned by init() or update(), got {type(state).__name__}")
        check_params(params)
        n = state.n_averaged
        if n == 0:
            return AverageState(1, tree_map(lambda p: np.array(p, copy=True), params))
        return AverageState(n + 1, tree_map(lambda a, p: self._fold(a, np.asarray(p, a.dtype), n), state.average,
                                            params))

    def _fold(self, a: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
        raise NotImplementedError


class EMA(_Average):
    r"""Exponential moving average of the parameters: :math:`\bar\theta_1 = \theta_1`,
    :math:`\bar\theta_t = \delta\,\bar\theta_{t-1} + (1-\delta)\,\theta_t`.

    It remembers about the last :math:`1/(1-\delta)` iterates (100 for :math:`\delta = 0.99`), so it smooths the
    noise of a constant learning rate without waiting for a decay. ``decay`` is torch's name and Keras's
    ``ema_momentum``; torch's default is 0.999, Keras's 0.99.
    """

    def __init__(self, decay: float = 0.999) -> None:
        self.decay = check_unit_interval("decay", decay)

    def _fold(self, a: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
        return a + (1 - self.decay) * (p - a)

    def __repr__(self) -> str:
        return f"EMA(decay={self.decay!r})"


class SWA(_Average):
    r"""Stochastic weight averaging (Izmailov et al., 2018): the equal-weight mean of the iterates folded in,
    :math:`\bar\theta_n = \bar\theta_{n-1} + (\theta - \bar\theta_{n-1})/n`.

    Usually started late in training and folded in once per epoch, at a constant or cyclical rate.
    """

    def _fold(self, a: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
        return a + (p - a) / (n + 1)

    def __repr__(self) -> str:
        return "SWA()"
