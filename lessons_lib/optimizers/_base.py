"""The optimizer contract shared by every optimizer in :mod:`lessons_lib.optimizers`.

An optimizer is a small object that holds hyperparameters and nothing else::

    opt = Adam(lr=1e-3)
    state = opt.init(params)                       # a NamedTuple you can print
    params, state = opt.update(params, grads, state)

``update`` is pure: it never mutates ``params``, ``grads`` or ``state``; it returns new arrays with the dtype
of ``params``. ``params`` is an ndarray or a dict of ndarrays (see :mod:`lessons_lib.tree`).

Step numbering follows PyTorch and Keras (measured against both, reproduced by the conformance tests):
``state.step`` counts the updates already applied, the update being performed is ``t = state.step + 1``
(1-based, used in bias corrections) and a schedule is called with the 0-based index ``k = t - 1``. So ``lr`` may be a float or any callable ``lr(k) -> float``, for example a
:mod:`lessons_lib.schedules` schedule.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, NamedTuple, Optional, Union

import numpy as np

from .._checks import check_nonneg
from ..tree import check_grads, check_params

LearningRate = Union[float, Callable[[int], float]]

__all__ = ["Optimizer", "LearningRate", "apply_weight_decay", "check_betas"]


class Optimizer:
    """Base class: validation, learning-rate lookup and the pure ``update`` wrapper.

    Subclasses implement ``_init_leaf(p) -> tuple`` (per-parameter state slots), ``_slots`` (their names),
    and ``_update_leaf(p, g, slots, t, lr) -> (p_new, slots_new)`` written as the equations in the book.
    Scalar state shared by all leaves (such as NAdam's momentum product) lives in ``_init_extra``/``_step_extra``;
    keys of ``_step_extra`` that start with ``_`` reach ``_update_leaf`` but are not stored in the state.
    """

    _slots: tuple[str, ...] = ()
    _state_class: type

    def __init__(self, lr: LearningRate) -> None:
        if callable(lr):
            self.lr: LearningRate = lr
        else:
            self.lr = check_nonneg("lr", lr)

    # ------------------------------------------------------------------ learning rate
    def learning_rate(self, k: int) -> float:
        """The learning rate of update ``t = k + 1`` (``k`` is 0-based)."""
        if not callable(self.lr):
            return float(self.lr)
        value = self.lr(k)
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"lr schedule must return a real number, got {value!r} at k={k}")
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"lr schedule must return a finite number >= 0, got {value!r} at k={k}")
        return value

    # ------------------------------------------------------------------ the contract
    def init(self, params: Any) -> Any:
        """The state before the first update: ``step=0`` and zeroed (or initial) slots per parameter."""
        check_params(params)
        leaves = _map_leaves(self._init_leaf, params)
        slots = {name: _pick(leaves, i) for i, name in enumerate(self._slots)}
        return self._state_class(step=0, **slots, **self._init_extra())

    def update(self, params: Any, grads: Any, state: Any) -> tuple[Any, Any]:
        """One update. Returns ``(new_params, new_state)``; the inputs are left untouched."""
        check_params(params)
        check_grads(params, grads)
        if not isinstance(state, self._state_class):
            raise TypeError(
                f"state must be the {self._state_class.__name__} returned by init() or update(), "
                f"got {type(state).__name__}"
            )
        for name in self._slots:
            _check_slot(name, getattr(state, name), params, owner=self)
        t = state.step + 1
        lr = self.learning_rate(t - 1)
        extra = self._step_extra(state, t)
        slot_trees = [getattr(state, name) for name in self._slots]

        def leaf(p: np.ndarray, g: Any, *slots: Any) -> tuple[np.ndarray, tuple]:
            g = np.asarray(g, dtype=p.dtype)
            new_p, new_slots = self._update_leaf(p, g, tuple(slots), t, lr, extra)
            return np.asarray(new_p).astype(p.dtype, copy=False), tuple(
                None if s is None else np.asarray(s).astype(p.dtype, copy=False) for s in new_slots
            )

        results = _map_leaves(leaf, params, grads, *slot_trees)
        new_params = _pick(results, 0)
        new_slots = _pick(results, 1)
        slots = {name: _pick(new_slots, i) for i, name in enumerate(self._slots)}
        return new_params, self._state_class(step=t, **slots, **{k: v for k, v in extra.items() if not k.startswith("_")})

    # ------------------------------------------------------------------ hooks for subclasses
    def _init_leaf(self, p: np.ndarray) -> tuple:
        return ()

    def _init_extra(self) -> dict[str, Any]:
        return {}

    def _step_extra(self, state: Any, t: int) -> dict[str, Any]:
        return {}

    def _update_leaf(
        self, p: np.ndarray, g: np.ndarray, slots: tuple, t: int, lr: float, extra: dict[str, Any]
    ) -> tuple[np.ndarray, tuple]:
        raise NotImplementedError

    def _needs_slot(self, name: str, shape: Optional[tuple[int, ...]]) -> bool:
        """Whether these settings use slot ``name`` for a parameter of this shape (None: a whole dict of them)."""
        return self._init_leaf(np.zeros(()))[self._slots.index(name)] is not None

    def _slot_shape(self, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of slot ``name`` for a parameter of this shape (the parameter's own, unless factored)."""
        return shape

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


def apply_weight_decay(p: np.ndarray, g: np.ndarray, lr: float, weight_decay: float, decoupled: bool
                       ) -> tuple[np.ndarray, np.ndarray]:
    r"""The two kinds of weight decay, applied before an optimizer's own update.

    * coupled (L2, torch's default): ``g ← g + λθ``, so the decay passes through momentum and adaptive scaling;
    * decoupled (AdamW, and every Keras ``weight_decay=``): ``θ ← θ − ηλθ``, independent of the gradient.
    """
    if weight_decay == 0:
        return p, g
    if decoupled:
        return p * (1 - lr * weight_decay), g
    return p, g + weight_decay * p


def check_betas(betas: Any) -> tuple[float, float]:
    """``betas`` must be a pair of numbers in [0, 1)."""
    from .._checks import check_unit_interval

    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2) of numbers in [0, 1), got {betas!r}")
    return (check_unit_interval("betas[0]", betas[0]), check_unit_interval("betas[1]", betas[1]))


def _check_slot(name: str, slot: Any, params: Any, path: str = "", owner: Any = None) -> None:
    """A state slot must have the structure and shapes of ``params``; None only where the settings leave it unused."""
    where = f"state.{name}{path}"
    if slot is None:
        if owner is not None and owner._needs_slot(name, None if isinstance(params, dict) else np.shape(params)):
            raise ValueError(f"{where} is None, but {owner!r} needs it; the state must come from init() of an "
                             "optimizer with these settings")
        return
    hint = "; the state must come from init() or update() on parameters of this structure and shape"
    if isinstance(params, dict):
        if not isinstance(slot, dict) or set(slot) != set(params):
            got = sorted(slot) if isinstance(slot, dict) else type(slot).__name__
            raise ValueError(f"{where} does not match params: expected keys {sorted(params)}, got {got}{hint}")
        for key in params:
            _check_slot(name, slot[key], params[key], f"{path}[{key!r}]", owner)
        return
    shape = np.shape(slot)
    expected = owner._slot_shape(name, params.shape) if owner is not None else params.shape
    if isinstance(slot, dict) or shape != expected:
        got = "a dict" if isinstance(slot, dict) else f"shape {shape}"
        raise ValueError(f"{where} does not match params{path}: expected shape {expected}, got {got}{hint}")


def _map_leaves(fn: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    from ..tree import tree_map

    return tree_map(fn, tree, *rest)


def _pick(tree: Any, i: int) -> Any:
    """From a tree whose leaves are tuples, the tree of their ``i``-th items."""
    if isinstance(tree, dict):
        return {k: _pick(v, i) for k, v in tree.items()}
    return tree[i]


class _EmptyState(NamedTuple):
    step: int
