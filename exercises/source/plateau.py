# %% [markdown]
# # Exercises: Adaptive schedules: reduce on plateau
#
# The decision ReduceLROnPlateau makes after every epoch, with PyTorch's counting.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Adaptive schedules: reduce on plateau](../book/part2/11_plateau.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. The ReduceLROnPlateau decision (PyTorch's counting)
#
# One epoch of PyTorch's `ReduceLROnPlateau` (mode `min`, relative threshold, no cooldown). The epoch is an
# improvement if `metric < best * (1 - threshold)`; then `best = metric` and `num_bad = 0`, otherwise `num_bad`
# grows by one. When `num_bad > patience` (PyTorch cuts on the (patience+1)-th bad epoch; Keras one epoch earlier),
# the rate is multiplied by `factor` and `num_bad` is reset to 0. Return `(lr, best, num_bad)`.

# %%
def plateau_decision(lr, metric, best, num_bad, patience, factor=0.1, threshold=0.0001):
    """Mode 'min', relative threshold: improvement if metric < best * (1 - threshold); cut by factor when num_bad > patience. Return (lr, best, num_bad)."""
    # BEGIN SOLUTION
    if metric < best * (1 - threshold):
        best, num_bad = metric, 0
    else:
        num_bad += 1
    if num_bad > patience:
        lr, num_bad = lr * factor, 0
    return lr, best, num_bad
    # END SOLUTION

# %%
check("plateau_decision", plateau_decision)

# %% [markdown]
# ## 2. Derive: when the first cut comes
#
# PyTorch's `ReduceLROnPlateau(patience=2)` (mode min, relative threshold $10^{-4}$) receives these validation
# losses, one per epoch, epochs counted from 0: 1.0, 0.8, 0.7, 0.7, 0.72, 0.71, 0.69, 0.69. At which epoch does it
# first cut the rate?

# %%
# BEGIN ANSWER
first_cut = 5  # best 0.7 at epoch 2; epochs 3, 4, 5 are bad; 3 > patience 2
# END ANSWER
check_answer("plateau_first_cut", first_cut)

# %% [markdown]
# ## 3. Predict, then run: a tiny improvement
#
# The best validation loss so far is 1.0 and the next epoch gives 0.99995. With PyTorch's default relative threshold
# $10^{-4}$, is that `"an improvement"` or `"not an improvement"`? Commit, then run.

# %%
# BEGIN ANSWER
tiny = "not an improvement"  # it must be below 1.0 * (1 - 1e-4) = 0.9999
# END ANSWER
check_answer("plateau_predict_tiny_gain", tiny)

# %% no-grade
from lessons_lib.schedules import ReduceLROnPlateau

plateau = ReduceLROnPlateau(0.1, patience=0)
for loss in (1.0, 0.99995):
    plateau.step(loss)
print("cuts (0-based epochs):", plateau.cuts, "-> with patience 0, a cut means the epoch did not improve")

# %% [markdown]
# ## 4. Diagnose: which rate came from ReduceLROnPlateau?
#
# The top panel shows a validation loss, epoch by epoch; the bottom panel three learning-rate traces over the same
# epochs: step decay, exponential decay, and `ReduceLROnPlateau(patience=2, factor=0.1)` fed that validation loss.
# Which label is the plateau scheduler?

# %% no-grade
import matplotlib.pyplot as plt

from lessons_lib.exercises.answers_parts_1_2 import PL_CURVE, pl_traces

fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 5), sharex=True)
top.plot(PL_CURVE, "k.-")
top.set(ylabel="validation loss")
for label, rates in pl_traces().items():
    bottom.semilogy(rates, drawstyle="steps-post", label=f"rate {label}")
bottom.set(xlabel="epoch", ylabel="learning rate")
bottom.legend()
plt.show()

# %%
# BEGIN ANSWER
plateau_label = "B"  # its drops come a few epochs after each stall of the loss, not on a calendar
# END ANSWER
check_answer("plateau_diagnose_trace", plateau_label)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("plateau")

# %%
answers = {
    "pl-torch": None,
    "pl-keras": None,
    "pl-cooldown": None,
    "pl-threshold": None,
    "pl-early": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("plateau", question, answer)
