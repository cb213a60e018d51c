# %% [markdown]
# # Exercises: Do schedules matter?
#
# The measurement used to compare schedules: how many epochs until a target accuracy is reached.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Do schedules matter?](../book/part2/13_schedules_matter.ipynb).

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
# ## 1. Time to accuracy
#
# Given the accuracy after each epoch (`accuracies[0]` is the accuracy after epoch 1), return the number of the
# first epoch whose accuracy reaches the target (`>=`), counting epochs from 1 as the chapter does, or `math.inf`
# if it never does. So `[0.5, 0.9]` with target 0.9 gives 2. Do not modify the list you are given.

# %%
def time_to_accuracy(accuracies, target):
    """The first epoch, counted from 1, whose accuracy is >= target, or math.inf if it is never reached."""
    # BEGIN SOLUTION
    for epoch, a in enumerate(accuracies, start=1):
        if a >= target:
            return epoch
    return math.inf
    # END SOLUTION

# %%
check("time_to_accuracy", time_to_accuracy)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("schedules-matter")

# %%
answers = {
    "sm-fair": None,
    "sm-tta": None,
    "sm-budget": None,
    "sm-overlap": None,
    "sm-claim": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("schedules-matter", question, answer)
