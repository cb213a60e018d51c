"""NumPy optimizers with torch.optim's names, arguments and defaults, and explicit switches for Keras 3.

Every optimizer follows one contract (see :mod:`lessons_lib.optimizers._base`)::

    opt = Adam(lr=1e-3)
    state = opt.init(params)
    params, state = opt.update(params, grads, state)

Plain gradient descent is ``SGD`` fed full-batch gradients. Beyond the Adam family: ``ASGD``, ``Rprop``,
``SparseAdam`` (dense arrays, sparse semantics), Keras's ``Ftrl`` and ``LBFGS``, which takes a function
``fun(params) -> (loss, grad)`` instead of one gradient (torch's ``step(closure)``). ``Opt.from_keras(...)`` builds the optimizer that
reproduces the Keras 3 optimizer of the same name, with Keras's argument names and defaults.

Beyond Adam (Part III): ``Adamax``, ``Lion``, ``Adafactor`` (factored second moments), ``Lamb`` and ``LARS``
(per-tensor trust ratios), ``Muon`` (orthogonalised momentum for matrices), ``Shampoo`` (Kronecker-factored
preconditioning), ``ScheduleFreeSGD``/``ScheduleFreeAdamW`` (an average instead of a schedule), and the weight
averages ``EMA`` and ``SWA``, which wrap any optimizer's iterates.
"""

from ._base import Optimizer
from .adadelta import Adadelta, AdadeltaState
from .asgd import ASGD, ASGDState
from .adagrad import Adagrad, AdagradState
from .adafactor import Adafactor, AdafactorState
from .adam import Adam, AdamState, AdamW
from .adamax import Adamax, AdamaxState
from .averaging import EMA, SWA, AverageState
from .ftrl import Ftrl, FtrlState
from .lamb import LARS, Lamb, LambState, LARSState
from .lbfgs import LBFGS, LBFGSState
from .lion import Lion, LionState
from .muon import Muon, MuonState
from .nadam import NAdam, NAdamState
from .radam import RAdam, RAdamState
from .rmsprop import RMSprop, RMSpropState
from .rprop import Rprop, RpropState
from .schedule_free import ScheduleFreeAdamW, ScheduleFreeSGD, ScheduleFreeState
from .sgd import SGD, SGDState
from .shampoo import Shampoo, ShampooState
from .sparse_adam import SparseAdam, SparseAdamState

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "NAdam",
    "RAdam",
    "ASGD",
    "Rprop",
    "SparseAdam",
    "LBFGS",
    "Ftrl",
    "Adamax",
    "Lion",
    "Adafactor",
    "Lamb",
    "LARS",
    "Muon",
    "Shampoo",
    "ScheduleFreeSGD",
    "ScheduleFreeAdamW",
    "EMA",
    "SWA",
    "SGDState",
    "AdagradState",
    "RMSpropState",
    "AdadeltaState",
    "AdamState",
    "NAdamState",
    "RAdamState",
    "ASGDState",
    "RpropState",
    "SparseAdamState",
    "LBFGSState",
    "FtrlState",
    "AdamaxState",
    "LionState",
    "AdafactorState",
    "LambState",
    "LARSState",
    "MuonState",
    "ShampooState",
    "ScheduleFreeState",
    "AverageState",
]
