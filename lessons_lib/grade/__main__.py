import os
import sys

# `python -m` puts the current folder first on sys.path: when the instructor runs the grader from the submissions'
# folder, a learner's `numpy.py` there would be imported by the grader itself. Nothing the grader needs lives there.
_here = os.getcwd()
sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != _here]

from .grader import main  # noqa: E402

sys.exit(main())
