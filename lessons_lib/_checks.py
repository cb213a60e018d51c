"""Argument validation shared by every module.

Every error a user can cause names the parameter, the value it got and what is allowed, e.g.::

    ValueError: lr must be a finite number >= 0, got -0.1

The helpers return the validated value (converted to ``float``/``int``) so callers can write
``self.lr = check_nonneg("lr", lr)``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "check_number",
    "check_nonneg",
    "check_positive",
    "check_unit_interval",
    "check_int",
    "check_bool",
    "check_choice",
]


def check_number(name: str, value: Any) -> float:
    """Return ``value`` as a finite float, or raise TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def check_nonneg(name: str, value: Any) -> float:
    """A finite number ``>= 0``."""
    v = check_number(name, value)
    if v < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def check_positive(name: str, value: Any) -> float:
    """A finite number ``> 0``."""
    v = check_number(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def check_unit_interval(name: str, value: Any, *, closed_right: bool = False, open_left: bool = False) -> float:
    """A number in ``[0, 1)`` (default), ``[0, 1]`` with ``closed_right``, ``(0, ...`` with ``open_left``."""
    v = check_number(name, value)
    lo_ok = v > 0 if open_left else v >= 0
    hi_ok = v <= 1 if closed_right else v < 1
    if not (lo_ok and hi_ok):
        interval = ("(0" if open_left else "[0") + (", 1]" if closed_right else ", 1)")
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    """An integer (not a bool), optionally ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return v


def check_bool(name: str, value: Any) -> bool:
    """A real ``bool`` (``0``/``1`` are rejected so that typos such as ``nesterov=0.9`` are caught)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} of type {type(value).__name__}")
    return value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value
