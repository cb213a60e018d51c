# %% [markdown]
# # Exercises: Gradient descent
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!
#
# These exercises go with the chapter [Gradient descent](../book/part1/01_gradient_descent.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import math

import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## One gradient-descent step
#
# `gd_step(theta, grad, lr)`: Return theta - lr * grad.

# %%
def gd_step(theta, grad, lr):
    """Return theta - lr * grad."""
    # BEGIN SOLUTION
    return theta - lr * grad
    # END SOLUTION

# %%
check("gd_step", gd_step)

# %% [markdown]
# ## A numerical gradient by central differences
#
# `numerical_gradient(f, x, h=1e-06)`: Central differences (f(x + h e_i) - f(x - h e_i)) / (2h) for every coordinate i.

# %%
def numerical_gradient(f, x, h=1e-06):
    """Central differences (f(x + h e_i) - f(x - h e_i)) / (2h) for every coordinate i."""
    # BEGIN SOLUTION
    g = np.zeros_like(x, dtype=float)
    for i in range(x.size):
        e = np.zeros_like(x, dtype=float)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g
    # END SOLUTION

# %%
check("numerical_gradient", numerical_gradient)
