# %% [markdown]
# # Exercises: Accumulation and data parallelism
#
# Two small functions that are the whole arithmetic of gradient accumulation and of an all-reduce.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [More data per step](../book/part4/18_data_parallel.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. Accumulating micro-batch gradients
#
# `micro_grads[j]` is the mean gradient over micro-batch $j$, which holds `micro_sizes[j]` examples. Return the
# mean gradient over all the examples together (the big batch's), $\sum_j g_j\, n_j / \sum_j n_j$.

# %%
def accumulate_gradients(micro_grads, micro_sizes):
    """The big batch's mean gradient from micro-batch mean gradients: sum_j g_j * n_j / sum(n)."""
    # BEGIN SOLUTION
    total = sum(micro_sizes)
    return sum(g * (n / total) for g, n in zip(micro_grads, micro_sizes))
    # END SOLUTION

# %%
check("accumulate_gradients", accumulate_gradients)

# %% [markdown]
# ## 2. What an all-reduce gives every rank
#
# `rank_grads[r][i]` is rank $r$'s gradient for parameter $i$ (each rank computed it on an equal shard). Return
# the list, one array per parameter, that `DistributedDataParallel` leaves on every rank after `backward()`.

# %%
def allreduce_mean(rank_grads):
    """rank_grads[r][i] is rank r's gradient for parameter i; return, per parameter, the mean over ranks."""
    # BEGIN SOLUTION
    return [sum(parts) / len(parts) for parts in zip(*rank_grads)]
    # END SOLUTION

# %%
check("allreduce_mean", allreduce_mean)

# %% [markdown]
# ## 3. Derive: the learning rate for a larger global batch
#
# A model was tuned at learning rate 0.1 with batches of 256. You now train it on 8 GPUs, each with a batch of 32,
# accumulating gradients over 4 micro-batches before every update. By the linear-scaling rule, what learning rate do
# you use (after warmup)?

# %%
# BEGIN ANSWER
scaled_lr = 0.1 * (8 * 32 * 4) / 256  # the global batch is 1024 examples, 4 times the base batch
# END ANSWER
check_answer("dp_scaled_lr", scaled_lr)

# %% [markdown]
# ## 4. Predict, then run: accumulating without dividing the loss
#
# A training loop accumulates gradients over 4 micro-batches, calling `loss.backward()` on each micro-batch's
# *mean* loss, but forgets to divide that loss by 4. Compared with one big batch of the same examples, the
# accumulated gradient is: `"the same"`, `"4 times larger"` or `"4 times smaller"`? Commit, then run the experiment.

# %%
# BEGIN ANSWER
undivided = "4 times larger"  # each micro-batch's mean-loss gradient already estimates the full gradient
# END ANSWER
check_answer("dp_predict_undivided", undivided)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import DP_MICRO, dp_accumulation_ratio

print(f"|sum of {DP_MICRO} micro-batch gradients| / |big-batch gradient| = {dp_accumulation_ratio():.4f}")

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("data-parallel")

# %%
answers = {
    "dp-undivided": None,
    "dp-global": None,
    "dp-twice": None,
    "dp-epoch": None,
    "dp-adam": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("data-parallel", question, answer)
