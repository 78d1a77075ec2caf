"""cfpreport: product carbon footprint reports from a YAML study file.

The public API: :func:`load_study`, :func:`calculate`, :func:`load_factor_set`
and, for whole reports, :func:`build_report` and (for many studies) :func:`run_batch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "build_report", "calculate", "load_factor_set", "load_study",
           "run_batch"]

if TYPE_CHECKING:
    from cfpreport.batch.runner import run_batch
    from cfpreport.build import build_report
    from cfpreport.calculation.calculate import calculate
    from cfpreport.calculation.factors import load_factor_set
    from cfpreport.input.loading import load_study

_LAZY = {
    "build_report": "cfpreport.build",
    "calculate": "cfpreport.calculation.calculate",
    "load_factor_set": "cfpreport.calculation.factors",
    "load_study": "cfpreport.input.loading",
    "run_batch": "cfpreport.batch.runner",
}


def __getattr__(name: str) -> Any:
    # Imported lazily so that `cfpreport --help` does not pay for pandas and WeasyPrint.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
