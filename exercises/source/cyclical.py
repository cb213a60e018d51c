# %% [markdown]
# # Exercises: Cosine, restarts and cycles
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
# ## Cosine annealing (clamped after T_max)
#
# `cosine_annealing(lr0, T_max, k, eta_min=0.0)`: eta_min + (lr0 - eta_min) * (1 + cos(pi * min(k, T_max) / T_max)) / 2.

# %%
def cosine_annealing(lr0, T_max, k, eta_min=0.0):
    """eta_min + (lr0 - eta_min) * (1 + cos(pi * min(k, T_max) / T_max)) / 2."""
    # BEGIN SOLUTION
    kk = min(k, T_max)
    return eta_min + (lr0 - eta_min) * 0.5 * (1 + math.cos(math.pi * kk / T_max))
    # END SOLUTION

# %%
check("cosine_annealing", cosine_annealing)

# %% [markdown]
# ## A triangular cyclical learning rate
#
# `triangular_clr(base_lr, max_lr, step_size, k)`: Smith's triangular policy: cycle = floor(1 + k / (2 step_size)), x = |k / step_size - 2 cycle + 1|, lr = base_lr + (max_lr - base_lr) * max(0, 1 - x).

# %%
def triangular_clr(base_lr, max_lr, step_size, k):
    """Smith's triangular policy: cycle = floor(1 + k / (2 step_size)), x = |k / step_size - 2 cycle + 1|, lr = base_lr + (max_lr - base_lr) * max(0, 1 - x)."""
    # BEGIN SOLUTION
    cycle = math.floor(1 + k / (2 * step_size))
    x = abs(k / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)
    # END SOLUTION

# %%
check("triangular_clr", triangular_clr)

# %% [markdown]
# ## The one-cycle schedule (PyTorch's cos form)
#
# `one_cycle(max_lr, total_steps, k, pct_start=0.3, div_factor=25.0, final_div_factor=10000.0)`: From max_lr/div_factor up to max_lr at k = pct_start*total_steps - 1, then down to max_lr/(div_factor*final_div_factor) at k = total_steps - 1, along half-cosines.

# %%
def one_cycle(max_lr, total_steps, k, pct_start=0.3, div_factor=25.0, final_div_factor=10000.0):
    """From max_lr/div_factor up to max_lr at k = pct_start*total_steps - 1, then down to max_lr/(div_factor*final_div_factor) at k = total_steps - 1, along half-cosines."""
    # BEGIN SOLUTION
    def anneal(start, end, frac):
        return end + (start - end) / 2 * (1 + math.cos(math.pi * frac))

    initial = max_lr / div_factor
    final = initial / final_div_factor
    peak = pct_start * total_steps - 1
    if k <= peak:
        return anneal(initial, max_lr, k / peak)
    return anneal(max_lr, final, (k - peak) / (total_steps - 1 - peak))
    # END SOLUTION

# %%
check("one_cycle", one_cycle)
