# %% [markdown]
# # Exercises: Momentum and Nesterov
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!
#
# These exercises go with the chapter [Momentum and Nesterov](../book/part1/03_momentum.ipynb).

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
# ## A momentum (heavy-ball) step, PyTorch's form
#
# `momentum_step(theta, grad, buf, lr, momentum, t, dampening=0.0)`: buf = g if t == 1 else momentum * buf + (1 - dampening) * g; return (theta - lr * buf, buf).

# %%
def momentum_step(theta, grad, buf, lr, momentum, t, dampening=0.0):
    """buf = g if t == 1 else momentum * buf + (1 - dampening) * g; return (theta - lr * buf, buf)."""
    # BEGIN SOLUTION
    buf = grad if t == 1 else momentum * buf + (1 - dampening) * grad
    return theta - lr * buf, buf
    # END SOLUTION

# %%
check("momentum_step", momentum_step)

# %% [markdown]
# ## A Nesterov momentum step, PyTorch's form
#
# `nesterov_step(theta, grad, buf, lr, momentum, t)`: buf = g if t == 1 else momentum * buf + g; return (theta - lr * (g + momentum * buf), buf).

# %%
def nesterov_step(theta, grad, buf, lr, momentum, t):
    """buf = g if t == 1 else momentum * buf + g; return (theta - lr * (g + momentum * buf), buf)."""
    # BEGIN SOLUTION
    buf = grad if t == 1 else momentum * buf + grad
    return theta - lr * (grad + momentum * buf), buf
    # END SOLUTION

# %%
check("nesterov_step", nesterov_step)
