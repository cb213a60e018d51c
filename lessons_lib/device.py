"""Where the book's PyTorch training code runs: one place that chooses the device.

Every chapter that *trains* with PyTorch puts its model and data on :func:`torch_device`: the first CUDA GPU when
one is present, the CPU otherwise. Conformance checks (NumPy against ``torch.optim`` in float64) stay on the CPU on
purpose: they compare rounding to 1e-15, and GPUs are neither float64-fast nor bitwise reproducible.

The choice can be forced with the environment variable ``LESSONS_DEVICE`` (``cpu``, ``cuda`` or ``cuda:N``), for
example ``LESSONS_DEVICE=cpu`` to reproduce the CPU numbers on a GPU machine. A request for CUDA on a machine
without it is an error, not a silent fallback.
"""

from __future__ import annotations

import os
import re
from typing import Any

from lessons_lib._lazy import import_torch

__all__ = ["torch_device", "describe_device", "ENV_VAR"]

ENV_VAR = "LESSONS_DEVICE"
_PATTERN = re.compile(r"^(cpu|cuda(:\d+)?)$")


def torch_device(name: str | None = None) -> Any:
    """The ``torch.device`` to train on.

    ``name`` (``"cpu"``, ``"cuda"``, ``"cuda:N"``) wins; otherwise ``$LESSONS_DEVICE``; otherwise ``cuda`` when
    ``torch.cuda.is_available()`` and ``cpu`` when not.
    """
    torch = import_torch()
    source = "name"
    if name is None:
        name, source = os.environ.get(ENV_VAR) or None, ENV_VAR
    if name is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(name, str) or not _PATTERN.match(name.strip()):
        raise ValueError(f"{source}={name!r} is not a device this book uses; allowed: 'cpu', 'cuda' or 'cuda:N'")
    device = torch.device(name.strip())
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{source}={name!r} asks for CUDA, but torch.cuda.is_available() is False on this "
                             f"machine (torch {torch.__version__}); use 'cpu' or unset {ENV_VAR}")
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise ValueError(f"{source}={name!r} names GPU {device.index}, but this machine has {count} "
                             f"(allowed: cuda:0 to cuda:{count - 1})")
    return device


def describe_device(device: Any = None) -> str:
    """A one-line description, for a chapter's setup cell: ``'cuda:0 (NVIDIA H200)'`` or ``'cpu (2 threads)'``."""
    torch = import_torch()
    device = torch_device() if device is None else torch.device(device)
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    return f"cpu ({torch.get_num_threads()} threads)"
