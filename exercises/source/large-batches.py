# %% [markdown]
# # Exercises: Large batches
#
# The linear-scaling rule with its warmup, and LARS's layer-wise local learning rate: the two ideas of the chapter
# in a few lines each.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Large batches](../book/part3/15_large_batches.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. The linear-scaling rule with warmup
#
# A rate `base_lr` was tuned at batch `base_batch`. At batch `batch` the linear rule gives the peak rate
#
# $$\eta_{\text{peak}} = \eta_{\text{base}}\,\frac{B}{B_{\text{base}}},$$
#
# and Goyal et al.'s warmup reaches it linearly over `warmup_steps` updates, **starting from `base_lr`**: at the
# 0-based update index $k < W$ the rate is $\eta_{\text{base}} + (\eta_{\text{peak}} - \eta_{\text{base}})\,k/W$, and
# from $k = W$ on it is $\eta_{\text{peak}}$ (with $W = 0$, always $\eta_{\text{peak}}$). Return the rate of update
# `k` as a float.

# %%
def linear_scaled_lr(base_lr, base_batch, batch, warmup_steps, k):
    """The rate of update k: a linear warmup from base_lr to base_lr * batch / base_batch over warmup_steps."""
    # BEGIN SOLUTION
    peak = base_lr * batch / base_batch
    if k >= warmup_steps:
        return peak
    return base_lr + (peak - base_lr) * k / warmup_steps
    # END SOLUTION

# %%
check("linear_scaled_lr", linear_scaled_lr)

# %% [markdown]
# ## 2. LARS's local learning rate
#
# For one parameter tensor `w` (any shape) with gradient `g`, LARS scales the step by
#
# $$\rho = \gamma\,\frac{\lVert w\rVert}{\lVert g\rVert + \lambda\lVert w\rVert},$$
#
# with the norms of the **whole tensors** (one number per tensor), trust coefficient $\gamma$ and weight decay
# $\lambda$. Where $\lVert w\rVert = 0$ or the denominator is 0, return 1. Return a float.

# %%
def lars_local_lr(w, g, trust_coefficient=1e-3, weight_decay=0.0):
    """trust_coefficient * ||w|| / (||g|| + weight_decay * ||w||); 1 where ||w|| or the denominator is 0."""
    # BEGIN SOLUTION
    w_norm, g_norm = float(np.linalg.norm(w)), float(np.linalg.norm(g))
    denom = g_norm + weight_decay * w_norm
    if w_norm == 0 or denom == 0:
        return 1.0
    return trust_coefficient * w_norm / denom
    # END SOLUTION

# %%
check("lars_local_lr", lars_local_lr)

# %% [markdown]
# ## 3. Derive: one large step instead of two small ones
#
# On a 1-D quadratic with curvature $h = 2$, gradient descent with rate $\eta = 0.1$ multiplies the error by
# $1 - \eta h$ per step. A batch twice as large takes one step at rate $2\eta$ instead of two steps at $\eta$ (the
# linear-scaling rule, ignoring noise). By what factor does that one step multiply the error?

# %%
# BEGIN ANSWER
factor = 1 - 2 * 0.1 * 2  # against (1 - 0.1 * 2)**2 = 0.64 for the two small steps
# END ANSWER
check_answer("lb_one_large_step", factor)

# %% [markdown]
# ## 4. Predict, then run: doubling the batch and the rate
#
# Gradient descent on a quadratic with curvatures 4 and 1 converges at rate 0.4. Following the linear-scaling rule
# you double the batch and the rate, to 0.8. Does the run `"converges"` or `"diverges"`? Commit, then run.

# %%
# BEGIN ANSWER
doubled = "diverges"  # 0.8 > 2 / 4: past the stability limit
# END ANSWER
check_answer("lb_predict_doubled", doubled)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import lb_runs

for name, losses in lb_runs().items():
    print(f"{name:6s} loss at the start {losses[0]:.3g}, after 40 steps {losses[-1]:.3g}")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("large-batches")

# %%
answers = {
    "lb-warmup": None,
    "lb-lamb-step": None,
    "lb-lars-local": None,
    "lb-breaks": None,
    "lb-per-tensor": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("large-batches", question, answer)
