r"""Schedule-free SGD and AdamW (Defazio et al., 2024): no learning-rate schedule, an average instead.

The optimizer keeps three sequences: :math:`z` (the plain SGD/Adam iterate), :math:`x` (a running average of
:math:`z`: **the point to evaluate and deploy**) and :math:`y` (an interpolation between them: **the point where
gradients are taken**). ``params`` passed to and returned by ``update`` are :math:`y`; ``state.x`` is the
evaluation point. The switch is explicit: ``opt.params_for(state, "eval")`` gives :math:`x`,
``opt.params_for(state, "train")`` gives :math:`y`. Forgetting it (evaluating at :math:`y`) is the classic
mistake; the reference PyTorch implementation (``schedulefree``) swaps the model's weights in ``optimizer.eval()``.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_choice, check_int, check_nonneg, check_positive, check_unit_interval
from ._base import LearningRate, Optimizer, check_betas

__all__ = ["ScheduleFreeSGD", "ScheduleFreeAdamW", "ScheduleFreeState"]


class ScheduleFreeState(NamedTuple):
    step: int
    z: Any  # the base iterate (SGD or Adam steps)
    x: Any  # the weighted average of z: evaluate here
    exp_avg_sq: Any  # Adam's v (ScheduleFreeAdamW only, else None)
    lr_max: float  # the largest learning rate so far (the averaging weights use it)
    weight_sum: float  # the sum of the averaging weights so far


class _ScheduleFree(Optimizer):
    _slots = ("z", "x", "exp_avg_sq")
    _state_class = ScheduleFreeState
    beta: float

    def _init_extra(self) -> dict[str, Any]:
        return {"lr_max": -1.0, "weight_sum": 0.0}

    def _warmed(self, k: int) -> float:
        """The learning rate of update ``k + 1`` after the linear warmup."""
        factor = (k + 1) / self.warmup_steps if k < self.warmup_steps else 1.0
        return self.learning_rate(k) * factor

    def _step_extra(self, state: Any, t: int) -> dict[str, Any]:
        lr = self._warmed(t - 1)
        lr_max = max(lr, state.lr_max)
        weight = t**self.r * lr_max**self.weight_lr_power
        weight_sum = state.weight_sum + weight
        return {"lr_max": lr_max, "weight_sum": weight_sum, "_c": weight / weight_sum if weight_sum else 0.0,
                "_lr": lr}

    def params_for(self, state: ScheduleFreeState, mode: str, params: Any = None) -> Any:
        """The point to use: ``"eval"`` gives :math:`x` (evaluate, checkpoint, deploy); ``"train"`` gives
        :math:`y`, recomputed from :math:`x` and :math:`z` (equal to the ``params`` the last update returned)."""
        check_choice("mode", mode, ("train", "eval"))
        if mode == "eval":
            return state.x
        from ..tree import tree_map

        return tree_map(lambda x, z: (1 - self.beta) * z + self.beta * x, state.x, state.z)


class ScheduleFreeSGD(_ScheduleFree):
    r"""Schedule-free SGD (Defazio et al., 2024, Algorithm 1), as the reference ``SGDScheduleFreeReference``.

    With momentum-like interpolation :math:`\beta` (``momentum``) and a warmed-up rate :math:`\gamma_t`:

    .. math::

        z_{t} &= z_{t-1} - \gamma_t (g(y_{t-1}) + \lambda y_{t-1}) \\
        x_{t} &= (1 - c_t)\, x_{t-1} + c_t\, z_{t}, \qquad
            c_t = \frac{w_t}{\sum_{s\le t} w_s},\ w_t = t^{r} (\max_{s\le t}\gamma_s)^{p} \\
        y_{t} &= (1-\beta)\, z_{t} + \beta\, x_{t}

    :math:`x` is an average of every :math:`z` so far (uniform when :math:`r = 0` and the rate is constant): the
    averaging does the job of the decaying schedule. Gradients are taken at :math:`y`, between the fast
    :math:`z` and the slow :math:`x`. Defaults as the reference: ``lr=1.0``, ``momentum=0.9``,
    ``weight_lr_power=2`` (:math:`p`), ``r=0``, no warmup.
    """

    def __init__(self, lr: LearningRate = 1.0, momentum: float = 0.9, weight_decay: float = 0.0,
                 warmup_steps: int = 0, r: float = 0.0, weight_lr_power: float = 2.0) -> None:
        super().__init__(lr)
        self.beta = self.momentum = check_unit_interval("momentum", momentum, open_left=True)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)
        self.r = check_nonneg("r", r)
        self.weight_lr_power = check_nonneg("weight_lr_power", weight_lr_power)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (p.copy(), p.copy(), None)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        z, x, _ = slots
        g = g + self.weight_decay * p
        z = z - extra["_lr"] * g
        c = extra["_c"]
        x = (1 - c) * x + c * z
        return self.beta * x + (1 - self.beta) * z, (z, x, None)


class ScheduleFreeAdamW(_ScheduleFree):
    r"""Schedule-free AdamW (Defazio et al., 2024, Algorithm 1 with Adam's scaling), as the reference
    ``AdamWScheduleFreeReference``.

    .. math::

        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g(y_{t-1})^2 \\
        z_t &= z_{t-1} - \gamma_t\, \lambda\, y_{t-1}
            - \gamma_t\, \frac{g(y_{t-1})}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon} \\
        x_t &= (1-c_t)\, x_{t-1} + c_t z_t, \qquad y_t = (1-\beta_1) z_t + \beta_1 x_t

    with the averaging weights :math:`c_t` of :class:`ScheduleFreeSGD` (``weight_lr_power=2``, ``r=0``) and the
    warmup :math:`\gamma_t = \eta \min(1, t/\text{warmup\_steps})`. :math:`\beta_1` plays momentum's role: there is
    no first-moment buffer.

    **Keras form** (:meth:`from_keras`): ``keras.optimizers.ScheduleFreeAdamW`` averages uniformly,
    :math:`c_t = 1/t`, whatever the warmup (``weight_lr_power=0``); decays :math:`y` itself before the step,
    :math:`y \leftarrow (1 - \eta\lambda) y` with the un-warmed rate; recovers :math:`x` from :math:`y` and
    :math:`z` instead of storing it, and does so with the :math:`z` it has just updated
    (:math:`x_{t-1} = (y_{t-1} - (1-\beta_1) z_t)/\beta_1`: it reads the variable after assigning it; measured
    on Keras 3.15 with TensorFlow), which shifts :math:`x` back by :math:`(1-\beta_1)/\beta_1` of each step where
    the paper uses :math:`z_{t-1}`; and its model variables are :math:`y`, with no switch to :math:`x`: a Keras
    model trained with it is evaluated at :math:`y` unless you compute :math:`x = (y - (1-\beta_1) z)/\beta_1`
    yourself (:meth:`params_for` does).
    """

    def __init__(self, lr: LearningRate = 0.0025, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, warmup_steps: int = 0, r: float = 0.0, weight_lr_power: float = 2.0,
                 *, keras_form: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        if self.betas[0] == 0:
            raise ValueError(f"betas[0] must be in (0, 1) for schedule-free AdamW (x = (y - (1-b1) z)/b1), got {betas!r}")
        self.beta = self.betas[0]
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)
        self.r = check_nonneg("r", r)
        self.weight_lr_power = check_nonneg("weight_lr_power", weight_lr_power)
        self.keras_form = check_bool("keras_form", keras_form)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.0025, beta_1: float = 0.9, beta_2: float = 0.999,
                   epsilon: float = 1e-8, warmup_steps: int = 0,
                   weight_decay: float | None = None) -> "ScheduleFreeAdamW":
        """The optimizer that reproduces ``keras.optimizers.ScheduleFreeAdamW`` with these (Keras-named) arguments."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, weight_decay=weight_decay or 0.0,
                   warmup_steps=warmup_steps, r=0.0, weight_lr_power=0.0, keras_form=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (p.copy(), p.copy(), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        z, x, v = slots
        b1, b2 = self.betas
        gamma = extra["_lr"]
        if self.keras_form:
            p = p * (1 - lr * self.weight_decay)  # Keras decays the model variable y with the un-warmed rate
        else:
            z = z - gamma * self.weight_decay * p
        v = b2 * v + (1 - b2) * g * g
        z = z - gamma * g / (np.sqrt(v / (1 - b2**t)) + self.eps)
        if self.keras_form:
            x = (p - (1 - b1) * z) / b1  # Keras recovers x from y and the *updated* z (see the class docstring)
        c = extra["_c"]
        x = (1 - c) * x + c * z
        return (1 - b1) * z + b1 * x, (z, x, v)
