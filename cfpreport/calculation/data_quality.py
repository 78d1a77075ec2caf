"""Data-quality figures computed from a study's priced activities.

The primary-data share is the share of a footprint's emissions that come from
activities whose amounts are primary data (``data_type: primary``: measured or metered
at the company, not taken from a database or an estimate). PACT asks for it with each
footprint (Methodology 4.2.2); an uncertainty or data-quality chapter reuses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal


def primary_data_share(activities: Iterable[Mapping], stages: Iterable[str] | None = None
                       ) -> Decimal | None:
    """Return the percentage (0-100, full precision) of the emissions of ``activities``
    in ``stages`` (all stages when None) that come from primary data; None when they
    emit nothing, so that no share is claimed of a zero footprint.

    Each activity maps ``stage``, ``data_type`` and ``kgco2e``: a row of
    ``Results.activities`` (``to_dict("records")``) or an activity of the results JSON.
    Decimal sums of the floats' exact values, so the order of the rows does not matter.
    """
    wanted = None if stages is None else set(stages)
    total = primary = Decimal(0)
    for activity in activities:
        if wanted is not None and activity["stage"] not in wanted:
            continue
        emitted = Decimal(float(activity["kgco2e"]))
        total += emitted
        if activity["data_type"] == "primary":
            primary += emitted
    if total == 0:
        return None
    return primary * 100 / total
