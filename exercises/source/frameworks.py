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

from lessons_lib.exercises import check, check_answer

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
# ## 2. Derive: StepLR stepped every batch
#
# `StepLR(optimizer, step_size=30, gamma=0.1)` with initial rate 0.1 was meant to be stepped once per epoch, but the
# training loop calls `scheduler.step()` after every batch, 100 batches per epoch. What is the rate after the first
# epoch?

# %%
# BEGIN ANSWER
after_one_epoch = 0.1 * 0.1 ** (100 // 30)
# END ANSWER
check_answer("fw_step_per_batch", after_one_epoch)

# %% [markdown]
# ## 3. Derive: OneCycleLR's first rate
#
# `OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)` with its defaults: what rate does the first update use?

# %%
# BEGIN ANSWER
first = 0.1 / 25  # initial_lr = max_lr / div_factor
# END ANSWER
check_answer("fw_onecycle_initial", first)

# %% [markdown]
# ## 4. Predict, then run: what Keras's `decay_steps` counts
#
# `keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.5)` is given to an optimizer that
# trains 10 epochs of 100 batches. At the end, is the rate `"halved"` or `"almost unchanged"`? Commit, then run.

# %%
# BEGIN ANSWER
keras_rate = "halved"  # the schedule counts optimizer iterations (batches): 1000 of them
# END ANSWER
check_answer("fw_predict_keras_units", keras_rate)

# %% no-grade
from lessons_lib.schedules import ExponentialDecay

print("rate after 1000 iterations:", float(ExponentialDecay(0.1, 0.5, 1000)(1000)))

# %% [markdown]
# ## 5. Debug: a step decay stepped in the wrong place
#
# A training loop uses PyTorch's `StepLR(step_size, gamma)`, meant per epoch. The function below lists the rate of
# every update (`batches_per_epoch` updates per epoch) the way the loop really runs it. Its author put
# `scheduler.step()` in the wrong place. Fix the function so that it gives the rates of the intended schedule: every
# update of epoch $e$ (from 0) uses $\eta_0\, \gamma^{\lfloor e / \text{step\_size} \rfloor}$.

# %%
def rates_per_update(lr0, gamma, step_size, epochs, batches_per_epoch):
    """The rate of every update: lr0 * gamma ** (epoch // step_size) for each update of each epoch."""
    # BEGIN FIX
    return np.array([lr0 * gamma ** (e // step_size) for e in range(epochs) for _ in range(batches_per_epoch)])
    # INSTEAD
    return np.array([lr0 * gamma ** (k // step_size) for k in range(epochs * batches_per_epoch)])
    # END FIX

# %%
check("rates_per_update", rates_per_update)

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
