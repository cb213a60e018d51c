# %% [markdown]
# # Exercises: Comparing optimizers fairly
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!
#
# These exercises go with the chapter [Comparing optimizers fairly](../book/part1/06_comparing.ipynb).

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
# ## Gradient clipping by global norm
#
# `clip_by_global_norm(grads, max_norm)`: Scale all gradients by min(1, max_norm / global_norm); return them as a tuple.

# %%
def clip_by_global_norm(grads, max_norm):
    """Scale all gradients by min(1, max_norm / global_norm); return them as a tuple."""
    # BEGIN SOLUTION
    norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return tuple(g * scale for g in grads)
    # END SOLUTION

# %%
check("clip_by_global_norm", clip_by_global_norm)
