# %% [markdown]
# # Exercises: Stability and clipping
#
# The two kinds of norm clipping that PyTorch and Keras offer, written out.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Stability](../book/part4/19_stability.ipynb).

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
# ## 1. Clipping by global norm
#
# `grads` is a list of arrays (one per parameter tensor). With $\lVert g\rVert$ the norm of all their entries
# together, return the list scaled by $\min(1, c / \lVert g\rVert)$ (unchanged when the norm is 0), as
# `torch.nn.utils.clip_grad_norm_` does (without its $10^{-6}$) and Keras's `global_clipnorm`.

# %%
def clip_global_norm(grads, max_norm):
    """Scale every tensor by min(1, max_norm / norm), norm = sqrt(sum of all squared entries); 0 stays 0."""
    # BEGIN SOLUTION
    norm = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads]
    # END SOLUTION

# %%
check("clip_global_norm", clip_global_norm)

# %% [markdown]
# ## 2. Clipping each tensor (Keras `clipnorm`)
#
# Scale each tensor on its own to norm at most $c$: $g \cdot c / \max(\lVert g\rVert, c)$.

# %%
def clip_each_tensor(grads, max_norm):
    """Each tensor g scaled to norm at most max_norm: g * max_norm / max(||g||, max_norm)."""
    # BEGIN SOLUTION
    return [g * (max_norm / max(float(np.linalg.norm(g)), max_norm)) for g in grads]
    # END SOLUTION

# %%
check("clip_each_tensor", clip_each_tensor)

# %% [markdown]
# ## 3. Derive: where the sharpness settles
#
# Full-batch gradient descent trains a network with learning rate $\eta = 0.05$. The sharpness (the top eigenvalue of
# the Hessian) rises during training and then stops rising. At what value does it settle?

# %%
# BEGIN ANSWER
edge = 2 / 0.05  # the edge of stability, 2 / eta
# END ANSWER
check_answer("stab_edge", edge)

# %% [markdown]
# ## 4. Diagnose: which clipping keeps the direction?
#
# A gradient has two tensors, $(3, 4)$ and $(0, 12)$. It is clipped at 6.5 in three ways: by value, per tensor and
# by global norm. The printout shows the three results under the labels A, B, C. Which label keeps the direction of
# the whole update?

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import stab_clipped

for label, clipped in stab_clipped().items():
    print(label, {name: g.round(3).tolist() for name, g in clipped.items()})

# %%
# BEGIN ANSWER
keeps_direction = "C"  # every entry halved: one factor for all tensors (global norm 13 -> 6.5)
# END ANSWER
check_answer("stab_diagnose_global", keeps_direction)

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("stability")

# %%
answers = {
    "st-limit": None,
    "st-global": None,
    "st-per": None,
    "st-order": None,
    "st-hide": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("stability", question, answer)
