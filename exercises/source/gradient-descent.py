# %% [markdown]
# # Exercises: Gradient descent
#
# The building blocks of every experiment in the book (the update itself, and a numerical gradient to check a
# hand-written one), a loop with a bug to find, and three questions to answer before and after running an experiment.
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

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. One gradient-descent step
#
# One update of gradient descent:
#
# $$\theta_t = \theta_{t-1} - \eta\, g_t .$$
#
# `theta` may be a vector or a matrix. Return the new parameters as a new array; leave `theta` unchanged (write
# `theta - lr * grad`, not `theta -= ...`), and keep its dtype (float32 in, float32 out).

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
# `x` may be a vector or a matrix (every entry is a coordinate). Return an array shaped like `x`. The error is
# $O(h^2)$, against $O(h)$ for one-sided differences.

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
# ## 3. Debug: a gradient-descent loop
#
# The function below should return the whole trajectory of gradient descent, $x_0$ = `x0` and
# $x_{t+1} = x_t - \eta\, \nabla f(x_t)$ for $t = 0, \dots,$ `steps` $- 1$, as an array of `steps + 1` rows. It
# runs without error, and on its first step it is even right, but its trajectories are wrong. Find the bug, fix it,
# and run the check. (Hint: print the gradient it uses at each step.)

# %%
def gd_run(grad_fn, x0, lr, steps):
    """The iterates x_0 = x0, x_{t+1} = x_t - lr * grad_fn(x_t) for t < steps, as a (steps + 1, dim) array."""
    x = np.array(x0, dtype=float)
    # BEGIN FIX
    path = [x]
    for _ in range(steps):
        x = x - lr * grad_fn(x)  # the gradient at the *current* point: it changes at every step
        path.append(x)
    # INSTEAD
    g = grad_fn(x)
    path = [x]
    for _ in range(steps):
        x = x - lr * g
        path.append(x)
    # END FIX
    return np.array(path)

# %%
check("gd_run", gd_run)

# %% [markdown]
# ## 4. Derive: the largest stable learning rate
#
# Gradient descent minimises $f(x) = \tfrac12 (10\, x_1^2 + x_2^2)$. Work out, on paper, the largest learning rate
# $\eta$ below which it converges from every starting point. (Write the update for each coordinate separately.)

# %%
# BEGIN ANSWER
stable_rate = 2 / 10  # x1 <- (1 - 10 eta) x1 shrinks only while |1 - 10 eta| < 1
# END ANSWER
check_answer("gd_stable_rate", stable_rate)

# %% [markdown]
# ## 5. Predict, then run: just above the limit
#
# Now take $\eta = 0.21$ on the same function, from $x_0 = (-4, 3)$, for 60 steps. **Before running the experiment**,
# predict: does the loss after 60 steps end above where it started (`"grows"`) or below (`"shrinks"`)? Record your
# prediction, then run the cell after it.

# %%
# BEGIN ANSWER
prediction = "grows"  # the steep coordinate is multiplied by 1 - 0.21 * 10 = -1.1 at every step
# END ANSWER
check_answer("gd_predict_above_limit", prediction)

# %% no-grade
from lessons_lib.exercises.answer_catalog import GD_PREDICT_RATE, gd_runs

losses = gd_runs({"run": GD_PREDICT_RATE})["run"]
print(f"loss at the start {losses[0]:.3g}, after 10 steps {losses[10]:.3g}, after 60 steps {losses[-1]:.3g}")

# %% [markdown]
# ## 6. Diagnose: which run is above the limit?
#
# The figure shows the loss of three runs of gradient descent on the same function, at three learning rates: a
# tiny one, one just below $2/L$ and one just above. Which label is the run above $2/L$?

# %% no-grade
import matplotlib.pyplot as plt

from lessons_lib.exercises.answer_catalog import GD_DIAGNOSE_RATES, gd_runs

fig, ax = plt.subplots(figsize=(6, 3.5))
for label, curve in gd_runs(GD_DIAGNOSE_RATES).items():
    ax.semilogy(curve, label=f"run {label}")
ax.set(xlabel="step", ylabel="loss")
ax.legend()
plt.show()

# %%
# BEGIN ANSWER
above_limit = "B"  # the only curve that ends higher than it started
# END ANSWER
check_answer("gd_diagnose_rate", above_limit)

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
