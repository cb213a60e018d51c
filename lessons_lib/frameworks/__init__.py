"""Exact PyTorch and Keras 3 equivalents of lessons_lib's optimizers, and the same run in all three frameworks."""

from .optimizers import (
    NoEquivalentError,
    keras_optimizer,
    keras_rounded,
    reference_optimizer,
    run_keras,
    run_lbfgs_numpy,
    run_lbfgs_torch,
    run_numpy,
    run_torch,
    torch_optimizer,
)

from .coverage import COVERAGE, Coverage, coverage_markdown, framework_classes
from .schedules import keras_lr_curve, torch_lr_curve

__all__ = ["torch_lr_curve", "keras_lr_curve", "torch_optimizer", "keras_optimizer", "reference_optimizer", "run_numpy", "run_torch", "run_keras", "keras_rounded",
           "run_lbfgs_numpy", "run_lbfgs_torch",
           "NoEquivalentError", "COVERAGE", "Coverage", "coverage_markdown", "framework_classes"]
