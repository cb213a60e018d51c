"""Functions passed *to* learners' code as test inputs (e.g. the f of a numerical-gradient exercise).

They live outside catalog.py so that calling them does not count as calling the library's solutions.
"""

import numpy as np


def quartic(x):
    """sum(x**4) + (first entry) * (last entry), for a vector or a matrix"""
    x = np.asarray(x)
    return float(np.sum(x**4) + x.flat[0] * x.flat[-1])


def rosen(x):
    """Rosenbrock's function of the first two coordinates."""
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def bowl_grad(x):
    """Gradient of 0.5 * (10 x_0^2 + x_1^2 + ... + x_n^2): a steep first coordinate, shallow others."""
    x = np.asarray(x, dtype=float)
    scales = np.ones_like(x)
    scales.flat[0] = 10.0
    return scales * x


def rosen_grad(x):
    """Gradient of Rosenbrock's function of the first two coordinates (zero for the others)."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2)
    g[1] = 200 * (x[1] - x[0] ** 2)
    return g
