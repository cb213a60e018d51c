# %% [markdown]
# # Exercises: Warmup
#
# A linear warmup followed by cosine decay: the recipe of most transformer training runs.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Warmup](../book/part2/10_warmup.ipynb).

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
# ## 1. Linear warmup followed by cosine decay
#
# A linear warmup over $W$ updates from 0 to $\eta_{\text{peak}}$, then a cosine from $\eta_{\text{peak}}$ to 0
# over the remaining $T - W$ updates (held at 0 afterwards):
#
# $$\eta_k = \begin{cases} \eta_{\text{peak}}\, k / W & k < W \\[2pt]
# \eta_{\text{peak}}\, \dfrac{1 + \cos\!\left(\pi \min(k - W,\, T - W) / (T - W)\right)}{2} & k \ge W \end{cases}$$

# %%
def warmup_cosine(peak_lr, warmup_steps, total_steps, k):
    """peak_lr * k / warmup_steps for k < warmup_steps, then a cosine from peak_lr to 0 over the remaining updates."""
    # BEGIN SOLUTION
    if k < warmup_steps:
        return peak_lr * k / warmup_steps
    T = total_steps - warmup_steps
    kk = min(k - warmup_steps, T)
    return peak_lr * 0.5 * (1 + math.cos(math.pi * kk / T))
    # END SOLUTION

# %%
check("warmup_cosine", warmup_cosine)

# %% [markdown]
# ## 2. Derive: the rate in the middle of the cosine
#
# A linear warmup over 100 updates to the peak $10^{-3}$, then a cosine to 0 over the next 900 updates. What is the
# rate at update 550?

# %%
# BEGIN ANSWER
rate_550 = 1e-3 * (1 + math.cos(math.pi * (550 - 100) / 900)) / 2  # halfway through the cosine
# END ANSWER
check_answer("wu_rate_at", rate_550)

# %% [markdown]
# ## 3. Derive: the rate of the very first update
#
# A linear warmup from 0 to the peak 0.1 over 100 updates, $\eta_k = 0.1\, k / 100$ with $k$ counted from 0. What
# rate does the very first update use?

# %%
# BEGIN ANSWER
first_rate = 0.1 * 0 / 100  # the first update is wasted: start from a small positive rate instead
# END ANSWER
check_answer("wu_first_rate", first_rate)

# %% [markdown]
# ## 4. Predict, then run: can warmup rescue a rate above 2/L?
#
# Gradient descent on chapter 1's bowl (curvatures 10 and 1) diverges at the constant rate 0.23, above $2/L = 0.2$.
# With a linear warmup from 0 to 0.23 over 20 steps, does the run (200 steps) `"converges"` or `"diverges"`? Commit,
# then run.

# %%
# BEGIN ANSWER
with_warmup = "diverges"  # once the rate passes 2/L the steep direction grows again
# END ANSWER
check_answer("wu_predict_fixed_quadratic", with_warmup)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import wu_runs

for name, losses in wu_runs().items():
    print(f"{name:8s} loss at the start {losses[0]:.3g}, at the end of the run {losses[-1]:.3g} ({len(losses) - 1} steps)")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("warmup")

# %%
answers = {
    "wu-ramp": None,
    "wu-total": None,
    "wu-radam": None,
    "wu-why": None,
    "wu-optax": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("warmup", question, answer)
