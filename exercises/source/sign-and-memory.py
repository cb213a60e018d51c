# %% [markdown]
# # Exercises: Sign and memory
#
# Lion's update, and Adafactor's factored second moment: the two ideas of the chapter in a few lines each.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Sign and memory](../book/part3/14_sign_and_memory.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. One Lion update
#
# With momentum $m$, gradient $g$, learning rate $\eta$, betas $(\beta_1, \beta_2)$ and decoupled weight decay
# $\lambda$:
#
# $$c = \beta_1 m + (1-\beta_1) g, \qquad \theta \leftarrow \theta(1 - \eta\lambda) - \eta\,\operatorname{sign}(c),
# \qquad m \leftarrow \beta_2 m + (1-\beta_2) g.$$
#
# Return the new `(theta, m)`. `theta` may have any shape and dtype; keep both.

# %%
def lion_step(theta, m, g, lr, betas=(0.9, 0.99), weight_decay=0.0):
    """c = b1 m + (1 - b1) g; theta <- theta (1 - lr wd) - lr sign(c); m <- b2 m + (1 - b2) g. Return (theta, m)."""
    # BEGIN SOLUTION
    b1, b2 = betas
    theta = theta * (1 - lr * weight_decay) - lr * np.sign(b1 * m + (1 - b1) * g)
    return theta, b2 * m + (1 - b2) * g
    # END SOLUTION

# %%
check("lion_step", lion_step)

# %% [markdown]
# ## 2. Adafactor's factored second moment
#
# Given the mean of $g^2$ along each row (`row_mean`, length $n$) and along each column (`col_mean`, length $m$)
# of a weight matrix, return the $n \times m$ estimate
#
# $$\hat V = \frac{R\,C^\top}{\operatorname{mean}(R)}.$$

# %%
def factored_second_moment(row_mean, col_mean):
    """The n x m estimate outer(row_mean, col_mean) / mean(row_mean)."""
    # BEGIN SOLUTION
    return np.outer(row_mean, col_mean) / np.mean(row_mean)
    # END SOLUTION

# %%
check("factored_second_moment", factored_second_moment)

# %% [markdown]
# ## 3. Derive: Adamax's first step
#
# Adamax (PyTorch's defaults $\beta_1 = 0.9$, $\beta_2 = 0.999$, tiny $\epsilon$) with learning rate 0.002 takes its
# first step from $\theta = (0, 0)$ with the gradient $g = (3, -0.5)$. By how much does the first coordinate move
# (the absolute value)?

# %%
# BEGIN ANSWER
first_step = 0.002  # lr * (m / (1 - beta1)) / u = lr * g / |g|: a sign step of size lr
# END ANSWER
check_answer("sm_adamax_first_step", first_step)

# %% [markdown]
# ## 4. Predict, then run: Adamax after a gradient spike
#
# A coordinate's gradient is 1 at every step except one, where it is 100. Five steps after the spike, compared with
# five steps before it, is Adamax's step for that coordinate `"smaller"`, `"about the same"` or `"larger"`?
# Commit, then run.

# %%
# BEGIN ANSWER
after_spike = "smaller"  # u is a decaying maximum: it remembers the 100 for thousands of steps
# END ANSWER
check_answer("sm_predict_spike", after_spike)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import SM_SPIKE_AT, sm_adamax_steps

sizes = sm_adamax_steps()
print(f"step 5 before the spike {sizes[SM_SPIKE_AT - 5]:.2e}, 5 after {sizes[SM_SPIKE_AT + 5]:.2e}, "
      f"15 after {sizes[SM_SPIKE_AT + 15]:.2e}")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("sign-and-memory")

# %%
answers = {
    "sm3-adam-first": None,
    "sm3-lion-lr": None,
    "sm3-factored": None,
    "sm3-exact": None,
    "sm3-adamax": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("sign-and-memory", question, answer)
