# %% [markdown]
# # Exercises: Warmup
#
# A linear warmup followed by cosine decay: the recipe of most transformer training runs.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Warmup](../book/part2/10_warmup.ipynb).

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
# ## 1. Linear warmup followed by cosine decay
#
# A linear warmup over $W$ updates from 0 to $\eta_{\text{peak}}$, then a cosine from $\eta_{\text{peak}}$ to 0
# over the remaining $T - W$ updates (held at 0 afterwards):
#
# $$\eta_k = \begin{cases} \eta_{\text{peak}}\, k / W & k < W \\[2pt]
# \eta_{\text{peak}}\, \dfrac{1 + \cos\!\left(\pi \min(k - W,\, T - W) / (T - W)\right)}{2} & k \ge W \end{cases}$$

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

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("warmup")

# %%
answers = {
    "wu-ramp": None,
    "wu-total": None,
    "wu-radam": None,
    "wu-why": None,
    "wu-optax": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("warmup", question, answer)
