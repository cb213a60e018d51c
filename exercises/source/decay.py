# %% [markdown]
# # Exercises: Decay schedules
#
# Exponential and inverse-time decay as functions of the 0-based update index k, with and without a staircase.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Decay schedules](../book/part2/08_decay.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. Exponential decay with a staircase option
#
# Exponential decay of the 0-based update index $k$ (Keras's `ExponentialDecay`):
#
# $$\eta_k = \eta_0\, r^{k / D}, \qquad \text{or with a staircase} \quad \eta_k = \eta_0\, r^{\lfloor k / D \rfloor} .$$

# %%
def exponential_decay(lr0, decay_rate, decay_steps, k, staircase=False):
    """lr0 * decay_rate ** (k / decay_steps), or k // decay_steps when staircase."""
    # BEGIN SOLUTION
    p = k // decay_steps if staircase else k / decay_steps
    return lr0 * decay_rate**p
    # END SOLUTION

# %%
check("exponential_decay", exponential_decay)

# %% [markdown]
# ## 2. Inverse-time (time-based) decay
#
# Inverse-time (time-based) decay of the 0-based update index $k$ (Keras's `InverseTimeDecay`):
#
# $$\eta_k = \frac{\eta_0}{1 + r\, k / D}, \qquad \text{or with a staircase} \quad
# \eta_k = \frac{\eta_0}{1 + r \lfloor k / D \rfloor} .$$

# %%
def inverse_time_decay(lr0, decay_rate, decay_steps, k, staircase=False):
    """lr0 / (1 + decay_rate * k / decay_steps), with k // decay_steps when staircase."""
    # BEGIN SOLUTION
    p = k // decay_steps if staircase else k / decay_steps
    return lr0 / (1 + decay_rate * p)
    # END SOLUTION

# %%
check("inverse_time_decay", inverse_time_decay)

# %% [markdown]
# ## 4. Derive: a staircase rate
#
# `ExponentialDecay(lr0=0.1, decay_rate=0.5, decay_steps=10, staircase=True)`: what is the rate at update 25?

# %%
# BEGIN ANSWER
rate_25 = 0.1 * 0.5 ** (25 // 10)
# END ANSWER
check_answer("decay_staircase_value", rate_25)

# %% [markdown]
# ## 5. Predict: staircase or continuous, halfway through a period?
#
# `ExponentialDecay(0.1, decay_rate=0.5, decay_steps=10)`, once with `staircase=True` and once without. At update 15,
# which gives the larger rate: `"staircase"` or `"continuous"`?

# %%
# BEGIN ANSWER
larger = "staircase"  # one completed period (0.05) against 1.5 periods' worth (0.035)
# END ANSWER
check_answer("decay_predict_staircase", larger)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("decay")

# %%
answers = {
    "dec-step": None,
    "dec-exp": None,
    "dec-legacy": None,
    "dec-piecewise": None,
    "dec-poly": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("decay", question, answer)
