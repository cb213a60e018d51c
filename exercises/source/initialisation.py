# %% [markdown]
# # Exercises: Initialisation, normalisation and the effective learning rate
#
# The scale of Xavier and He initialisation, and the norm of a weight that a normalisation layer makes scale
# invariant, step by step.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter
# [Initialisation, normalisation and the effective learning rate](../book/part4/20_initialisation_and_normalisation.ipynb).

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
# ## 1. The scale of an initialisation
#
# A layer with `fan_in` inputs and `fan_out` outputs. Return the standard deviation of its initial weights for
# `distribution="normal"`, and the bound $b$ of $\mathcal U[-b, b]$ for `distribution="uniform"` (the bound whose
# samples have that same standard deviation):
#
# - `scheme="xavier"` (Glorot): $\sigma = \text{gain}\sqrt{2/(\text{fan\_in} + \text{fan\_out})}$;
# - `scheme="kaiming"` (He, fan-in mode): $\sigma = \text{gain}/\sqrt{\text{fan\_in}}$.
#
# With `gain=math.sqrt(2)` these are `torch.nn.init.kaiming_normal_(w, nonlinearity="relu")` and
# `kaiming_uniform_`; with the default gain 1, `xavier_normal_` and `xavier_uniform_`.

# %%
def init_scale(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    """std = gain * sqrt(2 / (fan_in + fan_out)) for 'xavier', gain / sqrt(fan_in) for 'kaiming'; return std
    for distribution='normal' and the bound sqrt(3) * std for 'uniform'."""
    # BEGIN SOLUTION
    if scheme == "xavier":
        std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    else:
        std = gain / math.sqrt(fan_in)
    return std if distribution == "normal" else math.sqrt(3.0) * std
    # END SOLUTION

# %%
check("init_scale", init_scale)

# %% [markdown]
# ## 2. The norm and effective learning rate of a scale-invariant weight
#
# A weight $w$ followed by batch normalisation is trained by PyTorch's SGD with learning rate `lr` and (coupled)
# `weight_decay` $\lambda$. Its gradient is orthogonal to $w$, so its squared norm $\rho_t = \lVert w_t\rVert^2$
# follows
#
# $$\rho_{t+1} = (1 - \eta\lambda)^2\rho_t + \eta^2 G_t^2/\rho_t,$$
#
# where $G_t^2$ (`unit_grad_sq_norms[t]`) is the squared norm of the gradient at the unit-norm point of the same
# direction. Starting from $\rho_0$ = `sq_norm0`, return two NumPy arrays of length $T + 1$: the squared norms
# $\rho_0, \dots, \rho_T$ and the effective learning rates $\eta/\rho_0, \dots, \eta/\rho_T$.

# %%
def effective_lr_history(sq_norm0, lr, weight_decay, unit_grad_sq_norms):
    """rho_{t+1} = (1 - lr*wd)**2 * rho_t + lr**2 * G2_t / rho_t from rho_0 = sq_norm0; return the arrays
    (rho_0..rho_T, lr / rho_0..lr / rho_T)."""
    # BEGIN SOLUTION
    rho = [float(sq_norm0)]
    for G2 in unit_grad_sq_norms:
        rho.append((1 - lr * weight_decay) ** 2 * rho[-1] + lr**2 * float(G2) / rho[-1])
    rho = np.array(rho)
    return rho, lr / rho
    # END SOLUTION

# %%
check("effective_lr_history", effective_lr_history)

# %% [markdown]
# ## 3. Derive: when a weight's norm doubles
#
# A weight matrix is followed by batch normalisation and trained with plain SGD at a fixed learning rate. During
# training its norm doubles. By what factor has its effective learning rate changed?

# %%
# BEGIN ANSWER
factor = 1 / 2**2  # eta / ||w||^2: twice the norm, a quarter of the rate
# END ANSWER
check_answer("init_norm_doubles", factor)

# %% [markdown]
# ## 4. Predict, then run: ReLU layers with gain 1
#
# A plain network of 20 ReLU layers of width 128 is initialised with $\sigma = 1/\sqrt{\text{fan\_in}}$ (gain 1,
# no correction for ReLU). From the first layer to the last, the RMS of the activations: `"A"` shrinks by more than
# 100 times, `"B"` stays within a factor 2, `"C"` grows by more than 100 times? Commit, then run.

# %%
# BEGIN ANSWER
signal = "A"  # each layer multiplies the RMS by about 1/sqrt(2): (1/sqrt(2))**19 is about 1/700
# END ANSWER
check_answer("init_predict_lecun_relu", signal)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import init_signal_ratio

print(f"last / first layer RMS: gain 1 {init_signal_ratio(1.0):.1e}, He's gain sqrt(2) {init_signal_ratio(2 ** 0.5):.2f}")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("initialisation")

# %%
answers = {
    "in-he": None,
    "in-xavier-bound": None,
    "in-eff": None,
    "in-equilibrium": None,
    "in-scale": None,
    "in-default": None,
    "in-groups": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("initialisation", question, answer)
