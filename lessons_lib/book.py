"""Small helpers for the book's notebooks (none of them changes a result).

:func:`glue` names a computed value so the book's prose can quote it with ``{glue:text}`name:.3f``` instead
of a number typed by hand. With myst-nb (the book build) it records the value; elsewhere (plain Jupyter,
Colab) it simply shows it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = True) -> None:
    """Record ``value`` under ``name`` for the book's prose (myst-nb).

    Returns nothing, so a cell that ends with ``glue(...)`` does not print the value a second time.

    NumPy scalars are converted to Python numbers first: myst-nb formats ``{glue:text}`name:.3f``` from the
    value's text form, which for ``np.float64`` is ``np.float64(...)`` in NumPy 2.
    """
    import numbers

    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    elif isinstance(value, numbers.Real) and not isinstance(value, (int, float, bool)):
        value = float(value)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab / plain Jupyter: nothing to record, just show it
        if display:
            print(f"{name} = {value!r}")
        return
    _glue(name, value, display=display)
