# %% [markdown]
# # Exercises: Cosine, restarts and cycles
#
# Cosine annealing, Smith's triangular cycle and PyTorch's one-cycle schedule, exact at every boundary.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Cosine, restarts and cycles](../book/part2/09_cyclical.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import math

import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. Cosine annealing (clamped after T_max)
#
# Cosine annealing from $\eta_0$ down to $\eta_{\min}$ over $T$ updates, then held there (Keras's and optax's
# convention; PyTorch's `CosineAnnealingLR` would climb back up):
#
# $$\eta_k = \eta_{\min} + (\eta_0 - \eta_{\min})\, \frac{1 + \cos\!\left(\pi\, \min(k, T) / T\right)}{2} .$$

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
# ## 2. A triangular cyclical learning rate
#
# Smith's triangular cyclical rate: up from `base_lr` to `max_lr` over `step_size` updates, down again over
# the next `step_size`, and repeat. With $s$ = `step_size`:
#
# $$c = \left\lfloor 1 + \frac{k}{2s} \right\rfloor, \qquad x = \left| \frac{k}{s} - 2c + 1 \right|, \qquad
# \eta_k = \eta_{\text{base}} + (\eta_{\max} - \eta_{\text{base}}) \max(0, 1 - x) .$$

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
# ## 3. The one-cycle schedule (PyTorch's cos form)
#
# PyTorch's `OneCycleLR` (cos strategy, two phases). With $T$ = `total_steps`, $p$ = `pct_start`,
# $\eta_{\text{start}} = \eta_{\max} / \text{div\_factor}$ and $\eta_{\text{end}} = \eta_{\text{start}} / \text{final\_div\_factor}$,
# the rate anneals along half-cosines
#
# $$\text{anneal}(a, b, f) = b + \frac{a - b}{2}\,(1 + \cos \pi f)$$
#
# from $\eta_{\text{start}}$ up to $\eta_{\max}$ at $k_1 = pT - 1$, then down to $\eta_{\text{end}}$ at $k = T - 1$:
# $f = k / k_1$ in the first phase and $f = (k - k_1) / (T - 1 - k_1)$ in the second.

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

# %% [markdown]
# ## 4. Derive: a triangular cycle's rate
#
# A triangular cyclical schedule goes from `base_lr = 0.001` up to `max_lr = 0.006` in 2000 updates and back down in
# 2000. What is the rate at update 3000?

# %%
# BEGIN ANSWER
rate_3000 = 0.001 + (0.006 - 0.001) * 0.5  # halfway down the first cycle
# END ANSWER
check_answer("clr_rate_at", rate_3000)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("cyclical")

# %%
answers = {
    "cyc-cos": None,
    "cyc-tri": None,
    "cyc-onecycle": None,
    "cyc-torch-cos": None,
    "cyc-momentum": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("cyclical", question, answer)
