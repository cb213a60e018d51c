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

from lessons_lib.exercises import check

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
