"""Step 2 of the pipeline: price a study with a factor set, at full precision.

``factors`` loads the versioned factor sets, ``units`` converts amounts, ``calculate``
computes activities, stages and totals (pandas), ``rounding`` makes the shown digits,
``results_json`` writes the machine-readable results.
"""
