r"""Learning-rate schedules: callables ``s(k) -> lr`` of the 0-based update index ``k``, vectorised over arrays.

Update ``t = k + 1`` uses ``s(k)``. Each schedule builds its exact framework equivalents:
``s.torch_scheduler(optimizer)`` (step it once per update, after ``optimizer.step()``), ``s.keras_schedule()``
(pass it as ``learning_rate``) and ``s.keras_callback()`` (per-epoch use); where a framework has no equivalent they
raise :class:`NoEquivalentError` naming the nearest one and the difference.

- decay: :class:`Constant`, :class:`StepDecay`, :class:`MultiStep`, :class:`ExponentialDecay`,
  :class:`InverseTimeDecay`, :class:`PolynomialDecay`, :class:`PiecewiseConstant`, :class:`Lambda`, :class:`Multiplicative`
- cycles: :class:`CosineAnnealing`, :class:`CosineWarmRestarts`, :class:`Cyclic`, :class:`OneCycle`
- composition: :class:`LinearWarmup`, :func:`warmup_cosine`, :class:`Sequence`, :class:`Chained`, :func:`per_epoch`
- adaptive: :class:`ReduceLROnPlateau` (stateful, per epoch); and :func:`lr_range_test`
"""

from ._base import NoEquivalentError, Schedule
from .compose import Chained, LinearWarmup, PerEpoch, Sequence, per_epoch, warmup_cosine
from .cyclic import CosineAnnealing, CosineWarmRestarts, Cyclic, FractionalEpochStepper, OneCycle
from .decay import (
    Constant,
    ExponentialDecay,
    InverseTimeDecay,
    Lambda,
    Multiplicative,
    MultiStep,
    PiecewiseConstant,
    PolynomialDecay,
    StepDecay,
)
from .lr_finder import LRRangeTestResult, lr_range_test
from .plateau import ReduceLROnPlateau

__all__ = [
    "Schedule", "NoEquivalentError",
    "Constant", "StepDecay", "MultiStep", "ExponentialDecay", "InverseTimeDecay", "PolynomialDecay",
    "PiecewiseConstant", "Lambda", "Multiplicative",
    "CosineAnnealing", "CosineWarmRestarts", "Cyclic", "OneCycle", "FractionalEpochStepper",
    "LinearWarmup", "warmup_cosine", "Sequence", "Chained", "PerEpoch", "per_epoch",
    "ReduceLROnPlateau", "lr_range_test", "LRRangeTestResult",
]
