# %% [markdown]
# # Exercises: Schedules and optimizers in PyTorch and Keras
#
# What the legacy Keras `decay=` argument really computed, so you can migrate it exactly.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Optimizers and schedules in PyTorch and Keras](../book/part2/12_frameworks.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## 1. What old Keras's decay= argument computed
#
# Keras 2's `Adam(lr=..., decay=...)` (and every optimizer's `decay=`) applied time-based decay per *batch*,
# with the iteration counter taken before its increment:
#
# $$\eta = \frac{\eta_0}{1 + d \cdot \text{iterations}} .$$
#
# Keras 3 ignores `decay=` with a warning; this function is what you must reproduce (with
# `InverseTimeDecay(η0, decay_steps=1, decay_rate=d)`) when you migrate old code.

# %%
def legacy_keras_decay_lr(lr, decay, iterations):
    """lr / (1 + decay * iterations), iterations counted in batches (before the increment)."""
    # BEGIN SOLUTION
    return lr / (1 + decay * iterations)
    # END SOLUTION

# %%
check("legacy_keras_decay", legacy_keras_decay_lr)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("frameworks")

# %%
answers = {
    "fw-order": None,
    "fw-lr": None,
    "fw-decay": None,
    "fw-schedule-callback": None,
    "fw-legacy": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("frameworks", question, answer)
