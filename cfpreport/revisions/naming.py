"""The file stem of a report: its number, and ``-R<n>`` from revision 2 on.

Revision 1 (and 0, a pre-issue draft) is the original and keeps the bare number, so
the files of reports issued before revisions existed keep their names; revision 2 of
T4100013 is ``T4100013-R2.pdf``, beside the original's ``T4100013.pdf``. The stem names
a report's files, its lock and its build record everywhere (build, batch, output).
"""

from __future__ import annotations


def report_stem(number: str, revision: int | None) -> str:
    """``T4100013`` for the original, ``T4100013-R2`` for revision 2."""
    return f"{number}-R{revision}" if revision is not None and revision > 1 else number


def is_revised(revision: int | None) -> bool:
    """Whether a report is a revision of an issued one (revision 2 or later)."""
    return revision is not None and revision > 1
