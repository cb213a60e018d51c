# %% [markdown]
# # Exercises: Gradient descent
#
# Two building blocks of every experiment in the book: the update itself, and a numerical gradient to check a hand-written one.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Gradient descent](../book/part1/01_gradient_descent.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## 1. One gradient-descent step
#
# One update of gradient descent:
#
# $$\theta_t = \theta_{t-1} - \eta\, g_t .$$
#
# Return the new parameters as a new array; leave `theta` unchanged (write `theta - lr * grad`, not `theta -= ...`),
# and keep its dtype (float32 in, float32 out).

# %%
def gd_step(theta, grad, lr):
    """Return theta - lr * grad."""
    # BEGIN SOLUTION
    return theta - lr * grad
    # END SOLUTION

# %%
check("gd_step", gd_step)

# %% [markdown]
# ## 2. A numerical gradient by central differences
#
# Central differences, one coordinate $i$ at a time ($e_i$ is the $i$-th unit vector):
#
# $$\frac{\partial f}{\partial x_i}(x) \approx \frac{f(x + h\,e_i) - f(x - h\,e_i)}{2h} .$$
#
# Return an array shaped like `x`. The error is $O(h^2)$, against $O(h)$ for one-sided differences.

# %%
def numerical_gradient(f, x, h=1e-06):
    """Central differences (f(x + h e_i) - f(x - h e_i)) / (2h) for every coordinate i."""
    # BEGIN SOLUTION
    g = np.zeros_like(x, dtype=float)
    for i in range(x.size):
        e = np.zeros_like(x, dtype=float)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g
    # END SOLUTION

# %%
check("numerical_gradient", numerical_gradient)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("gradient-descent")

# %%
answers = {
    "gd-limit": None,
    "gd-best": None,
    "gd-rate": None,
    "gd-kappa": None,
    "gd-check": None,
    "gd-saddle": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("gradient-descent", question, answer)
