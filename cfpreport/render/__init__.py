"""The report's renderers: HTML (Jinja), PDF (WeasyPrint, in a worker process), Word.

The names of the formats a build writes live here, not in :mod:`cfpreport.build`, so
that the command line can check ``--format`` without importing the build's libraries.
"""

FORMATS = ("pdf", "docx", "json", "html")
DEFAULT_FORMATS = ("pdf", "docx", "json")
