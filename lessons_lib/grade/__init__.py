"""The instructor's grader: ``python -m lessons_lib.grade SUBMISSIONS... --out report.csv [--json report.json]``.

Each submitted notebook runs in its own fresh process with memory, CPU and wall-clock limits
(:mod:`lessons_lib.grade._worker`). The exercises are then evaluated from this process: hidden inputs and expected
outputs are computed here, the submission's functions are only *called* in the sandbox and return plain numbers, so
redefining a checker, monkeypatching ``lessons_lib`` or faking equality in the notebook changes nothing. See
:func:`lessons_lib.grade.grader.grade_submission`.
"""
