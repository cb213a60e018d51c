# %% [markdown]
# # Exercises: Adaptive learning rates
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!
#
# These exercises go with the chapter [Adaptive learning rates](../book/part1/04_adaptive.ipynb).

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
# ## An AdaGrad step
#
# `adagrad_step(theta, grad, s, lr, eps=1e-10)`: s = s + g**2; return (theta - lr * g / (sqrt(s) + eps), s).

# %%
def adagrad_step(theta, grad, s, lr, eps=1e-10):
    """s = s + g**2; return (theta - lr * g / (sqrt(s) + eps), s)."""
    # BEGIN SOLUTION
    s = s + grad**2
    return theta - lr * grad / (np.sqrt(s) + eps), s
    # END SOLUTION

# %%
check("adagrad_step", adagrad_step)

# %% [markdown]
# ## An RMSprop step
#
# `rmsprop_step(theta, grad, v, lr, alpha=0.99, eps=1e-08)`: v = alpha * v + (1 - alpha) * g**2; return (theta - lr * g / (sqrt(v) + eps), v).

# %%
def rmsprop_step(theta, grad, v, lr, alpha=0.99, eps=1e-08):
    """v = alpha * v + (1 - alpha) * g**2; return (theta - lr * g / (sqrt(v) + eps), v)."""
    # BEGIN SOLUTION
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / (np.sqrt(v) + eps), v
    # END SOLUTION

# %%
check("rmsprop_step", rmsprop_step)
