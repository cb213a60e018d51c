"""Low-precision floating point and dynamic loss scaling, in NumPy (chapter 21).

Number formats
--------------
A binary floating-point format with ``p`` stored mantissa bits and smallest normal exponent ``e_min`` represents
``x = ± 1.f × 2^e`` (``e ≥ e_min``) and the subnormals ``± 0.f × 2^e_min``. The gap between neighbours, the
**ulp** (unit in the last place), at a value ``x`` is

.. math::  \\mathrm{ulp}(x) = 2^{\\max(\\lfloor \\log_2 |x| \\rfloor,\\, e_{\\min}) - p},

so it grows with ``|x|`` (the *relative* gap stays near ``2^{-p}``, the machine epsilon) and is constant,
``2^{e_min - p}``, among the subnormals. Rounding to nearest (ties to even) moves a value by at most half an ulp:
an update ``w + δ`` leaves a stored ``w`` unchanged whenever ``|δ| < ulp(w)/2``.

Dynamic loss scaling
--------------------
:func:`update_loss_scale` is ``torch.amp.GradScaler.update`` (``torch._amp_update_scale_``) and
:func:`loss_scale_sequence` replays it, or Keras 3's ``LossScaleOptimizer``, over planted overflow flags:

- an overflow (inf/NaN gradient): the step is skipped, ``scale ← scale · backoff_factor``, the counter is reset to 0;
- a finite step: it is applied (with gradients divided by the scale), the counter goes up by one, and when it
  reaches ``growth_interval`` the scale is multiplied by ``growth_factor`` and the counter is reset to 0.

Differences found (torch 2.13, Keras 3.15): PyTorch's default initial scale is ``2**16`` and Keras's ``2**15``
(both grow after 2000 finite steps); Keras's factors are fixed at 2 and 1/2; PyTorch keeps the old scale (and
resets the counter) when growing would overflow float32 to inf, Keras does not check. Neither counts a skipped step
as a good one, and both keep the optimizer's own step count unchanged on a skipped step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["FORMATS", "ulp", "round_to", "update_survives", "update_loss_scale", "loss_scale_sequence"]

#: name -> (total bits, exponent bits, stored mantissa bits p, smallest normal exponent e_min, largest exponent)
FORMATS: dict[str, tuple[int, int, int, int, int]] = {
    "float32": (32, 8, 23, -126, 127),
    "float16": (16, 5, 10, -14, 15),
    "bfloat16": (16, 8, 7, -126, 127),
}


def _format(fmt: str) -> tuple[int, int, int, int, int]:
    if not isinstance(fmt, str) or fmt not in FORMATS:
        raise ValueError(f"fmt={fmt!r} is not a known format; allowed: {', '.join(map(repr, FORMATS))}")
    return FORMATS[fmt]


def _max_finite(fmt: str) -> float:
    _, _, p, _, e_max = _format(fmt)
    return float((2.0 - 2.0 ** -p) * 2.0 ** e_max)


def ulp(x: Any, fmt: str) -> np.ndarray:
    """The spacing of representable numbers of ``fmt`` at ``|x|``: ``2^(max(floor(log2|x|), e_min) - p)``.

    ``x`` is an array-like of finite values with ``|x|`` at most the format's largest finite value; at ``x = 0`` the
    result is the smallest subnormal ``2^(e_min - p)``. Same as ``np.spacing(abs(x))`` for float16 and float32
    values. Returns a float64 array.
    """
    _, _, p, e_min, _ = _format(fmt)
    a = np.abs(np.asarray(x, dtype=np.float64))
    if not np.all(np.isfinite(a)):
        raise ValueError(f"x must be finite, got {np.asarray(x)[~np.isfinite(a)][:3]!r}")
    if np.any(a > _max_finite(fmt)):
        raise ValueError(f"x must be at most {fmt}'s largest finite value {_max_finite(fmt)!r} in magnitude, "
                         f"got {a.max()!r}")
    _, e = np.frexp(a)  # a = m 2^e with m in [0.5, 1): floor(log2 a) = e - 1 (exact, no log rounding)
    exponent = np.where(a > 0, e - 1, e_min)
    return np.ldexp(1.0, np.maximum(exponent, e_min) - p)


def round_to(x: Any, fmt: str) -> np.ndarray:
    """``x`` (float64) rounded to the nearest value of ``fmt``, ties to even; beyond the range, ±inf.

    Returned as float64 values (NumPy has no bfloat16). For float16 and float32 this equals
    ``x.astype(np.float16/np.float32)``; for bfloat16, converting float64 directly (``torch`` converts through
    float32, which can round twice).
    """
    x = np.asarray(x, dtype=np.float64)
    m = _max_finite(fmt)
    finite = np.isfinite(x)
    xc = np.where(finite, np.clip(x, -2 * m, 2 * m), 0.0)
    q = ulp(np.clip(xc, -m, m), fmt)
    r = np.round(xc / q) * q  # x / q is exact (q is a power of two) and np.round rounds half to even
    r = np.where(np.abs(r) > m, np.copysign(np.inf, r), r)
    return np.where(finite, r, x)


def update_survives(w: Any, delta: Any, fmt: str) -> np.ndarray:
    """Whether ``w + delta``, rounded to ``fmt``, differs from ``w`` (``w`` is first rounded to ``fmt``).

    Roughly ``|delta| > ulp(w) / 2``; exactly half an ulp survives only when it rounds away from an even ``w``.
    """
    w = round_to(w, fmt)
    return round_to(w + np.asarray(delta, dtype=np.float64), fmt) != w


def update_loss_scale(scale: float, good_steps: int, found_inf: bool, growth_factor: float = 2.0,
                      backoff_factor: float = 0.5, growth_interval: int = 2000) -> tuple[float, int]:
    """One ``GradScaler.update()``: the new ``(scale, good_steps)`` after a step with or without an overflow.

    On ``found_inf``: ``(scale * backoff_factor, 0)``. Otherwise ``good_steps + 1``; when that reaches
    ``growth_interval`` the scale becomes ``scale * growth_factor`` (unless that overflows float32, then it stays)
    and the counter 0. The scale is kept in float32, as PyTorch does.
    """
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    if isinstance(good_steps, bool) or not isinstance(good_steps, (int, np.integer)) or good_steps < 0:
        raise ValueError(f"good_steps must be an integer >= 0, got {good_steps!r}")
    if not growth_factor > 1.0:
        raise ValueError(f"growth_factor must be > 1, got {growth_factor!r}")
    if not 0.0 < backoff_factor < 1.0:
        raise ValueError(f"backoff_factor must be in (0, 1), got {backoff_factor!r}")
    if isinstance(growth_interval, bool) or not isinstance(growth_interval, (int, np.integer)) or growth_interval < 1:
        raise ValueError(f"growth_interval must be an integer >= 1, got {growth_interval!r}")
    s = np.float32(scale)
    if found_inf:
        return float(s * np.float32(backoff_factor)), 0
    good = int(good_steps) + 1
    if good == growth_interval:
        with np.errstate(over="ignore"):
            grown = s * np.float32(growth_factor)
        return (float(grown) if np.isfinite(grown) else float(s)), 0
    return float(s), good


def loss_scale_sequence(found_inf: Any, init_scale: float | None = None, growth_factor: float = 2.0,
                        backoff_factor: float = 0.5, growth_interval: int = 2000,
                        framework: str = "torch") -> tuple[np.ndarray, np.ndarray]:
    """Replay dynamic loss scaling over per-step overflow flags.

    Returns ``(scales, applied)``: the scale each step's loss was multiplied by, and whether the step was applied
    (no overflow). ``framework="torch"`` is ``torch.amp.GradScaler`` (default ``init_scale`` ``2**16``);
    ``framework="keras"`` is Keras 3's ``LossScaleOptimizer(initial_scale=2**15,
    dynamic_growth_steps=growth_interval)``, whose factors are fixed at 2 and 0.5 and which does not guard the
    scale against overflowing to inf.
    """
    if framework not in ("torch", "keras"):
        raise ValueError(f"framework={framework!r} is not supported; allowed: 'torch', 'keras'")
    flags = np.asarray(found_inf, dtype=bool).ravel()
    if framework == "keras":
        if (growth_factor, backoff_factor) != (2.0, 0.5):
            raise ValueError(f"Keras's LossScaleOptimizer has fixed factors 2 and 0.5, got growth_factor="
                             f"{growth_factor!r}, backoff_factor={backoff_factor!r}")
        scale = float(2.0 ** 15 if init_scale is None else init_scale)
    else:
        scale = float(2.0 ** 16 if init_scale is None else init_scale)
    good, scales = 0, []
    for flag in flags:
        scales.append(scale)
        if framework == "torch":
            scale, good = update_loss_scale(scale, good, bool(flag), growth_factor, backoff_factor, growth_interval)
            continue
        with np.errstate(over="ignore"):  # Keras: no guard against growing to inf
            if flag:
                scale, good = float(np.float32(scale) * np.float32(0.5)), 0
            elif good + 1 == growth_interval:
                scale, good = float(np.float32(scale) * np.float32(2.0)), 0
            else:
                good += 1
    return np.array(scales), ~flags
