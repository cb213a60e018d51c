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
