# %% [markdown]
# # Exercises: Tuning
#
# Two rules behind a tuning budget: how many random trials a search needs, and when Optuna's median pruner stops a
# trial.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Tuning](../book/part4/22_tuning.ipynb).

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
# ## 1. Sizing a random search
#
# A random trial lands in the best fraction $q$ of the search space with probability $q$, independently of the
# others. Return the smallest integer $n \ge 1$ such that at least one of $n$ trials lands there with probability at
# least $p$, i.e. $1-(1-q)^n \ge p$ as computed in floating point. Work out the formula first: how does $n$ depend on
# the number of hyperparameters?

# %%
def trials_needed(q, p):
    """The smallest integer n >= 1 with 1 - (1 - q)**n >= p, as computed in floating point."""
    # BEGIN SOLUTION
    n = max(1, math.ceil(math.log1p(-p) / math.log1p(-q)))
    while n > 1 and 1 - (1 - q) ** (n - 1) >= p:  # guard against rounding on either side of the boundary
        n -= 1
    while 1 - (1 - q) ** n < p:
        n += 1
    return n
    # END SOLUTION

# %%
check("trials_needed", trials_needed)

# %% [markdown]
# ## 2. The median pruning rule
#
# A running trial has reported `values[0], ..., values[s]` (validation losses after epochs $0..s$, so
# $s$ = `len(values) - 1`). `completed` lists the reports of the trials that finished, each a list indexed by
# step (a trial that ran fewer epochs has a shorter list). Return `True` if Optuna's `MedianPruner` stops the
# trial now: the **best** value it has reported so far is strictly above the median of the completed trials' values
# **at step $s$**. Return `False` while fewer than `n_startup_trials` trials have completed, while
# $s <$ `n_warmup_steps`, or when no completed trial reached step $s$.

# %%
def median_prune(values, completed, n_startup_trials=5, n_warmup_steps=0):
    """True if the best of values is above the median of the completed trials' values at the same step."""
    # BEGIN SOLUTION
    step = len(values) - 1
    if not completed or len(completed) < n_startup_trials or step < n_warmup_steps:
        return False
    at_step = [float(c[step]) for c in completed if len(c) > step]
    if not at_step:
        return False
    return float(min(values)) > float(np.median(at_step))
    # END SOLUTION

# %%
check("median_prune", median_prune)

# %% [markdown]
# ## 3. Derive: moving along the valley
#
# On the chapter's task the best configuration found so far has momentum 0.9 and learning rate 0.1. You want to try
# momentum 0.99. Keeping the effective rate $\eta / (1 - \beta)$ fixed, what learning rate do you try?

# %%
# BEGIN ANSWER
new_lr = 0.1 * (1 - 0.99) / (1 - 0.9)  # 1 - momentum falls tenfold, so does the rate
# END ANSWER
check_answer("tune_momentum_rate", new_lr)

# %% [markdown]
# ## 4. Predict, then run: will 30 random trials find the best 5%?
#
# A random search runs 30 trials. Is the probability that at least one of them lands in the best 5% of the search
# space `"above 75%"` or `"below 75%"`? Commit, then run a simulation of 20,000 such searches.

# %%
# BEGIN ANSWER
hit = "above 75%"  # 1 - 0.95**30 = 0.785
# END ANSWER
check_answer("tune_predict_hit", hit)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import tune_simulated_hit_rate

print(f"simulated: {tune_simulated_hit_rate():.3f} of 20,000 searches of 30 trials hit the best 5%")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("tuning")

# %%
answers = {
    "tu-grid": None,
    "tu-random": None,
    "tu-median": None,
    "tu-momentum": None,
    "tu-default-pruner": None,
    "tu-storage": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("tuning", question, answer)
