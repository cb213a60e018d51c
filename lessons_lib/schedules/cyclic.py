r"""Cosine annealing, warm restarts (SGDR), cyclical learning rates and the one-cycle policy."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import check_bool, check_choice, check_int, check_nonneg, check_number, check_positive
from .._lazy import import_keras, import_torch
from ._base import NoEquivalentError, Schedule
from ._torch import lambda_scheduler, set_base_lr

__all__ = ["CosineAnnealing", "CosineWarmRestarts", "Cyclic", "OneCycle", "FractionalEpochStepper"]


def _cos_anneal(start: Any, end: Any, frac: Any) -> Any:
    """From ``start`` (frac = 0) to ``end`` (frac = 1) along half a cosine."""
    return end + (start - end) * 0.5 * (1 + np.cos(np.pi * frac))


class CosineAnnealing(Schedule):
    r"""Cosine annealing from :math:`\eta` to :math:`\eta_{\min}` over :math:`T` updates (Loshchilov & Hutter, 2017):

    .. math:: \eta_k = \eta_{\min} + (\eta - \eta_{\min})\,\tfrac12\bigl(1 + \cos(\pi \min(k, T)/T)\bigr)

    It then stays at :math:`\eta_{\min}` (Keras ``CosineDecay(alpha=η_min/η)``, optax). With ``periodic=True`` it
    continues along the cosine instead and rises back to :math:`\eta` at :math:`k = 2T`, which is what torch's
    ``CosineAnnealingLR`` does past ``T_max``.
    """

    def __init__(self, lr: float, T_max: int, eta_min: float = 0.0, periodic: bool = False) -> None:
        self.lr = check_nonneg("lr", lr)
        self.T_max = check_int("T_max", T_max, minimum=1)
        self.eta_min = check_nonneg("eta_min", eta_min)
        self.periodic = check_bool("periodic", periodic)

    def _value(self, k: np.ndarray) -> np.ndarray:
        kk = k if self.periodic else np.minimum(k, self.T_max)
        return _cos_anneal(self.lr, self.eta_min, kk / self.T_max)

    def torch_scheduler(self, optimizer: Any) -> Any:
        if not self.periodic:
            return lambda_scheduler(optimizer, self)  # torch's CosineAnnealingLR rises again after T_max
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=self.T_max, eta_min=self.eta_min)

    def keras_schedule(self) -> Any:
        if self.periodic:
            raise NoEquivalentError(
                "Keras CosineDecay holds at alpha * initial_learning_rate after decay_steps; it has no periodic "
                "continuation. Nearest: CosineDecay(lr, T_max, alpha=eta_min/lr), identical for k <= T_max, or "
                "CosineDecayRestarts for restarts."
            )
        if self.lr == 0:
            raise NoEquivalentError("Keras CosineDecay expresses eta_min as alpha = eta_min / lr, which needs lr > 0")
        keras = import_keras()
        return keras.optimizers.schedules.CosineDecay(np.float64(self.lr), self.T_max,
                                                      alpha=np.float64(self.eta_min / self.lr))


class CosineWarmRestarts(Schedule):
    r"""Cosine annealing with warm restarts, SGDR (Loshchilov & Hutter, 2017).

    Cycle :math:`i = 0, 1, \dots` lasts :math:`T_i = T_0 T_{\text{mult}}^i` epochs; within it, with
    :math:`T_{\text{cur}}` epochs done,

    .. math:: \eta_k = \eta_{\min} + (\eta - \eta_{\min})\, d^{\,i}\, \tfrac12\bigl(1 + \cos(\pi T_{\text{cur}}/T_i)\bigr)

    where :math:`d` (``peak_decay``, Keras's ``m_mul``) shrinks each restart's peak. An epoch is
    ``steps_per_epoch`` updates (default 1: the schedule counts updates), so update :math:`k` is at epoch
    :math:`e + j/n` with :math:`e = \lfloor k/n \rfloor`, :math:`j = k \bmod n`: torch's documented way of stepping
    ``CosineAnnealingWarmRestarts`` with fractional epochs, ``scheduler.step(epoch + i / iters)``.

    **Where the restarts are** (``restart_arithmetic``):

    * ``"exact"`` (default): cycle :math:`i` starts at :math:`T_0 (T_{\text{mult}}^i - 1)/(T_{\text{mult}} - 1)`
      exactly, what torch computes when ``step()`` is called without an epoch (it counts);
    * ``"keras"``: Keras's ``CosineDecayRestarts`` arithmetic, which *computes* the cycle with a floating-point
      logarithm, :math:`i = \lfloor \log(1 - f(1 - T_{\text{mult}}))/\log T_{\text{mult}} \rfloor` with
      :math:`f = k/(n T_0)`. When the ratio of logarithms rounds just below an integer at a restart, Keras stays
      one more update at the trough :math:`\eta_{\min}`: with :math:`T_0 = 7`, :math:`T_{\text{mult}} = 3` the
      ratio at :math:`k = 847` is :math:`\log 243/\log 3 = 4.999999999999999`;
    * ``"torch_epoch"``: torch's arithmetic when an epoch is passed, ``step(epoch)``:
      ``n = int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult))``, with the same kind of miss.

    How Keras is *called* matters too: on an array of steps TensorFlow's vectorised logarithm rounds differently
    from its scalar one (with :math:`T_0 = 7`, :math:`T_{\text{mult}} = 3` it also misses the restarts at
    :math:`k = 7, 28, 280`). ``"keras"`` follows one-step-at-a-time calls, which is what a Keras optimizer makes.

    Equivalents: torch ``CosineAnnealingWarmRestarts`` needs :math:`d = 1` and an integer :math:`T_{\text{mult}}`
    (otherwise ``LambdaLR``); Keras ``CosineDecayRestarts(lr, n T_0, t_mul, m_mul, alpha=η_min/η)`` is exact for
    ``restart_arithmetic="keras"`` (any :math:`T_{\text{mult}} \ge 1`, e.g. 1.5); for the other arithmetics
    :meth:`keras_schedule` returns it only when no restart is missed within its ``horizon``.
    """

    def __init__(self, lr: float, T_0: int, T_mult: float = 1, eta_min: float = 0.0, peak_decay: float = 1.0, *,
                 steps_per_epoch: int = 1, restart_arithmetic: str = "exact") -> None:
        self.lr = check_nonneg("lr", lr)
        self.T_0 = check_int("T_0", T_0, minimum=1)
        tm = check_number("T_mult", T_mult)
        if tm < 1:
            raise ValueError(f"T_mult must be a number >= 1 (each cycle at least as long as the last), got {T_mult!r}")
        self.T_mult = int(tm) if tm == int(tm) else tm
        self.eta_min = check_nonneg("eta_min", eta_min)
        self.peak_decay = check_nonneg("peak_decay", peak_decay)
        self.steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        self.restart_arithmetic = check_choice("restart_arithmetic", restart_arithmetic,
                                               ("exact", "keras", "torch_epoch"))

    def cycle_position(self, k: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each ``k`` (exact arithmetic): the cycle index ``i``, the updates ``T_cur`` done in it and its length
        ``T_i``, in updates (integers when ``T_mult`` is an integer)."""
        k = np.asarray(k, dtype=np.int64)
        first = self.T_0 * self.steps_per_epoch
        integral = isinstance(self.T_mult, int)
        if self.T_mult == 1:
            return k // first, k % first, np.full(k.shape, first)
        i = np.zeros(k.shape, dtype=np.int64)
        start = np.zeros(k.shape, dtype=np.int64 if integral else np.float64)
        length = np.full(k.shape, first, dtype=start.dtype)
        while True:
            past = k >= start + length
            if not past.any():
                break
            start = np.where(past, start + length, start)
            i = np.where(past, i + 1, i)
            length = np.where(past, length * self.T_mult, length)
        return i, k - start, length

    def restart_index(self, k: Any) -> np.ndarray:
        """The cycle index of each update ``k`` under this schedule's ``restart_arithmetic``."""
        return self._index_and_fraction(np.asarray(k, dtype=np.int64))[0]

    def _index_and_fraction(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        tm, n = self.T_mult, self.steps_per_epoch
        if self.restart_arithmetic == "exact":
            i, t_cur, t_i = self.cycle_position(k)
            return i, t_cur / t_i
        if self.restart_arithmetic == "keras":  # keras/src/optimizers/schedules/learning_rate_schedule.py
            f = k / np.float64(self.T_0 * n)
            if tm == 1:
                i = np.floor(f)
                return i, f - i
            tm = float(tm)
            i = np.floor(_log_ratio(1.0 - f * (1.0 - tm), tm))
            sum_r = (1.0 - tm**i) / (1.0 - tm)
            return i, (f - sum_r) / tm**i
        epoch = (k // n) + (k % n) / n  # torch: scheduler.step(epoch + i / iters)
        return _torch_epoch_position(epoch, self.T_0, tm)

    def _value(self, k: np.ndarray) -> np.ndarray:
        i, frac = self._index_and_fraction(k)
        return self.eta_min + (self.lr - self.eta_min) * self.peak_decay**i * 0.5 * (1 + np.cos(np.pi * frac))

    def torch_scheduler(self, optimizer: Any) -> Any:
        arithmetic = self.restart_arithmetic
        if self.peak_decay != 1.0 or not isinstance(self.T_mult, int) or arithmetic == "keras":
            return lambda_scheduler(optimizer, self)  # torch: full peaks, integer T_mult, no Keras arithmetic
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        if arithmetic == "exact":  # counted restarts: step() once per update, in units of updates
            return torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
                optimizer, T_0=self.T_0 * self.steps_per_epoch, T_mult=self.T_mult, eta_min=self.eta_min)
        sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=self.T_0, T_mult=self.T_mult,
                                                                     eta_min=self.eta_min)
        return FractionalEpochStepper(sched, self.steps_per_epoch)

    def keras_schedule(self, horizon: int = 100_000) -> Any:
        """Keras ``CosineDecayRestarts``. Exact for ``restart_arithmetic="keras"``; for the others, returned only if
        Keras finds the same cycle for every update ``k < horizon``, else :class:`NoEquivalentError` names the
        first update where it does not."""
        if self.lr == 0:
            raise NoEquivalentError("Keras CosineDecayRestarts expresses eta_min as alpha = eta_min / lr; needs lr > 0")
        if self.restart_arithmetic != "keras":
            horizon = check_int("horizon", horizon, minimum=1)
            keras_twin = CosineWarmRestarts(self.lr, self.T_0, self.T_mult, self.eta_min, self.peak_decay,
                                            steps_per_epoch=self.steps_per_epoch, restart_arithmetic="keras")
            k = np.arange(horizon)
            ours, theirs = self.restart_index(k), keras_twin.restart_index(k)
            differ = np.flatnonzero(ours != theirs)
            if differ.size:
                k0 = int(differ[0])
                raise NoEquivalentError(
                    f"Keras CosineDecayRestarts computes the cycle as floor(log(1 - f*(1 - t_mul)) / log(t_mul)) in "
                    f"floating point and, with first_decay_steps={self.T_0 * self.steps_per_epoch} and "
                    f"t_mul={self.T_mult}, first differs at k = {k0}: cycle {int(theirs[k0])} where "
                    f"restart_arithmetic={self.restart_arithmetic!r} gives cycle {int(ours[k0])} "
                    f"(Keras's rate there: {float(keras_twin(k0))!r}, this schedule's: {float(self(k0))!r}). "
                    "Use restart_arithmetic='keras' to reproduce Keras, or keras_schedule(horizon=...) with a "
                    f"horizon <= {k0} if training stops before.")
        keras = import_keras()
        return keras.optimizers.schedules.CosineDecayRestarts(
            np.float64(self.lr), self.T_0 * self.steps_per_epoch, t_mul=np.float64(self.T_mult),
            m_mul=np.float64(self.peak_decay), alpha=np.float64(self.eta_min / self.lr))


def _log_ratio(x: np.ndarray, base: float) -> np.ndarray:
    """``log(x) / log(base)`` rounded as the C library's ``log`` (``math.log``) rounds it, element by element.

    NumPy's vectorised ``log`` may differ from it in the last bit, which only matters where the ratio is within
    rounding of an integer (at a restart); those elements are recomputed with ``math.log``.
    """
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(-1)
    r = np.log(flat) / math.log(base)
    near = np.abs(r - np.round(r)) < 1e-9
    if near.any():
        r[near] = [math.log(v) / math.log(base) for v in flat[near].tolist()]
    return r.reshape(x.shape)


def _torch_epoch_position(epoch: np.ndarray, T_0: int, T_mult: float) -> tuple[np.ndarray, np.ndarray]:
    """Cycle index and fraction as torch's ``CosineAnnealingWarmRestarts.step(epoch)`` computes them."""
    i = np.zeros(epoch.shape)
    frac = np.zeros(epoch.shape)
    flat_i, flat_f = i.reshape(-1), frac.reshape(-1)
    for j, e in enumerate(np.asarray(epoch, dtype=np.float64).ravel().tolist()):
        if e < T_0:
            n, t_cur, t_i = 0, e, T_0
        elif T_mult == 1:
            n, t_cur, t_i = int(e // T_0), e % T_0, T_0
        else:
            n = int(math.log((e / T_0 * (T_mult - 1) + 1), T_mult))
            t_cur, t_i = e - T_0 * (T_mult**n - 1) / (T_mult - 1), T_0 * T_mult**n
        flat_i[j], flat_f[j] = n, t_cur / t_i
    return i, frac


class FractionalEpochStepper:
    """Steps a torch ``CosineAnnealingWarmRestarts`` once per update with the fractional epoch
    ``epoch + i / steps_per_epoch``, as torch's documentation does; ``step()`` takes no argument."""

    def __init__(self, scheduler: Any, steps_per_epoch: int) -> None:
        self.scheduler, self.steps_per_epoch, self.k = scheduler, steps_per_epoch, 0

    def step(self) -> None:
        self.k += 1
        epoch, i = divmod(self.k, self.steps_per_epoch)
        self.scheduler.step(epoch + i / self.steps_per_epoch)

    def get_last_lr(self) -> list[float]:
        return self.scheduler.get_last_lr()


class Cyclic(Schedule):
    r"""Cyclical learning rates (Smith, 2017), as torch ``CyclicLR`` (stepped once per update).

    A cycle rises from ``base_lr`` to ``max_lr`` over ``step_size_up`` updates and falls back over
    ``step_size_down``. With :math:`S` the cycle length, :math:`c = \lfloor 1 + k/S \rfloor` the cycle number and
    :math:`x = 1 + k/S - c` the position in it, the height is :math:`h = x/r` on the way up (:math:`r` = up/S) and
    :math:`(x-1)/(r-1)` on the way down, and

    .. math:: \eta_k = \eta_{\text{base}} + (\eta_{\max} - \eta_{\text{base}})\, h\, f

    with :math:`f = 1` (``triangular``), :math:`2^{-(c-1)}` (``triangular2``) or :math:`\gamma^k` (``exp_range``),
    or any ``scale_fn`` of the cycle number :math:`c` (``scale_mode="cycle"``) or of :math:`k`
    (``scale_mode="iterations"``), which then replaces ``mode``, as in torch.
    :meth:`momentum` cycles the other way, from ``max_momentum`` down to ``base_momentum`` as the rate rises
    (with ``cycle_momentum=False`` it returns None: torch leaves the optimizer's momentum alone).
    """

    def __init__(self, base_lr: float, max_lr: float, step_size_up: int = 2000, step_size_down: int | None = None,
                 mode: str = "triangular", gamma: float = 1.0, scale_fn: Any = None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: float = 0.8, max_momentum: float = 0.9) -> None:
        self.base_lr = check_nonneg("base_lr", base_lr)
        self.max_lr = check_nonneg("max_lr", max_lr)
        self.step_size_up = check_int("step_size_up", step_size_up, minimum=1)
        self.step_size_down = (self.step_size_up if step_size_down is None
                               else check_int("step_size_down", step_size_down, minimum=1))
        self.mode = check_choice("mode", mode, ("triangular", "triangular2", "exp_range"))
        self.gamma = check_positive("gamma", gamma)
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"scale_fn must be None or a callable scale_fn(x) -> factor in [0, 1], got {scale_fn!r}")
        self.scale_fn = scale_fn
        self.scale_mode = check_choice("scale_mode", scale_mode, ("cycle", "iterations"))
        self.cycle_momentum = check_bool("cycle_momentum", cycle_momentum)
        self.base_momentum = check_nonneg("base_momentum", base_momentum)
        self.max_momentum = check_nonneg("max_momentum", max_momentum)

    def _height_and_scale(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        total = float(self.step_size_up + self.step_size_down)
        ratio = self.step_size_up / total
        cycle = np.floor(1 + k / total)
        x = 1.0 + k / total - cycle
        h = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
        if self.scale_fn is not None:  # torch passes Python ints: the cycle number or the update index
            arg = cycle if self.scale_mode == "cycle" else k
            f = np.array([float(self.scale_fn(int(a))) for a in np.ravel(arg)]).reshape(np.shape(arg))
        elif self.mode == "triangular":
            f = np.ones_like(h)
        elif self.mode == "triangular2":
            f = 0.5 ** (cycle - 1)
        else:
            f = self.gamma ** k.astype(float)
        return h, f

    def _value(self, k: np.ndarray) -> np.ndarray:
        h, f = self._height_and_scale(k)
        return self.base_lr + (self.max_lr - self.base_lr) * h * f

    def momentum(self, k: Any) -> Any:
        """The cycled momentum (or Adam's beta1) for update index ``k``: high when the rate is low.

        None when ``cycle_momentum=False``: the schedule then leaves the optimizer's momentum alone, as torch does.
        """
        from ._base import as_index

        arr = as_index(k)
        if not self.cycle_momentum:
            return None
        h, f = self._height_and_scale(arr)
        out = self.max_momentum - (self.max_momentum - self.base_momentum) * h * f
        return float(out) if out.ndim == 0 else out

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        return torch.optim.lr_scheduler.CyclicLR(
            optimizer, base_lr=self.base_lr, max_lr=self.max_lr, step_size_up=self.step_size_up,
            step_size_down=self.step_size_down, mode=self.mode, gamma=self.gamma, scale_fn=self.scale_fn,
            scale_mode=self.scale_mode, cycle_momentum=self.cycle_momentum, base_momentum=self.base_momentum,
            max_momentum=self.max_momentum)

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "Keras 3 has no cyclical learning-rate schedule and cannot cycle momentum through a schedule. Nearest: "
            "a LearningRateSchedule subclass computing this formula with keras.ops (momentum stays fixed)."
        )


class OneCycle(Schedule):
    r"""The one-cycle policy (Smith & Topin, 2019), as torch ``OneCycleLR`` (stepped once per update).

    The rate starts at :math:`\eta_{\max}/\text{div}`, rises to :math:`\eta_{\max}` at update
    :math:`\text{pct}\cdot T - 1`, then anneals to :math:`\eta_{\max}/(\text{div}\cdot\text{final\_div})` at
    :math:`T - 1` (``cos`` or ``linear``). With ``three_phase=True`` it first comes back down to the start value at
    :math:`2\,\text{pct}\cdot T - 2` and only then anneals to the minimum. :meth:`momentum` moves the other way
    (``max_momentum`` → ``base_momentum`` → ``max_momentum``). Past :math:`T - 1` the value is held (torch raises).
    """

    def __init__(self, max_lr: float, total_steps: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, *, epochs: int | None = None, steps_per_epoch: int | None = None) -> None:
        self.max_lr = check_nonneg("max_lr", max_lr)
        from_epochs = total_steps is None
        if total_steps is None:  # torch: total_steps = epochs * steps_per_epoch
            if epochs is None or steps_per_epoch is None:
                raise ValueError("give total_steps, or both epochs and steps_per_epoch (total_steps = epochs * "
                                 f"steps_per_epoch); got total_steps=None, epochs={epochs!r}, "
                                 f"steps_per_epoch={steps_per_epoch!r}")
            total_steps = check_int("epochs", epochs, minimum=1) * check_int("steps_per_epoch", steps_per_epoch,
                                                                              minimum=1)
        self.epochs, self.steps_per_epoch = (epochs, steps_per_epoch) if from_epochs else (None, None)
        self.total_steps = check_int("total_steps", total_steps, minimum=2)
        pct = check_number("pct_start", pct_start)
        if not 0 < pct < 1:
            raise ValueError(f"pct_start must be in (0, 1), got {pct_start!r}")
        self.pct_start = pct
        self.anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
        self.div_factor = check_positive("div_factor", div_factor)
        self.final_div_factor = check_positive("final_div_factor", final_div_factor)
        self.three_phase = check_bool("three_phase", three_phase)
        self.cycle_momentum = check_bool("cycle_momentum", cycle_momentum)
        self.base_momentum = check_nonneg("base_momentum", base_momentum)
        self.max_momentum = check_nonneg("max_momentum", max_momentum)

    def _phases(self, lr: bool) -> list[tuple[float, float, float]]:
        """(end_step, start value, end value) of each phase, as torch computes them."""
        T, p = self.total_steps, self.pct_start
        if lr:
            initial = self.max_lr / self.div_factor
            lo, hi, final = initial, self.max_lr, initial / self.final_div_factor
        else:
            lo, hi, final = self.max_momentum, self.base_momentum, self.max_momentum
        if self.three_phase:
            return [(float(p * T) - 1, lo, hi), (float(2 * p * T) - 2, hi, lo), (T - 1.0, lo, final)]
        return [(float(p * T) - 1, lo, hi), (T - 1.0, hi, final)]

    def _curve(self, k: np.ndarray, lr: bool) -> np.ndarray:
        kk = np.minimum(k, self.total_steps - 1).astype(float)
        out = np.empty(kk.shape)
        done = np.zeros(kk.shape, dtype=bool)
        start = 0.0
        phases = self._phases(lr)
        for i, (end, a, b) in enumerate(phases):
            here = ~done & ((kk <= end) | (i == len(phases) - 1))
            frac = (kk[here] - start) / (end - start)
            out[here] = _cos_anneal(a, b, frac) if self.anneal_strategy == "cos" else a + (b - a) * frac
            done |= here
            start = end
        return out

    def _value(self, k: np.ndarray) -> np.ndarray:
        return self._curve(k, lr=True)

    def momentum(self, k: Any) -> Any:
        """The cycled momentum (or Adam's beta1) for update index ``k``; None when ``cycle_momentum=False``
        (the optimizer's momentum is left alone, as torch does)."""
        from ._base import as_index

        arr = as_index(k)
        if not self.cycle_momentum:
            return None
        out = self._curve(arr, lr=False)
        return float(out) if out.ndim == 0 else out

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        if self.epochs is not None:
            steps = dict(epochs=self.epochs, steps_per_epoch=self.steps_per_epoch)
        else:
            steps = dict(total_steps=self.total_steps)
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=self.max_lr, **steps, pct_start=self.pct_start,
            anneal_strategy=self.anneal_strategy, cycle_momentum=self.cycle_momentum,
            base_momentum=self.base_momentum, max_momentum=self.max_momentum, div_factor=self.div_factor,
            final_div_factor=self.final_div_factor, three_phase=self.three_phase)

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "Keras 3 has no one-cycle schedule. Nearest built-in: CosineDecay(initial_learning_rate=max_lr/div_factor, "
            "decay_steps=(1-pct_start)*total_steps, warmup_target=max_lr, warmup_steps=pct_start*total_steps, "
            "alpha=1/(div_factor*final_div_factor)), which warms up linearly (not along a cosine), peaks one update "
            "later and does not cycle momentum."
        )
