# %% [markdown]
# # Exercises: Capstone, training a small Transformer
#
# Two pieces of the training recipe, written out: the warmup-stable-decay schedule, and the size of Adam's first
# updates (the reason a post-norm Transformer needs warmup).
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Capstone: training a small Transformer](../book/part4/23_capstone.ipynb).

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
# ## 1. Warmup-stable-decay (WSD)
#
# A WSD schedule warms up linearly, holds the peak rate, and decays linearly to zero over the last `decay_steps`
# updates. With $k$ the 0-based update index, $W$ the warmup length, $D$ the decay length and $T$ the total:
#
# $$\eta_k = \begin{cases} \eta\,(k+1)/W & k < W \\ \eta & W \le k < T - D \\ \eta\,(T - k)/D & T - D \le k < T \\
# 0 & k \ge T \end{cases}$$
#
# (the warmup in the chapter's convention, `LambdaLR` with `(step + 1) / W`: the first update already moves).
# When $W \ge T - D$ there is no stable phase and the decay starts where the warmup ends.

# %%
def wsd_lr(peak_lr, warmup_steps, decay_steps, total_steps, k):
    """The warmup-stable-decay learning rate of update k (0-based)."""
    # BEGIN SOLUTION
    if k >= total_steps:
        return 0.0
    if k < warmup_steps:
        return peak_lr * (k + 1) / warmup_steps
    if k >= total_steps - decay_steps:
        return peak_lr * (total_steps - k) / decay_steps
    return peak_lr
    # END SOLUTION

# %%
check("wsd_lr", wsd_lr)

# %% [markdown]
# ## 2. How large Adam's first updates are
#
# `grads` has shape `(T, P)`: the gradients of `P` weights over `T` steps. Run Adam in PyTorch's form from
# $m = v = 0$ ($m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
# $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$, $t$ from 1) and return, for each step, the root mean
# square of the update $u = \eta\,\hat m/(\sqrt{\hat v} + \epsilon)$ over the `P` weights. Try it on gradients of
# size $10^{-6}$ and $10^{3}$: the first update has size about $\eta$ either way.

# %%
def adam_update_rms(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """The root-mean-square size of each of Adam's updates, an array of length T."""
    # BEGIN SOLUTION
    g = np.asarray(grads, dtype=np.float64)
    m, v, out = np.zeros(g.shape[1]), np.zeros(g.shape[1]), []
    for t, gt in enumerate(g, start=1):
        m = beta1 * m + (1 - beta1) * gt
        v = beta2 * v + (1 - beta2) * gt * gt
        u = lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        out.append(math.sqrt(float(np.mean(u * u))))
    return np.array(out)
    # END SOLUTION

# %%
check("adam_update_rms", adam_update_rms)

# %% [markdown]
# ## 3. Derive: the first update's rate under this chapter's warmup
#
# The chapter's warmup multiplies the peak rate by $(k + 1) / W$ at update $k$ (counted from 0). With the peak 0.02
# and $W = 100$, what rate does the very first update use?

# %%
# BEGIN ANSWER
first_rate = 0.02 * (0 + 1) / 100
# END ANSWER
check_answer("cap_first_warmup_rate", first_rate)

# %% [markdown]
# ## 4. Predict, then run: Adam's first update for a tiny and a huge gradient
#
# Adam with rate 0.01 takes its first step on two weights whose gradients are $10^{-4}$ and 50. Are the two updates
# `"both about lr"` or `"proportional to the gradient"`? Commit, then run.

# %%
# BEGIN ANSWER
first_updates = "both about lr"  # m_hat / sqrt(v_hat) = g / |g| on the first step
# END ANSWER
check_answer("cap_predict_adam_first", first_updates)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import cap_first_adam_step

print("first updates:", cap_first_adam_step())

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("capstone")

# %%
answers = {
    "cap-uniform": None,
    "cap-adam-first": None,
    "cap-cosine": None,
    "cap-order": None,
    "cap-stall": None,
    "cap-ema": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("capstone", question, answer)
