"""NumPy optimizers with torch.optim's names, arguments and defaults, and explicit switches for Keras 3.

Every optimizer follows one contract (see :mod:`lessons_lib.optimizers._base`)::

    opt = Adam(lr=1e-3)
    state = opt.init(params)
    params, state = opt.update(params, grads, state)

Plain gradient descent is ``SGD`` fed full-batch gradients. Beyond the Adam family: ``ASGD``, ``Rprop``,
``SparseAdam`` (dense arrays, sparse semantics), Keras's ``Ftrl`` and ``LBFGS``, which takes a function
``fun(params) -> (loss, grad)`` instead of one gradient (torch's ``step(closure)``). ``Opt.from_keras(...)`` builds the optimizer that
reproduces the Keras 3 optimizer of the same name, with Keras's argument names and defaults.
"""

from ._base import Optimizer
from .adadelta import Adadelta, AdadeltaState
from .asgd import ASGD, ASGDState
from .adagrad import Adagrad, AdagradState
from .adam import Adam, AdamState, AdamW
from .ftrl import Ftrl, FtrlState
from .lbfgs import LBFGS, LBFGSState
from .nadam import NAdam, NAdamState
from .radam import RAdam, RAdamState
from .rmsprop import RMSprop, RMSpropState
from .rprop import Rprop, RpropState
from .sgd import SGD, SGDState
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
]
