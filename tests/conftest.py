"""Shared pytest configuration: a non-interactive matplotlib backend and quiet TensorFlow.

The backend is chosen for this process only (``matplotlib.use``), not through ``MPLBACKEND``: the notebooks run
in kernels started from this process, and a non-interactive backend inherited there would leave the book
without figures.
"""

import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
