"""lessons_lib: the reference library of the course *Optimization for Machine Learning*.

Modules (each one idea, flowing one way):

- :mod:`lessons_lib.problems`   2-D test functions with analytic gradients, synthetic and bundled data sets
- :mod:`lessons_lib.optimizers` NumPy SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, NAdam, RAdam (torch.optim names)
- :mod:`lessons_lib.schedules`  learning-rate schedules ``s(k)`` with exact PyTorch and Keras equivalents
- :mod:`lessons_lib.train`      NumPy models with hand-written gradients and training loops
- :mod:`lessons_lib.plots`      the book's figures; :mod:`lessons_lib.widgets` the interactive explorers
- :mod:`lessons_lib.frameworks` the same optimizers and runs in PyTorch and Keras 3
- :mod:`lessons_lib.exercises`, :mod:`lessons_lib.quiz`, :mod:`lessons_lib.grade` practice and grading

Submodules are imported on demand (``from lessons_lib.optimizers import Adam``) so that importing the package
never pulls in PyTorch or TensorFlow.
"""

__version__ = "0.1.0"
