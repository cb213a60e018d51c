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

from lessons_lib.exercises import check

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
