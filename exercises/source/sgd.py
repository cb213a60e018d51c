# %% [markdown]
# # Exercises: Stochastic and mini-batch gradient descent
#
# The loop that every training run is made of: shuffle, split into mini-batches, one update per batch.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Stochastic and mini-batch gradient descent](../book/part1/02_sgd.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. A mini-batch iterator
#
# Shuffle the indices $0, \dots, n-1$ with `np.random.default_rng(seed).permutation(n)`, then cut the
# shuffled order into consecutive batches of `batch_size` indices; the last batch may be smaller. Return the list of
# index arrays (a generator that yields them is fine too).

# %%
def minibatches(n, batch_size, seed):
    """Shuffle range(n) with np.random.default_rng(seed).permutation(n) and split it into consecutive batches of batch_size (the last may be smaller). Return the list of index arrays."""
    # BEGIN SOLUTION
    order = np.random.default_rng(seed).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
    # END SOLUTION

# %%
check("minibatches", minibatches)

# %% [markdown]
# ## 2. One epoch of mini-batch SGD for least squares
#
# One epoch of mini-batch SGD on least squares. For a batch $B$ the loss and its gradient are
#
# $$L_B(w) = \frac{1}{2|B|} \sum_{i \in B} (x_i^\top w - y_i)^2, \qquad
# \nabla L_B(w) = \frac{1}{|B|} X_B^\top (X_B w - y_B) .$$
#
# Make one update $w \leftarrow w - \eta \nabla L_B(w)$ per batch, in the order given by your
# `minibatches(len(y), batch_size, seed)`, and return the final $w$.

# %%
def sgd_epoch(w, X, y, lr, batch_size, seed):
    """Loss (1/2|B|) sum_i (x_i.w - y_i)^2 per batch; one update per batch from minibatches(n, batch_size, seed)."""
    # BEGIN SOLUTION
    for idx in minibatches(len(y), batch_size, seed):
        r = X[idx] @ w - y[idx]
        w = w - lr * X[idx].T @ r / len(idx)
    return w
    # END SOLUTION

# %%
check("sgd_epoch", sgd_epoch)

# %% [markdown]
# ## 3. Derive: updates per epoch
#
# A data set of 1,000 examples is trained with mini-batches of 64, keeping the last, smaller batch. How many updates
# does one epoch make?

# %%
# BEGIN ANSWER
updates = -(-1000 // 64)  # 15 full batches and one of 40 examples
# END ANSWER
check_answer("sgd_updates_per_epoch", updates)

# %% [markdown]
# ## 4. Predict, then run: which batch size ends closer?
#
# SGD at a constant rate 0.05 makes 300 updates on a least-squares problem, once with batches of 4 and once with
# batches of 64. Averaged over 20 seeds, which ends closer to the least-squares solution: `"batch 4"` or
# `"batch 64"`? Commit, then run.

# %%
# BEGIN ANSWER
closer = "batch 64"  # the noise cloud around the solution shrinks as the gradient's variance (1/B) falls
# END ANSWER
check_answer("sgd_predict_batch", closer)

# %% no-grade
from lessons_lib.exercises.answers_parts_1_2 import sgd_distances

print({name: round(d, 4) for name, d in sgd_distances().items()})

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("sgd")

# %%
answers = {
    "sgd-var": None,
    "sgd-updates": None,
    "sgd-floor": None,
    "sgd-standardize": None,
    "sgd-stats": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("sgd", question, answer)
