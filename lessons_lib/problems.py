r"""Test problems: 2-D functions with analytic gradients and known minima, and data sets.

Every 2-D function is an :class:`Objective` with ``f(x)``, ``grad(x)`` and its known minimisers. ``x`` may be a
single point of shape ``(2,)`` or a batch of shape ``(..., 2)``, so ``f`` can evaluate a whole contour grid at once.

Data sets are either generated from a seed (:func:`linear_regression_data`, :func:`logistic_data`) or ship inside
scikit-learn (:func:`load_dataset`); nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from ._checks import check_int, check_number, check_positive

__all__ = [
    "Objective",
    "Quadratic",
    "quadratic",
    "rosenbrock",
    "beale",
    "saddle",
    "himmelblau",
    "OBJECTIVES",
    "numerical_gradient",
    "Dataset",
    "linear_regression_data",
    "logistic_data",
    "load_dataset",
    "standardize",
    "validation_split",
]


@dataclass(frozen=True)
class Objective:
    """A differentiable function of ``x = (x1, x2)`` with its gradient and known minimisers.

    ``bounds`` is a plotting window ``((x1_min, x1_max), (x2_min, x2_max))`` and ``start`` a customary
    starting point.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    minima: tuple[tuple[float, float], ...]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    start: tuple[float, float]
    f_min: float = 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.f(np.asarray(x, dtype=float))


def _xy(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    if x.shape[-1] != 2:
        raise ValueError(f"x must have last dimension 2 (a point (x1, x2)), got shape {x.shape}")
    return x[..., 0], x[..., 1]


@dataclass(frozen=True)
class Quadratic(Objective):
    r"""``f(x) = ½ (x − x*)ᵀ A (x − x*)`` with a symmetric positive definite ``A``.

    Its gradient is ``A (x − x*)``; ``L`` and ``mu`` are the largest and smallest eigenvalues of ``A`` and
    ``kappa = L / mu`` is the condition number. Works in any dimension ``n``.
    """

    A: np.ndarray = field(default_factory=lambda: np.eye(2))
    x_star: np.ndarray = field(default_factory=lambda: np.zeros(2))

    @property
    def L(self) -> float:
        return float(np.linalg.eigvalsh(self.A)[-1])

    @property
    def mu(self) -> float:
        return float(np.linalg.eigvalsh(self.A)[0])

    @property
    def kappa(self) -> float:
        return self.L / self.mu


def quadratic(L: float = 10.0, mu: float = 1.0, angle: float = 0.0, x_star: tuple[float, ...] = (0.0, 0.0),
              start: tuple[float, float] = (-4.0, 3.0)) -> Quadratic:
    r"""A 2-D quadratic bowl with curvatures ``L`` and ``mu`` (condition number ``L/mu``).

    ``A = R diag(L, mu) Rᵀ`` where ``R`` rotates by ``angle`` radians, so the bowl's axes need not be the
    coordinate axes (which matters for per-coordinate methods such as AdaGrad).
    """
    L = check_positive("L", L)
    mu = check_positive("mu", mu)
    if mu > L:
        raise ValueError(f"mu must be <= L (mu is the smallest curvature), got mu={mu!r} > L={L!r}")
    angle = check_number("angle", angle)
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([L, mu]) @ R.T
    xs = np.asarray(x_star, dtype=float)
    if xs.shape != (2,):
        raise ValueError(f"x_star must be a point (x1, x2), got {x_star!r}")

    def f(x: np.ndarray) -> np.ndarray:
        _xy(x)
        d = np.asarray(x, dtype=float) - xs
        return 0.5 * np.einsum("...i,ij,...j->...", d, A, d)

    def grad(x: np.ndarray) -> np.ndarray:
        _xy(x)
        return (np.asarray(x, dtype=float) - xs) @ A.T

    span = 1.25 * max(abs(start[0] - xs[0]), abs(start[1] - xs[1]), 1.0)
    return Quadratic(
        name=f"quadratic (kappa={L / mu:g})",
        f=f,
        grad=grad,
        minima=(tuple(xs),),
        bounds=((xs[0] - span, xs[0] + span), (xs[1] - span, xs[1] + span)),
        start=start,
        A=A,
        x_star=xs,
    )


def _rosenbrock_f(x: np.ndarray, a: float = 1.0, b: float = 100.0) -> np.ndarray:
    x1, x2 = _xy(x)
    return (a - x1) ** 2 + b * (x2 - x1**2) ** 2


def _rosenbrock_grad(x: np.ndarray, a: float = 1.0, b: float = 100.0) -> np.ndarray:
    x1, x2 = _xy(x)
    return np.stack([-2 * (a - x1) - 4 * b * x1 * (x2 - x1**2), 2 * b * (x2 - x1**2)], axis=-1)


rosenbrock = Objective(
    name="Rosenbrock",
    f=_rosenbrock_f,
    grad=_rosenbrock_grad,
    minima=((1.0, 1.0),),
    bounds=((-2.0, 2.0), (-1.0, 3.0)),
    start=(-1.5, 2.0),
)
"""Rosenbrock's banana ``(1 − x1)² + 100 (x2 − x1²)²``: a curved, narrow valley; minimum 0 at (1, 1)."""


def _beale_terms(x: np.ndarray) -> tuple[np.ndarray, ...]:
    x1, x2 = _xy(x)
    t1 = 1.5 - x1 + x1 * x2
    t2 = 2.25 - x1 + x1 * x2**2
    t3 = 2.625 - x1 + x1 * x2**3
    return x1, x2, t1, t2, t3


def _beale_f(x: np.ndarray) -> np.ndarray:
    _, _, t1, t2, t3 = _beale_terms(x)
    return t1**2 + t2**2 + t3**2


def _beale_grad(x: np.ndarray) -> np.ndarray:
    x1, x2, t1, t2, t3 = _beale_terms(x)
    d1 = 2 * t1 * (x2 - 1) + 2 * t2 * (x2**2 - 1) + 2 * t3 * (x2**3 - 1)
    d2 = 2 * t1 * x1 + 2 * t2 * 2 * x1 * x2 + 2 * t3 * 3 * x1 * x2**2
    return np.stack([d1, d2], axis=-1)


beale = Objective(
    name="Beale",
    f=_beale_f,
    grad=_beale_grad,
    minima=((3.0, 0.5),),
    bounds=((-4.5, 4.5), (-4.5, 4.5)),
    start=(1.0, 1.5),
)
"""Beale's function: flat plateaus and steep walls; minimum 0 at (3, 0.5)."""


def _saddle_f(x: np.ndarray) -> np.ndarray:
    x1, x2 = _xy(x)
    return 0.5 * x1**2 - 0.5 * x2**2 + 0.25 * x2**4


def _saddle_grad(x: np.ndarray) -> np.ndarray:
    x1, x2 = _xy(x)
    return np.stack([x1, -x2 + x2**3], axis=-1)


saddle = Objective(
    name="saddle",
    f=_saddle_f,
    grad=_saddle_grad,
    minima=((0.0, 1.0), (0.0, -1.0)),
    bounds=((-2.0, 2.0), (-2.0, 2.0)),
    start=(1.5, 1e-3),
    f_min=-0.25,
)
"""``½x1² − ½x2² + ¼x2⁴``: a saddle point at the origin between two minima (0, ±1) with value −¼."""


def _himmelblau_f(x: np.ndarray) -> np.ndarray:
    x1, x2 = _xy(x)
    return (x1**2 + x2 - 11) ** 2 + (x1 + x2**2 - 7) ** 2


def _himmelblau_grad(x: np.ndarray) -> np.ndarray:
    x1, x2 = _xy(x)
    a = x1**2 + x2 - 11
    b = x1 + x2**2 - 7
    return np.stack([4 * x1 * a + 2 * b, 2 * a + 4 * x2 * b], axis=-1)


himmelblau = Objective(
    name="Himmelblau",
    f=_himmelblau_f,
    grad=_himmelblau_grad,
    minima=((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
    bounds=((-5.0, 5.0), (-5.0, 5.0)),
    start=(0.0, 0.0),
)
"""Himmelblau's function: four global minima with value 0, a local maximum near (−0.27, −0.92)."""

OBJECTIVES: dict[str, Objective] = {
    "quadratic": quadratic(),
    "rosenbrock": rosenbrock,
    "beale": beale,
    "saddle": saddle,
    "himmelblau": himmelblau,
}
"""The named 2-D test functions (the quadratic has L=10, mu=1)."""


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    r"""Central differences ``(f(x + h e_i) − f(x − h e_i)) / 2h`` for every coordinate ``i``.

    The error is ``O(h²)`` from truncation plus ``O(ε/h)`` from rounding; ``h = 1e-6`` balances them in float64
    for functions of order one.
    """
    h = check_positive("h", h)
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


class Dataset(NamedTuple):
    """Features and targets split for training and testing (features already standardized if asked)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str


def standardize(X_train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Scale every feature to mean 0 and standard deviation 1 using the training set's statistics only.

    Constant features are left centred (their scale is treated as 1) rather than divided by zero.
    """
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return tuple((X - mean) / std for X in (X_train, *others))


def validation_split(X: np.ndarray, y: np.ndarray, fraction: float = 0.2,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Carve a validation set out of a training set: returns ``(X_fit, y_fit, X_val, y_val)``.

    A random permutation (from ``seed``) puts ``int(fraction * n)`` examples in the validation set and the rest in
    the set to fit on. Hyperparameters are chosen on the validation set, so the test set stays untouched until the
    final scores (the protocol of the chapter "Do schedules matter?").
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of examples, got {len(X)} and {len(y)}")
    fraction = check_number("fraction", fraction)
    n_val = int(fraction * len(y))
    if not 0 < fraction < 1 or n_val == 0 or n_val == len(y):
        raise ValueError(f"fraction must be in (0, 1) and leave both sets non-empty (n = {len(y)}), got {fraction!r}")
    perm = np.random.default_rng(seed).permutation(len(y))
    return X[perm[n_val:]], y[perm[n_val:]], X[perm[:n_val]], y[perm[:n_val]]


def linear_regression_data(n: int = 200, d: int = 2, noise: float = 0.5, scales: tuple[float, ...] | None = None,
                           seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""``y = X w* + b* + noise``: returns ``(X, y, w_true)`` where ``w_true`` stacks ``w*`` and ``b*``.

    ``scales`` multiplies each feature column (unequal scales make the least-squares loss ill-conditioned,
    which is what standardization repairs).
    """
    n = check_int("n", n, minimum=1)
    d = check_int("d", d, minimum=1)
    noise = check_number("noise", noise)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if scales is not None:
        if len(scales) != d:
            raise ValueError(f"scales must have one entry per feature (d={d}), got {len(scales)}")
        X = X * np.asarray(scales, dtype=float)
    w = rng.normal(size=d)
    b = float(rng.normal())
    y = X @ w + b + noise * rng.normal(size=n)
    return X, y, np.append(w, b)


def logistic_data(n: int = 400, d: int = 2, separation: float = 2.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes (labels 0/1) whose means are ``separation`` apart along a random direction."""
    n = check_int("n", n, minimum=2)
    d = check_int("d", d, minimum=1)
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    y = (np.arange(n) % 2).astype(float)
    X = rng.normal(size=(n, d)) + np.outer(y - 0.5, direction) * separation
    perm = rng.permutation(n)
    return X[perm], y[perm]


_SKLEARN = {
    "digits": "load_digits",
    "breast_cancer": "load_breast_cancer",
    "diabetes": "load_diabetes",
}


def load_dataset(name: str, test_fraction: float = 0.25, seed: int = 0, standardized: bool = True) -> Dataset:
    """A data set that ships inside scikit-learn, split (stratified for classification) and standardized.

    ``digits``: 1797 8x8 images, 10 classes. ``breast_cancer``: 569 samples, 30 features, 2 classes.
    ``diabetes``: 442 samples, 10 features, a regression target (standardized too when ``standardized``).
    """
    if name not in _SKLEARN:
        raise ValueError(f"name must be one of {', '.join(map(repr, _SKLEARN))}, got {name!r}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    import sklearn.datasets
    from sklearn.model_selection import train_test_split

    X, y = getattr(sklearn.datasets, _SKLEARN[name])(return_X_y=True)
    X = X.astype(np.float64)
    classify = name != "diabetes"
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=test_fraction, random_state=seed, stratify=y if classify else None
    )
    if standardized:
        X_tr, X_te = standardize(X_tr, X_te)
        if not classify:
            mu, sd = y_tr.mean(), y_tr.std()
            y_tr, y_te = (y_tr - mu) / sd, (y_te - mu) / sd
    if classify:
        y_tr, y_te = y_tr.astype(np.int64), y_te.astype(np.int64)
    return Dataset(X_tr, y_tr, X_te, y_te, name)
