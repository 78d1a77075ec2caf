"""Revisions of a report: their file names, the reports they replace, and what changed.

:mod:`.naming` names a revision's files; :mod:`.issued` reads an issued report (its
results JSON, or a final PDF's embedded study and results); :mod:`.compare` compares two
results documents, for the report's revision-history section and ``cfpreport diff``;
:mod:`.reissue` makes the next revision of an issued report.
"""
