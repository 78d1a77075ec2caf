"""Build a whole catalogue at once: many studies, worker processes, a summary, and only
what changed rebuilt.

:func:`run_batch` (or :class:`Batch`, which also tells how many studies there are) is the
library call the ``cfpreport batch`` command wraps; it yields each study's
:class:`Outcome` as it is known. The studies are those :func:`cfpreport.input.sources.
find_studies` finds (study files, folders, workbooks' reports). The parts: :mod:`.inputs`
hashes what a report is made from, :mod:`.records` decides what to rebuild, :mod:`.work`
is the unit of work (a study in, its files' bytes out), :mod:`.pool` runs it in warm
worker processes, :mod:`.summary` writes ``summary.csv`` and ``summary.xlsx``,
:mod:`.progress` shows the progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Batch", "Outcome", "run_batch"]

if TYPE_CHECKING:
    from cfpreport.batch.runner import Batch, Outcome, run_batch


def __getattr__(name: str) -> Any:
    # Lazily: cfpreport.build imports cfpreport.batch.records, and the runner imports build.
    if name in __all__:
        from cfpreport.batch import runner

        return getattr(runner, name)
    raise AttributeError(name)
