# %% [markdown]
# # Exercises: Momentum and Nesterov
#
# PyTorch's form of the heavy ball and of Nesterov momentum, including the rule for the very first step.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Momentum and Nesterov](../book/part1/03_momentum.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. A momentum (heavy-ball) step, PyTorch's form
#
# PyTorch's heavy ball, with dampening $\tau$ and the 1-based update number $t$:
#
# $$b_t = \begin{cases} g_t & t = 1 \\ \mu\, b_{t-1} + (1 - \tau)\, g_t & t > 1 \end{cases}, \qquad
# \theta_t = \theta_{t-1} - \eta\, b_t .$$
#
# On the first update the buffer is the gradient itself (no dampening), whatever `buf` holds.
# Return `(theta, buf)`.

# %%
def momentum_step(theta, grad, buf, lr, momentum, t, dampening=0.0):
    """buf = g if t == 1 else momentum * buf + (1 - dampening) * g; return (theta - lr * buf, buf)."""
    # BEGIN SOLUTION
    buf = grad if t == 1 else momentum * buf + (1 - dampening) * grad
    return theta - lr * buf, buf
    # END SOLUTION

# %%
check("momentum_step", momentum_step)

# %% [markdown]
# ## 2. A Nesterov momentum step, PyTorch's form
#
# PyTorch's Nesterov momentum (no dampening):
#
# $$b_t = \begin{cases} g_t & t = 1 \\ \mu\, b_{t-1} + g_t & t > 1 \end{cases}, \qquad
# \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t) .$$
#
# Return `(theta, buf)`.

# %%
def nesterov_step(theta, grad, buf, lr, momentum, t):
    """buf = g if t == 1 else momentum * buf + g; return (theta - lr * (g + momentum * buf), buf)."""
    # BEGIN SOLUTION
    buf = grad if t == 1 else momentum * buf + grad
    return theta - lr * (grad + momentum * buf), buf
    # END SOLUTION

# %%
check("nesterov_step", nesterov_step)

# %% [markdown]
# ## 3. Derive: the step under a constant gradient
#
# SGD with learning rate 0.01 and momentum 0.9 (PyTorch's form, `buf = momentum * buf + g`) sees the same gradient
# $g = 1$ at every step. What size does its step settle at?

# %%
# BEGIN ANSWER
settled_step = 0.01 / (1 - 0.9)  # buf -> g / (1 - momentum)
# END ANSWER
check_answer("mom_terminal_step", settled_step)

# %% [markdown]
# ## 4. Predict, then run: overshooting along the shallow axis
#
# Gradient descent at rate 0.05 on the chapter's bowl (curvatures 10 and 1) starts at $(-4, 3)$. With momentum 0.9,
# does the shallow coordinate `"overshoots"` (cross 0 and come back) or `"approaches from one side"`? Commit, then
# run both runs.

# %%
# BEGIN ANSWER
shallow = "overshoots"  # the velocity accumulated over many steps carries it past the minimum
# END ANSWER
check_answer("mom_predict_overshoot", shallow)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import mom_runs

for name, x2 in mom_runs().items():
    print(f"{name:12s} smallest {x2.min():+.3f}, largest {x2.max():+.3f} (starts at {x2[0]:+.1f})")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("momentum")

# %%
answers = {
    "mom-steady": None,
    "mom-best": None,
    "mom-scaling": None,
    "mom-damp": None,
    "mom-keras": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("momentum", question, answer)
