"""The instructor's grader: ``python -m lessons_lib.grade --chapter CHAPTER SUBMISSIONS... --out report.csv``.

Each submitted notebook runs in its own bubblewrap sandbox (:mod:`lessons_lib.grade.sandbox`, which documents what
the sandbox sees and the limits) running :mod:`lessons_lib.grade._worker`; the course's sources and answer key are
not in it. The exercises are evaluated from this process: hidden inputs (from a secret per-run seed) and expected
outputs are computed here, the submission's functions are only *called* in the sandbox and return plain numbers that
are validated before any comparison, so redefining a checker, monkeypatching ``lessons_lib``, faking equality or
reading files changes nothing. Each chapter is scored on its fixed list of exercises and quiz questions. See
:func:`lessons_lib.grade.grader.grade_submission`.
"""
