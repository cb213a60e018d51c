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

from lessons_lib.exercises import check, check_answer

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
# ## 2. Derive: the noise floor of a constant rate
#
# SGD on the 1-D quadratic $f(x) = \tfrac12 h x^2$ with noisy gradients $h x + z$, $z \sim \mathcal N(0, \sigma^2)$,
# at a constant rate: $x \leftarrow (1 - \eta h) x - \eta z$. With $\eta = 0.1$, $h = 1$, $\sigma = 1$, what is the
# stationary variance of $x$ (the noise floor)?

# %%
# BEGIN ANSWER
floor = 0.1 * 1**2 / (1 * (2 - 0.1 * 1))  # V = (1 - eta h)^2 V + eta^2 sigma^2
# END ANSWER
check_answer("ws_noise_floor", floor)

# %% [markdown]
# ## 3. Predict, then run: halving the rate
#
# Same setting, with the rate halved to 0.05. Does the stationary variance `"roughly halves"`, `"quarters"` or
# `"does not change"`? Commit, then run a long simulation of both.

# %%
# BEGIN ANSWER
halved = "roughly halves"  # the floor is about eta sigma^2 / (2h): linear in the rate
# END ANSWER
check_answer("ws_predict_halve", halved)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import ws_stationary_variance

print(f"measured variance: rate 0.1 -> {ws_stationary_variance(0.1):.4f}, rate 0.05 -> {ws_stationary_variance(0.05):.4f}")

# %% [markdown]
# ## 4. Diagnose: which run has the smallest rate?
#
# Three runs of SGD at three constant rates on the same noisy quadratic, from the same start. Which label has the
# smallest rate?

# %% no-grade
import matplotlib.pyplot as plt

from lessons_lib.exercises.answers_parts_1_2 import ws_runs

fig, ax = plt.subplots(figsize=(6, 3.5))
for label, curve in ws_runs().items():
    ax.semilogy(curve, label=f"run {label}", lw=1)
ax.set(xlabel="step", ylabel="x squared")
ax.legend()
plt.show()

# %%
# BEGIN ANSWER
smallest_rate = "C"  # the slowest start and the lowest floor
# END ANSWER
check_answer("ws_diagnose_floor", smallest_rate)

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
