# %% [markdown]
# # Exercises: Averaging and schedule-free training
#
# One update of an exponential moving average of the weights, and one update of schedule-free SGD.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [No schedule: averaging and schedule-free training](../book/part3/17_averaging_and_schedule_free.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## 1. An exponential moving average of the weights
#
# `n_averaged` counts the iterates folded in so far. The first one is copied; after that
# $\bar\theta \leftarrow \delta\,\bar\theta + (1-\delta)\,\theta$. Return `(average, n_averaged + 1)`.

# %%
def ema_update(average, theta, decay, n_averaged):
    """Copy theta when n_averaged == 0, else decay * average + (1 - decay) * theta. Return (average, n)."""
    # BEGIN SOLUTION
    if n_averaged == 0:
        return theta.copy(), 1
    return decay * average + (1 - decay) * theta, n_averaged + 1
    # END SOLUTION

# %%
check("ema_update", ema_update)

# %% [markdown]
# ## 2. One schedule-free SGD update
#
# At update $t$ (counted from 1), with the gradient taken at $y$:
#
# $$z \leftarrow z - \eta\, g, \qquad x \leftarrow (1 - 1/t)\, x + z / t, \qquad y \leftarrow (1-\beta)\, z + \beta\, x.$$
#
# Return `(y, z, x)`.

# %%
def schedule_free_sgd_step(y, z, x, grad, lr, t, beta=0.9):
    """z <- z - lr grad; x <- (1 - 1/t) x + z / t; y <- (1 - beta) z + beta x. Return (y, z, x)."""
    # BEGIN SOLUTION
    z = z - lr * grad
    x = (1 - 1 / t) * x + z / t
    return (1 - beta) * z + beta * x, z, x
    # END SOLUTION

# %%
check("schedule_free_sgd_step", schedule_free_sgd_step)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("averaging")

# %%
answers = {
    "av-eval": None,
    "av-memory": None,
    "av-swa": None,
    "av-keras": None,
    "av-bn": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("averaging", question, answer)
