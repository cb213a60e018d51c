# %% [markdown]
# # Exercises: Why schedule the learning rate
#
# The simplest schedule, and the 0-based epoch index that decides when its drops happen.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Why schedule the learning rate](../book/part2/07_why_schedules.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## 1. Step decay per epoch
#
# Multiply the rate by $\gamma$ every `step_size` epochs, the epoch $e$ counted from 0 (PyTorch's `StepLR`
# stepped once per epoch):
#
# $$\eta_e = \eta_0\, \gamma^{\lfloor e / s \rfloor} .$$
#
# With `step_size = 10`, epochs 0 to 9 use $\eta_0$ and epoch 10 is the first with $\eta_0\gamma$.

# %%
def step_decay(lr0, gamma, step_size, epoch):
    """lr0 * gamma ** (epoch // step_size), epoch 0-based."""
    # BEGIN SOLUTION
    return lr0 * gamma ** (epoch // step_size)
    # END SOLUTION

# %%
check("step_decay", step_decay)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("why-schedules")

# %%
answers = {
    "why-spe": None,
    "why-decay-steps": None,
    "why-order": None,
    "why-floor": None,
    "why-callback": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("why-schedules", question, answer)
