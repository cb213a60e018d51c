# %% [markdown]
# # Exercises: Adaptive learning rates: AdaGrad, RMSprop, Adadelta
#
# Per-coordinate step sizes from running sums and averages of squared gradients, with epsilon where PyTorch puts it.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Adaptive learning rates: AdaGrad, RMSprop, Adadelta](../book/part1/04_adaptive.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. An AdaGrad step
#
# AdaGrad accumulates squared gradients; PyTorch adds $\varepsilon$ *outside* the root:
#
# $$s_t = s_{t-1} + g_t^2, \qquad \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \varepsilon} .$$
#
# Return `(theta, s)`.

# %%
def adagrad_step(theta, grad, s, lr, eps=1e-10):
    """s = s + g**2; return (theta - lr * g / (sqrt(s) + eps), s)."""
    # BEGIN SOLUTION
    s = s + grad**2
    return theta - lr * grad / (np.sqrt(s) + eps), s
    # END SOLUTION

# %%
check("adagrad_step", adagrad_step)

# %% [markdown]
# ## 2. An RMSprop step
#
# RMSprop replaces AdaGrad's sum by an exponential average (PyTorch's form, $\varepsilon$ outside the root):
#
# $$v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2, \qquad \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{v_t} + \varepsilon} .$$
#
# Return `(theta, v)`.

# %%
def rmsprop_step(theta, grad, v, lr, alpha=0.99, eps=1e-08):
    """v = alpha * v + (1 - alpha) * g**2; return (theta - lr * g / (sqrt(v) + eps), v)."""
    # BEGIN SOLUTION
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / (np.sqrt(v) + eps), v
    # END SOLUTION

# %%
check("rmsprop_step", rmsprop_step)

# %% [markdown]
# ## 3. Derive: AdaGrad's fourth step
#
# AdaGrad with learning rate 0.1 (and a negligible epsilon) sees the gradient 2 on one coordinate at every step.
# What is the size of its fourth step?

# %%
# BEGIN ANSWER
fourth = 0.1 * 2 / (4 * 2**2) ** 0.5  # s = 4 g^2 after four gradients
# END ANSWER
check_answer("ada_fourth_step", fourth)

# %% [markdown]
# ## 4. Predict, then run: AdaGrad's 100th step
#
# Same setting. Compared with the first step, is the 100th step `"the same"`, `"10 times smaller"` or
# `"100 times smaller"`? Commit, then run.

# %%
# BEGIN ANSWER
hundredth = "10 times smaller"  # lr / sqrt(t)
# END ANSWER
check_answer("ada_predict_hundredth", hundredth)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import ada_steps

steps = ada_steps()
print(f"first step {steps[0]:.4f}, 100th step {steps[99]:.4f}, ratio {steps[0] / steps[99]:.2f}")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("adaptive")

# %%
answers = {
    "ada-adagrad": None,
    "ada-rms-first": None,
    "ada-shrink": None,
    "ada-rotate": None,
    "ada-eps": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("adaptive", question, answer)
