# %% [markdown]
# # Exercises: Stochastic and mini-batch gradient descent
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!
#
# These exercises go with the chapter [Stochastic and mini-batch gradient descent](../book/part1/02_sgd.ipynb).

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
# ## A mini-batch iterator
#
# `minibatches(n, batch_size, seed)`: Shuffle range(n) with np.random.default_rng(seed).permutation(n) and split it into consecutive batches of batch_size (the last may be smaller). Return the list of index arrays.

# %%
def minibatches(n, batch_size, seed):
    """Shuffle range(n) with np.random.default_rng(seed).permutation(n) and split it into consecutive batches of batch_size (the last may be smaller). Return the list of index arrays."""
    # BEGIN SOLUTION
    order = np.random.default_rng(seed).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
    # END SOLUTION

# %%
check("minibatches", minibatches)

# %% [markdown]
# ## One epoch of mini-batch SGD for least squares
#
# `sgd_epoch(w, X, y, lr, batch_size, seed)`: Loss (1/2|B|) sum_i (x_i.w - y_i)^2 per batch; one update per batch from minibatches(n, batch_size, seed).

# %%
def sgd_epoch(w, X, y, lr, batch_size, seed):
    """Loss (1/2|B|) sum_i (x_i.w - y_i)^2 per batch; one update per batch from minibatches(n, batch_size, seed)."""
    # BEGIN SOLUTION
    for idx in minibatches(len(y), batch_size, seed):
        r = X[idx] @ w - y[idx]
        w = w - lr * X[idx].T @ r / len(idx)
    return w
    # END SOLUTION

# %%
check("sgd_epoch", sgd_epoch)
