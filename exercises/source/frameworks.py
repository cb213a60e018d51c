# %% [markdown]
# # Exercises: Optimizers and schedules in PyTorch and Keras
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
# ## What old Keras's decay= argument computed
#
# `legacy_keras_decay_lr(lr, decay, iterations)`: lr / (1 + decay * iterations), iterations counted in batches (before the increment).

# %%
def legacy_keras_decay_lr(lr, decay, iterations):
    """lr / (1 + decay * iterations), iterations counted in batches (before the increment)."""
    # BEGIN SOLUTION
    return lr / (1 + decay * iterations)
    # END SOLUTION

# %%
check("legacy_keras_decay", legacy_keras_decay_lr)
