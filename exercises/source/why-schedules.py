# %% [markdown]
# # Exercises: Why schedule the learning rate
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
# ## Step decay per epoch
#
# `step_decay(lr0, gamma, step_size, epoch)`: lr0 * gamma ** (epoch // step_size), epoch 0-based.

# %%
def step_decay(lr0, gamma, step_size, epoch):
    """lr0 * gamma ** (epoch // step_size), epoch 0-based."""
    # BEGIN SOLUTION
    return lr0 * gamma ** (epoch // step_size)
    # END SOLUTION

# %%
check("step_decay", step_decay)
