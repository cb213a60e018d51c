"""Small helpers for the book's notebooks (none of them changes a result).

:func:`checked_with` states the versions a page's framework comparisons ran with. :func:`glue` names a computed value so the book's prose can quote it with ``{glue:text}`name:.3f``` instead
of a number typed by hand. With myst-nb (the book build) it records the value; elsewhere (plain Jupyter,
Colab) it simply shows it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue", "versions", "checked_with"]


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


#: The packages whose versions a framework comparison depends on, as (distribution, name shown).
_VERSIONED = (("numpy", "NumPy"), ("torch", "PyTorch"), ("keras", "Keras"), ("tensorflow", "TensorFlow"),
              ("tensorflow-cpu", "TensorFlow"))


def versions() -> dict[str, str]:
    """The installed versions of Python, NumPy, PyTorch, Keras and TensorFlow (absent ones are left out).

    Read from the packages' metadata, so nothing is imported (asking costs microseconds, not TensorFlow's
    seconds of start-up).
    """
    import importlib.metadata
    import platform

    out = {"Python": platform.python_version()}
    for dist, name in _VERSIONED:
        if name in out:
            continue
        try:
            out[name] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def checked_with() -> Any:
    """A one-line note for a page that compares with the frameworks: which versions its checks ran with.

    Returns an ``IPython.display.Markdown`` object (shown as the cell's output), e.g. "*Checked with Python
    3.11.7, NumPy 2.4.6, PyTorch 2.13.0+cpu, Keras 3.15.1, TensorFlow 2.21.0 when this page was built.*"
    """
    from IPython.display import Markdown

    listed = ", ".join(f"{name} {version}" for name, version in versions().items())
    return Markdown(f"*The comparisons on this page were run with {listed}.*")
