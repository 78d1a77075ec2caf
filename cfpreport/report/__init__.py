"""Step 3 of the pipeline: the format-neutral report model.

``facts`` formats the numbers once, ``statements`` decides what the report may claim,
the ``chapters*`` modules write the blocks of :mod:`~cfpreport.report.blocks` through the
``ModelWriter`` of :mod:`~cfpreport.report.model`; ``charts`` and ``drawing`` draw figures.
The renderers (:mod:`cfpreport.render`) read only this model.
"""
