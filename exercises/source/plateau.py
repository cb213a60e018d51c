# %% [markdown]
# # Exercises: Reduce on plateau
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!

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
# ## The ReduceLROnPlateau decision (PyTorch's counting)
#
# `plateau_decision(lr, metric, best, num_bad, patience, factor=0.1, threshold=0.0001)`: Mode 'min', relative threshold: improvement if metric < best * (1 - threshold); cut by factor when num_bad > patience. Return (lr, best, num_bad).

# %%
def plateau_decision(lr, metric, best, num_bad, patience, factor=0.1, threshold=0.0001):
    """Mode 'min', relative threshold: improvement if metric < best * (1 - threshold); cut by factor when num_bad > patience. Return (lr, best, num_bad)."""
    # BEGIN SOLUTION
    if metric < best * (1 - threshold):
        best, num_bad = metric, 0
    else:
        num_bad += 1
    if num_bad > patience:
        lr, num_bad = lr * factor, 0
    return lr, best, num_bad
    # END SOLUTION

# %%
check("plateau_decision", plateau_decision)
