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

from lessons_lib.exercises import check, check_answer

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
# ## 3. Derive: how much an old iterate still counts
#
# An exponential moving average with decay 0.99 is updated after every step, $a \leftarrow 0.99\, a + 0.01\,
# \theta$. What weight does it give, today, to the iterate from 100 steps ago?

# %%
# BEGIN ANSWER
weight = 0.01 * 0.99**100  # weight 1 - decay when it arrived, times decay for each of the 100 later updates
# END ANSWER
check_answer("avg_ema_weight", weight)

# %% [markdown]
# ## 4. Predict, then run: the last iterate or its average?
#
# SGD at a constant rate 0.1 runs 2,000 noisy steps on a quadratic bowl. Which is closer to the minimum at the end:
# `"last iterate"` or `"EMA"` (decay 0.99)? Commit, then run.

# %%
# BEGIN ANSWER
closer = "EMA"  # averaging cancels most of the noise cloud of a constant rate
# END ANSWER
check_answer("avg_predict_closer", closer)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import avg_distances

print({name: round(d, 3) for name, d in avg_distances().items()})

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
