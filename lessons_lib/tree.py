"""Parameter trees: an ndarray, or a (possibly nested) dict of ndarrays.

Optimizers accept either form, so a 2-D test problem can pass ``np.array([x, y])`` and a model can pass
``{"W": W, "b": b}``. These helpers map a function over matching leaves and check that gradients match
parameters in structure, shape and finiteness, with errors that say where the mismatch is.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Union

import numpy as np

Tree = Union[np.ndarray, Mapping[str, Any]]

__all__ = ["Tree", "tree_map", "tree_leaves", "check_params", "check_grads", "tree_zeros_like", "tree_full_like"]


def tree_map(fn: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """Apply ``fn(leaf, *other_leaves)`` leaf by leaf; dicts are rebuilt with the same keys, in order."""
    if isinstance(tree, Mapping):
        return {key: tree_map(fn, tree[key], *(r[key] for r in rest)) for key in tree}
    return fn(tree, *rest)


def tree_leaves(tree: Any) -> list[Any]:
    """The leaves in key order (depth first)."""
    if isinstance(tree, Mapping):
        out: list[Any] = []
        for key in tree:
            out.extend(tree_leaves(tree[key]))
        return out
    return [tree]


def tree_zeros_like(tree: Any) -> Any:
    """Zeros with each leaf's shape and dtype."""
    return tree_map(np.zeros_like, tree)


def tree_full_like(tree: Any, value: float) -> Any:
    """``value`` with each leaf's shape and dtype."""
    return tree_map(lambda p: np.full_like(p, value), tree)


def _describe(path: str) -> str:
    return f"params{path}" if path else "params"


def check_params(params: Any, path: str = "") -> None:
    """Raise TypeError unless ``params`` is a floating ndarray or a dict of them (recursively)."""
    if isinstance(params, Mapping):
        if not params:
            raise ValueError(f"{_describe(path)} is an empty dict; give at least one array")
        for key in params:
            if not isinstance(key, str):
                raise TypeError(f"{_describe(path)} keys must be strings, got {key!r}")
            check_params(params[key], f"{path}[{key!r}]")
        return
    if not isinstance(params, np.ndarray):
        raise TypeError(
            f"{_describe(path)} must be a NumPy array or a dict of arrays, got {type(params).__name__}; "
            "wrap lists with np.asarray(..., dtype=float)"
        )
    if not np.issubdtype(params.dtype, np.floating):
        raise TypeError(f"{_describe(path)} must have a floating dtype, got {params.dtype}")


def check_grads(params: Any, grads: Any, path: str = "") -> None:
    """Raise unless ``grads`` has the structure and shapes of ``params`` and finite values."""
    where = f"grads{path}" if path else "grads"
    if isinstance(params, Mapping):
        if not isinstance(grads, Mapping):
            raise TypeError(f"{where} must be a dict like params, got {type(grads).__name__}")
        if set(grads) != set(params):
            missing = sorted(set(params) - set(grads))
            extra = sorted(set(grads) - set(params))
            raise ValueError(f"{where} keys must match params keys; missing {missing}, unexpected {extra}")
        for key in params:
            check_grads(params[key], grads[key], f"{path}[{key!r}]")
        return
    g = np.asarray(grads)
    if g.shape != params.shape:
        raise ValueError(f"{where} must have shape {params.shape} like the parameter, got {g.shape}")
    if not np.issubdtype(g.dtype, np.number) or np.issubdtype(g.dtype, np.complexfloating):
        raise TypeError(f"{where} must be real numbers, got dtype {g.dtype}")
    if not np.all(np.isfinite(g)):
        finite = np.isfinite(g)
        bad = int(np.size(g) - np.count_nonzero(finite))
        first = tuple(int(i) for i in np.argwhere(~finite)[0]) if g.ndim else ()
        at = f", the first at index {first[0] if len(first) == 1 else first}" if first else ""
        raise ValueError(f"{where} must be finite, got {bad} non-finite value(s) (nan or inf){at}: "
                         f"{float(g[first] if first else g.item())!r}")
