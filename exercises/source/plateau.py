# %% [markdown]
# # Exercises: Adaptive schedules: reduce on plateau
#
# The decision ReduceLROnPlateau makes after every epoch, with PyTorch's counting.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Adaptive schedules: reduce on plateau](../book/part2/11_plateau.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## 1. The ReduceLROnPlateau decision (PyTorch's counting)
#
# One epoch of PyTorch's `ReduceLROnPlateau` (mode `min`, relative threshold, no cooldown). The epoch is an
# improvement if `metric < best * (1 - threshold)`; then `best = metric` and `num_bad = 0`, otherwise `num_bad`
# grows by one. When `num_bad > patience` (PyTorch cuts on the (patience+1)-th bad epoch; Keras one epoch earlier),
# the rate is multiplied by `factor` and `num_bad` is reset to 0. Return `(lr, best, num_bad)`.

# %%
def plateau_decision(lr, metric, best, num_bad, patience, factor=0.1, threshold=0.0001):
    """Mode 'min', relative threshold: improvement if metric < best * (1 - threshold); cut by factor when num_bad > patience. Return (lr, best, num_bad)."""
    # BEGIN SOLUTION
    if metric < best * (1 - threshold):
        best, num_bad = metric, 0
    else:
        num_bad += 1
    if num_bad > patience:
        lr, num_bad = lr * factor, 0
    return lr, best, num_bad
    # END SOLUTION

# %%
check("plateau_decision", plateau_decision)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("plateau")

# %%
answers = {
    "pl-torch": None,
    "pl-keras": None,
    "pl-cooldown": None,
    "pl-threshold": None,
    "pl-early": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("plateau", question, answer)
