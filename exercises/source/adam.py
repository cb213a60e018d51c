# %% [markdown]
# # Exercises: Adam and its family
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!
#
# These exercises go with the chapter [Adam and its family](../book/part1/05_adam.ipynb).

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
# ## An Adam step (returning the moments too)
#
# `adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)`: PyTorch's Adam: update m and v, bias-correct with t (1-based), return (theta, m, v).

# %%
def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08):
    """PyTorch's Adam: update m and v, bias-correct with t (1-based), return (theta, m, v)."""
    # BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    # END SOLUTION

# %%
check("adam_step", adam_step)

# %% [markdown]
# ## An AdamW step (decoupled weight decay)
#
# `adamw_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)`: theta = theta * (1 - lr * weight_decay), then the Adam step; return (theta, m, v).

# %%
def adamw_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01):
    """theta = theta * (1 - lr * weight_decay), then the Adam step; return (theta, m, v)."""
    # BEGIN SOLUTION
    theta = theta * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    # END SOLUTION

# %%
check("adamw_step", adamw_step)
