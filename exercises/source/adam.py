# %% [markdown]
# # Exercises: Adam and its family
#
# Adam with its bias correction, and AdamW's decoupled weight decay.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Adam and its family](../book/part1/05_adam.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. An Adam step (returning the moments too)
#
# Adam (Kingma & Ba, Algorithm 1; PyTorch's form), for the 1-based update number $t$:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,$$
# $$\hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
# \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon} .$$
#
# Return `(theta, m, v)` with the raw moments $m_t, v_t$ (not the bias-corrected ones): they are the state that the
# next call receives.

# %%
def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08):
    """PyTorch's Adam: update m and v, bias-correct with t (1-based), return (theta, m, v)."""
    # BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    # END SOLUTION

# %%
check("adam_step", adam_step)

# %% [markdown]
# ## 2. An AdamW step (decoupled weight decay)
#
# AdamW decays the parameters directly, with the full learning rate, *before* the Adam step (PyTorch's order):
#
# $$\theta' = \theta_{t-1}\,(1 - \eta\lambda), \qquad \text{then the Adam step of the exercise above from } \theta' .$$
#
# This is not L2 regularization: the gradient $g_t$ is left alone. Return `(theta, m, v)`.

# %%
def adamw_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01):
    """theta = theta * (1 - lr * weight_decay), then the Adam step; return (theta, m, v)."""
    # BEGIN SOLUTION
    theta = theta * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    # END SOLUTION

# %%
check("adamw_step", adamw_step)

# %% [markdown]
# ## 3. Derive: Adam's first step without bias correction
#
# Adam with learning rate 0.001 and $\beta_1 = 0.9$, $\beta_2 = 0.999$ (negligible epsilon) takes its first step,
# but the implementation forgot the bias corrections: the step is $\eta\, m_1 / \sqrt{v_1}$. How large is it, for
# any nonzero gradient?

# %%
# BEGIN ANSWER
uncorrected = 0.001 * (1 - 0.9) / (1 - 0.999) ** 0.5  # m1 = (1 - b1) g, v1 = (1 - b2) g^2
# END ANSWER
check_answer("adam_uncorrected_first_step", uncorrected)

# %% [markdown]
# ## 4. Predict, then run: multiplying the loss by 1000
#
# You multiply your loss by 1000 (so every gradient is 1000 times larger) and take Adam's first step. Is the step
# `"unchanged"` or `"1000 times larger"`? Commit, then run.

# %%
# BEGIN ANSWER
scaled = "unchanged"  # m / sqrt(v) does not change when g is scaled (up to epsilon)
# END ANSWER
check_answer("adam_predict_scale", scaled)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import adam_first_steps

for name, step in adam_first_steps().items():
    print(f"gradient {name}: first step {step}")

# %% [markdown]
# ## 5. Debug: an Adam training loop
#
# The loop below should return Adam's iterates from `x0` (PyTorch's update: bias-corrected moments, step count
# $t = 1, 2, \dots$) as an array of `steps + 1` rows. It runs, and its first step is even right, but it does not
# train like Adam: its steps stay the same size whatever the gradients do. Find the bug, fix it, and run the check.

# %%
def adam_run(grad_fn, x0, steps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam's iterates from x0 (PyTorch's update, t = 1, 2, ...) as a (steps + 1, dim) array."""
    x = np.array(x0, dtype=float)
    # BEGIN FIX
    m, v, path = np.zeros_like(x), np.zeros_like(x), [x]  # the moments live across steps: create them once
    for t in range(1, steps + 1):
        g = grad_fn(x)
    # INSTEAD
    path = [x]
    for t in range(1, steps + 1):
        m, v = np.zeros_like(x), np.zeros_like(x)
        g = grad_fn(x)
    # END FIX
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        x = x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        path.append(x)
    return np.array(path)

# %%
check("adam_run", adam_run)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("adam")

# %%
answers = {
    "adam-nocorr": None,
    "adam-epshat": None,
    "adam-corr": None,
    "adam-amsgrad": None,
    "adam-adamw": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("adam", question, answer)
