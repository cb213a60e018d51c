# %% [markdown]
# # Exercises: Precision and loss scaling
#
# The gap between neighbouring numbers of a floating-point format, and the dynamic loss-scale rule of
# `torch.amp.GradScaler` and Keras's `LossScaleOptimizer`, written out.
#
# Write each function, run its cell, then run the check below it. The check runs your function on
# public and hidden cases, tells you what is wrong and names the mistake when it is a common one. A collapsed
# solution follows each exercise: try first!
#
# These exercises go with the chapter [Precision](../book/part4/21_precision.ipynb).

# %% remove-cell
# Setup: runs locally and in Colab (where it first installs the course library).
import importlib.util
if importlib.util.find_spec("lessons_lib") is None:
    %pip install -q "lessons_lib @ git+https://github.com/optim-textbook/optim-textbook"

# %%
import numpy as np

from lessons_lib.exercises import check, check_answer

# %% [markdown]
# ## 1. The gap between neighbouring numbers (one ulp)
#
# A format with $p$ stored mantissa bits and smallest normal exponent $e_{\min}$ has, at a value $x$, the gap
# $\mathrm{ulp}(x) = 2^{\max(\lfloor \log_2 |x| \rfloor,\ e_{\min}) - p}$ to its neighbours (at $x = 0$:
# $2^{e_{\min} - p}$, the smallest subnormal). Use $(p, e_{\min}) = (23, -126)$ for `"float32"`, $(10, -14)$ for
# `"float16"` and $(7, -126)$ for `"bfloat16"`. `x` is an array (float64 or float32) of finite values within the
# format's range, possibly 0 or negative; return a float64 array. `np.frexp` gives $\lfloor \log_2|x| \rfloor$
# exactly (as its exponent minus 1).

# %%
def ulp(x, fmt):
    """2^(max(floor(log2|x|), e_min) - p) elementwise; at x = 0, 2^(e_min - p)."""
    # BEGIN SOLUTION
    p, e_min = {"float32": (23, -126), "float16": (10, -14), "bfloat16": (7, -126)}[fmt]
    a = np.abs(np.asarray(x, dtype=np.float64))
    _, e = np.frexp(a)
    exponent = np.where(a > 0, e - 1, e_min)
    return np.ldexp(1.0, np.maximum(exponent, e_min) - p)
    # END SOLUTION

# %%
check("ulp", ulp)

# %% [markdown]
# An update $\delta$ to a weight $w$ stored in the format is lost when $|\delta| < \mathrm{ulp}(w)/2$. Try
# `ulp(np.array([1.0]), "bfloat16") / 2` against an update of `1e-3`.
#
# ## 2. Dynamic loss scaling, step by step
#
# `found_inf[i]` says whether step `i`'s gradients overflowed. Return `(scales, applied)`: `scales[i]` is the scale
# step `i`'s loss was multiplied by (a float array), `applied[i]` is `1` if the step was applied and `0` if it was
# skipped (an integer array). The rule, as in `torch.amp.GradScaler`: on an overflow, skip the step, multiply the
# scale by `backoff_factor` and reset the count of good steps to 0; on a finite step, apply it and add one to the
# count; when the count reaches `growth_interval`, multiply the scale by `growth_factor` and reset the count.

# %%
def loss_scale_sequence(found_inf, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    """Return (scales, applied) as described above."""
    # BEGIN SOLUTION
    scale, good, scales, applied = float(init_scale), 0, [], []
    for flag in found_inf:
        scales.append(scale)
        applied.append(0 if flag else 1)
        if flag:
            scale, good = scale * backoff_factor, 0
        else:
            good += 1
            if good == growth_interval:
                scale, good = scale * growth_factor, 0
    return np.array(scales, dtype=float), np.array(applied, dtype=int)
    # END SOLUTION

# %%
check("loss_scale_sequence", loss_scale_sequence)

# %% [markdown]
# ## 3. Derive: the gap after 1 in bfloat16
#
# bfloat16 stores 7 bits of mantissa after the leading 1. What is the distance between 1 and the next larger
# bfloat16 number?

# %%
# BEGIN ANSWER
gap = 2.0**-7  # numbers between 1 and 2 are 1 + k / 2**7
# END ANSWER
check_answer("prec_bf16_gap", gap)

# %% [markdown]
# ## 4. Predict, then run: a small update to a large float16 weight
#
# A weight stored in float16 has the value 256. The optimizer adds 0.1 to it. Is the stored weight afterwards
# `"unchanged"` or `"changed"`? Commit, then run.

# %%
# BEGIN ANSWER
after_update = "unchanged"  # float16's gap at 256 is 0.25: 0.1 is less than half of it
# END ANSWER
check_answer("prec_predict_update", after_update)

# %% no-grade
import numpy as np

w = np.float16(256.0)
print("float16:", w + np.float16(0.1), "  float32:", np.float32(256.0) + np.float32(0.1))

# %% [markdown]
# ## Quiz (for a graded course)
#
# The chapter's quiz, printed without its instant feedback. For practice, use the interactive quiz at the end of the
# chapter instead. In a graded course: fill in `answers` (an option's number, or a number) and run the cell; the
# instructor's grader collects what `record_answer` records.

# %%
from lessons_lib.quiz import print_questions, record_answer

print_questions("precision")

# %%
answers = {
    "pr-eps": None,
    "pr-lost": None,
    "pr-adam": None,
    "pr-scale": None,
    "pr-policy": None,
    "pr-master": None,
}
for question, answer in answers.items():
    if answer is not None:
        record_answer("precision", question, answer)
