"""Lazy imports of the frameworks, so ``import lessons_lib`` stays fast and works without them.

TensorFlow's C++ log noise is silenced (``TF_CPP_MIN_LOG_LEVEL=2``) before Keras is first imported, and Keras
is told to use the TensorFlow backend unless the user chose another one.
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["import_torch", "import_keras", "has_torch", "has_keras"]


def import_torch() -> ModuleType:
    """``import torch`` with an install hint if it is missing."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "PyTorch is needed for this; install the CPU build with `pip install torch==2.13.0` "
            "(see the README)"
        ) from exc
    return torch


def import_keras() -> ModuleType:
    """``import keras`` (Keras 3, TensorFlow backend by default) with TensorFlow's log noise silenced."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    try:
        import keras
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Keras 3 is needed for this; install it with `pip install tensorflow-cpu keras` (see the README)"
        ) from exc
    return keras


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def has_torch() -> bool:
    """True when PyTorch can be imported (used to skip framework cells cleanly, e.g. on a GPU box without TF)."""
    return _importable("torch")


def has_keras() -> bool:
    """True when Keras 3 and a backend (TensorFlow) can be imported."""
    return _importable("keras") and _importable("tensorflow")
