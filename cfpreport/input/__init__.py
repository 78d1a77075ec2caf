"""Step 1 of the pipeline: read a study file, validate it, and say what it lacks.

``loading`` turns YAML into a :class:`~cfpreport.input.study.Study` (every problem located
by line and field), ``checks`` ties it to a factor set, ``study_warnings`` and
``content_warnings`` list what the client's report will print as "/" or 未评估.
"""
