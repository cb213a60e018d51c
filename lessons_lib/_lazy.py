"""Lazy imports of the frameworks, so ``import lessons_lib`` stays fast and works without them.

TensorFlow's C++ log noise is silenced (``TF_CPP_MIN_LOG_LEVEL=2``) before Keras is first imported, and Keras
is told to use the TensorFlow backend unless the user chose another one.

**Load order.** TensorFlow and Triton (which CUDA builds of PyTorch use for ``torch.compile`` and which
``torch._dynamo`` loads on the first optimizer step) each carry their own copy of LLVM. When TensorFlow is
loaded first, loading Triton afterwards kills the process with ``LLVM ERROR: inconsistency in registered
CommandLine options``; the other order works. So :func:`import_keras` loads ``torch._dynamo`` and Triton first
whenever Triton is installed (CUDA builds of torch; the CPU build has no Triton and nothing extra is loaded),
and :func:`import_torch` warns if TensorFlow is already loaded in that situation.
"""

from __future__ import annotations

import os
import sys
import warnings
from types import ModuleType

__all__ = ["import_torch", "import_keras", "has_torch", "has_keras"]


def import_torch() -> ModuleType:
    """``import torch`` with an install hint if it is missing."""
    if "tensorflow" in sys.modules and "triton" not in sys.modules and _importable("triton"):
        warnings.warn("TensorFlow was loaded before PyTorch's Triton: torch's first compiled or optimizer step may "
                      "abort the process with an LLVM error. Import torch (or call import_keras) before TensorFlow, "
                      "or restart the kernel and run the cells from the top.", RuntimeWarning, stacklevel=2)
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "PyTorch is needed for this; install the CPU build with `pip install torch==2.13.0` "
            "(see the README)"
        ) from exc
    return torch


def _load_triton_before_tensorflow() -> None:
    """Load torch._dynamo and Triton (their LLVM) before TensorFlow's, when both could meet in this process."""
    if "tensorflow" in sys.modules or not (_importable("triton") and _importable("torch")):
        return
    try:
        import torch._dynamo  # noqa: F401  (pulls in torch._inductor's Triton hooks)
        import triton  # noqa: F401
    except Exception:  # pragma: no cover - a broken Triton install must not stop Keras from loading
        pass


def import_keras() -> ModuleType:
    """``import keras`` (Keras 3, TensorFlow backend by default) with TensorFlow's log noise silenced."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    _load_triton_before_tensorflow()
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
