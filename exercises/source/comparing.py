# %% [markdown]
# # Exercises: Comparing optimizers fairly
#
# Gradient clipping by global norm, the safeguard that keeps comparisons from being decided by one exploding step.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
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

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. Gradient clipping by global norm
#
# Clip a list of gradients $g^{(1)}, \dots, g^{(J)}$ *together*, keeping their direction:
#
# $$\|g\| = \sqrt{\textstyle\sum_j \|g^{(j)}\|^2}, \qquad c = \min\!\left(1, \frac{\text{max\_norm}}{\|g\|}\right)
# \ (c = 1 \text{ when } \|g\| = 0), \qquad g^{(j)} \leftarrow c\, g^{(j)} .$$
#
# Return the clipped gradients as a tuple.

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

# %% [markdown]
# ## 2. Derive: the standard error of a mean over seeds
#
# An optimizer's test accuracy varies from seed to seed with a standard deviation of 0.8 points. You report its mean
# over 5 seeds. What is the standard error of that mean, in points?

# %%
# BEGIN ANSWER
standard_error = 0.8 / 5**0.5
# END ANSWER
check_answer("cmp_standard_error", standard_error)

# %% [markdown]
# ## 3. Predict, then run: the best of 20 equally good configurations
#
# Twenty configurations are, in truth, equally good; each validation score carries noise with a standard deviation
# of 1 point. You pick the one with the best validation score and score it again with fresh seeds. On average, is the
# fresh score `"lower"`, `"about the same"` or `"higher"` than the validation score it was chosen for? Commit, then
# run.

# %%
# BEGIN ANSWER
fresh = "lower"  # the winner was the luckiest, and luck does not repeat
# END ANSWER
check_answer("cmp_predict_best_of", fresh)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import cmp_selection_gap

print(f"mean (fresh - validation) score of the chosen configuration: {cmp_selection_gap():+.2f} points")

# %% [markdown]
# ## 4. Diagnose: which comparison is fair?

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import CMP_PROTOCOLS

for label, protocol in CMP_PROTOCOLS.items():
    print(f"{label}: {protocol}")

# %%
# BEGIN ANSWER
fair = "A"  # chosen on validation data, scored once with fresh seeds, the same tuning for both
# END ANSWER
check_answer("cmp_diagnose_protocol", fair)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("comparing")

# %%
answers = {
    "cmp-lr": None,
    "cmp-seeds": None,
    "cmp-tune-eval": None,
    "cmp-updates": None,
    "cmp-batch": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("comparing", question, answer)
