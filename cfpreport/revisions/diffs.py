"""The two comparisons ``cfpreport diff`` makes, each from results documents.

* a study priced with one factor set against the same study priced with another;
* an issued report (its results JSON, or a final PDF's embedded results) against a study
  as it is now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfpreport.revisions.compare import Comparison, compare


def priced(study: str | Path, factor_set: str | None) -> dict[str, Any]:
    """The results document of a study priced with ``factor_set`` (None: its own)."""
    from cfpreport.calculation.results_json import results_document
    from cfpreport.pipeline import load_and_calculate

    calculated = load_and_calculate(study, factor_set)
    return results_document(calculated.study, calculated.results)


def compare_sets(study: str | Path, old_set: str | None, new_set: str | None) -> Comparison:
    """The study priced with ``old_set`` against it priced with ``new_set`` (None: the
    study's own set)."""
    return compare(priced(study, old_set), priced(study, new_set))


def compare_issued(issued: str | Path, study: str | Path, factor_set: str | None = None
                   ) -> Comparison:
    """An issued report's results against the study as it is now (priced with its own
    set, or ``factor_set``)."""
    from cfpreport.revisions.issued import read_results

    return compare(read_results(issued), priced(study, factor_set))
