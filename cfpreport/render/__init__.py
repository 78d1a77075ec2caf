"""The report's renderers: HTML (Jinja), PDF (WeasyPrint, in a worker process), Word.

The names of the formats a build writes live here, not in :mod:`cfpreport.build`, so
that the command line can check ``--format`` without importing the build's libraries.
"""

from collections.abc import Iterable

FORMATS = ("pdf", "docx", "json", "html", "pact")
DEFAULT_FORMATS = ("pdf", "docx", "json")
#: Formats that write several files, by the ends of their names (the name of any other
#: format's file ends with ``.<format>``).
MULTI_FILE = {"pact": (".pact-v2.json", ".pact-v3.json")}


def format_of(name: str) -> str:
    """The format a file of a build belongs to: "T-1.zw32.pact-v2.json" -> "pact"."""
    for fmt, ends in MULTI_FILE.items():
        if name.endswith(ends):
            return fmt
    return name.rpartition(".")[2]


def output_keys(names: Iterable[str]) -> dict[str, str]:
    """Each file's key in a build's ``outputs``: its format, or for a format of several
    files (one per product), its file name."""
    return {name: name if format_of(name) in MULTI_FILE else format_of(name)
            for name in names}
