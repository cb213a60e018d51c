# %% [markdown]
# # Exercises: Decay schedules
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
# ## Exponential decay with a staircase option
#
# `exponential_decay(lr0, decay_rate, decay_steps, k, staircase=False)`: lr0 * decay_rate ** (k / decay_steps), or k // decay_steps when staircase.

# %%
def exponential_decay(lr0, decay_rate, decay_steps, k, staircase=False):
    """lr0 * decay_rate ** (k / decay_steps), or k // decay_steps when staircase."""
    # BEGIN SOLUTION
    p = k // decay_steps if staircase else k / decay_steps
    return lr0 * decay_rate**p
    # END SOLUTION

# %%
check("exponential_decay", exponential_decay)

# %% [markdown]
# ## Inverse-time (time-based) decay
#
# `inverse_time_decay(lr0, decay_rate, decay_steps, k, staircase=False)`: lr0 / (1 + decay_rate * k / decay_steps), with k // decay_steps when staircase.

# %%
def inverse_time_decay(lr0, decay_rate, decay_steps, k, staircase=False):
    """lr0 / (1 + decay_rate * k / decay_steps), with k // decay_steps when staircase."""
    # BEGIN SOLUTION
    p = k // decay_steps if staircase else k / decay_steps
    return lr0 / (1 + decay_rate * p)
    # END SOLUTION

# %%
check("inverse_time_decay", inverse_time_decay)
