# %% [markdown]
# # Exercises: Muon and Shampoo
#
# The Newton-Schulz iteration at the heart of Muon, and one Shampoo update of a weight matrix.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Muon and Shampoo](../book/part3/16_muon_and_shampoo.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. Newton-Schulz orthogonalisation
#
# Scale the matrix to Frobenius norm 1, then apply the iteration `steps` times:
#
# $$X_0 = G / \lVert G\rVert_F, \qquad X_{j+1} = a X_j + \big(b\, X_j X_j^\top + c\, (X_j X_j^\top)^2\big) X_j .$$
#
# Return $X_{\text{steps}}$ (same shape as `G`).

# %%
def newton_schulz(G, steps=5, coefficients=(3.4445, -4.7750, 2.0315)):
    """X = G / ||G||_F, then `steps` times X <- a X + (b X X^T + c (X X^T)^2) X."""
    # BEGIN SOLUTION
    a, b, c = coefficients
    X = G / np.linalg.norm(G)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X
    # END SOLUTION

# %%
check("newton_schulz", newton_schulz)

# %% [markdown]
# ## 2. One Shampoo update
#
# With statistics $L$ ($n \times n$) and $R$ ($m \times m$) and a gradient $G$ ($n \times m$):
#
# $$L \leftarrow L + G G^\top, \qquad R \leftarrow R + G^\top G, \qquad
# W \leftarrow W - \eta\, L^{-1/4}\, G\, R^{-1/4}.$$
#
# Compute the inverse fourth roots from an eigendecomposition (`np.linalg.eigh`): for a symmetric positive-definite
# $A = Q \Lambda Q^\top$, $A^{-1/4} = Q \Lambda^{-1/4} Q^\top$. Return `(W, L, R)`.

# %%
def shampoo_step(W, G, L, R, lr):
    """L += G G^T; R += G^T G; W -= lr L^(-1/4) G R^(-1/4) (inverse roots from eigh). Return (W, L, R)."""
    # BEGIN SOLUTION
    def inv_root(A, p):
        w, Q = np.linalg.eigh(A)
        return (Q * w ** (-1.0 / p)) @ Q.T

    L = L + G @ G.T
    R = R + G.T @ G
    return W - lr * inv_root(L, 4) @ G @ inv_root(R, 4), L, R
    # END SOLUTION

# %%
check("shampoo_step", shampoo_step)

# %% [markdown]
# ## 3. Derive: one Newton-Schulz step on a singular value
#
# Each Newton-Schulz step of Muon maps every singular value $s$ of the (normalised) update to
# $p(s) = a s + b s^3 + c s^5$ with $(a, b, c) = (3.4445, -4.775, 2.0315)$. What does one step make of $s = 0.5$?

# %%
# BEGIN ANSWER
p_half = 3.4445 * 0.5 - 4.775 * 0.5**3 + 2.0315 * 0.5**5
# END ANSWER
check_answer("ms_ns_polynomial", p_half)

# %% [markdown]
# ## 4. Predict, then run: what five Newton-Schulz steps do
#
# A 4 x 6 matrix has singular values 1, 0.6, 0.3 and 0.1. After Muon's five Newton-Schulz steps, are its singular
# values `"A"` all between 0.5 and 1.5, `"B"` the same as before (after normalising), or `"C"` all equal to 1 within
# $10^{-6}$? Commit, then run.

# %%
# BEGIN ANSWER
singular = "A"  # pushed towards 1, not exactly 1: the quintic trades exactness for speed
# END ANSWER
check_answer("ms_predict_singular", singular)

# %% no-grade
from lessons_lib.exercises.answers_parts_3_4 import ms_singular_values

before, after = ms_singular_values()
print("normalised:", before.round(3), "  after 5 steps:", after.round(3))

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("muon-and-shampoo")

# %%
answers = {
    "ms-poly": None,
    "ms-memory": None,
    "ms-scale": None,
    "ms-bias": None,
    "ms-rotate": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("muon-and-shampoo", question, answer)
