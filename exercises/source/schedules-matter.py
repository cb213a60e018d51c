# %% [markdown]
# # Exercises: Do schedules matter?
#

# Write each function below, run its cell, then run the check under it. The check runs your function on public and hidden
# cases and tells you what is wrong, naming the mistake when it is a common one. A collapsed solution follows
# each exercise: try first!

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import math

import numpy as np

from lessons_lib.exercises import check

# %% [markdown]
# ## Time to accuracy
#
# `time_to_accuracy(accuracies, target)`: 0-based index of the first accuracy >= target, or -1 if it is never reached.

# %%
def time_to_accuracy(accuracies, target):
    """0-based index of the first accuracy >= target, or -1 if it is never reached."""
    # BEGIN SOLUTION
    for i, a in enumerate(accuracies):
        if a >= target:
            return i
    return -1
    # END SOLUTION

# %%
check("time_to_accuracy", time_to_accuracy)
