# %% [markdown]
# # Exercises: Warmup
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
# ## Linear warmup followed by cosine decay
#
# `warmup_cosine(peak_lr, warmup_steps, total_steps, k)`: peak_lr * k / warmup_steps for k < warmup_steps, then a cosine from peak_lr to 0 over the remaining updates.

# %%
def warmup_cosine(peak_lr, warmup_steps, total_steps, k):
    """peak_lr * k / warmup_steps for k < warmup_steps, then a cosine from peak_lr to 0 over the remaining updates."""
    # BEGIN SOLUTION
    if k < warmup_steps:
        return peak_lr * k / warmup_steps
    T = total_steps - warmup_steps
    kk = min(k - warmup_steps, T)
    return peak_lr * 0.5 * (1 + math.cos(math.pi * kk / T))
    # END SOLUTION

# %%
check("warmup_cosine", warmup_cosine)
