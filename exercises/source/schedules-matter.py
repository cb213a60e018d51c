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

from lessons_lib.exercises import check, check_answer

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
# ## 2. Derive: where warmup-stable-decay starts to decay
#
# A run of 10,000 updates uses warmup-stable-decay with the decay in the last 20% of the updates. At which update
# does the decay begin?

# %%
# BEGIN ANSWER
decay_start = 10_000 * (1 - 0.2)
# END ANSWER
check_answer("smat_decay_start", decay_start)

# %% [markdown]
# ## 3. Predict: is a 0.3-point difference real?
#
# Two schedules are each run with 5 seeds; their mean test accuracies differ by 0.3 points, and each seed's accuracy
# varies with a standard deviation of 0.5 points. Is the difference larger than two standard errors of the
# difference: `"yes"` or `"no"`?

# %%
# BEGIN ANSWER
significant = "no"  # the standard error of the difference is 0.5 * sqrt(2 / 5) = 0.32
# END ANSWER
check_answer("smat_predict_significant", significant)

# %% [markdown]
# ## 4. Diagnose: which curve is warmup-stable-decay?
#
# SGD on the same noisy quadratic under three schedules with the same peak rate: a cosine, warmup-stable-decay and a
# constant rate (the same noise in all three). Which label is warmup-stable-decay?

# %% no-grade
import matplotlib.pyplot as plt

from lessons_lib.exercises.answers_parts_1_2 import smat_runs

fig, ax = plt.subplots(figsize=(6, 3.5))
for label, curve in smat_runs().items():
    ax.semilogy(curve, label=f"run {label}", lw=1)
ax.set(xlabel="step", ylabel="x squared")
ax.legend()
plt.show()

# %%
# BEGIN ANSWER
wsd = "B"  # flat at the noise floor, then a steep drop in the final fifth
# END ANSWER
check_answer("smat_diagnose_wsd", wsd)

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
