"""Display rounding: the one place where full-precision results become printed digits.

Numbers are handled as integer counts of the last shown digit ("units"), so that sums
of shown values are exact. Two rules, both documented in the README:

* Stage values: each stage is rounded half-up; the total is the rounded full-precision
  total; if the shown stages do not add up to it, the difference (never more than a
  few units) goes to the stages with the largest rounding remainders (largest-remainder
  / Hamilton method). Every shown stage stays within one unit of its true value.
* Shares: by default ``shown-values``, the seeds' convention: each share is the shown
  stage value divided by the shown total, rounded to 2 decimals; such shares need not
  add up to 100.00 %. ``largest-remainder`` apportions 100.00 % by the same Hamilton
  method, so they always do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARE_DECIMALS = 2
SHARE_UNITS = 100 * 10**SHARE_DECIMALS  # 100.00 % in units of 0.01 %


def half_up(scaled: pd.Series | np.ndarray) -> np.ndarray:
    """Round scaled values half away from zero to integers, ignoring float noise."""
    values = np.round(np.asarray(scaled, dtype=float), 6)
    return (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype(np.int64)


def apportion(exact: pd.Series, groups: pd.Series, targets: pd.Series) -> pd.Series:
    """Round ``exact`` so that each group's integers add up to its ``targets`` row value.

    ``exact`` holds scaled values (already in units of the last digit); ``targets`` is
    the wanted integer sum of each row's group, repeated on every row of the group.
    """
    base = pd.Series(half_up(exact), index=exact.index)
    shortfall = targets - base.groupby(groups).transform("sum")
    remainder = exact - base
    rank_up = remainder.groupby(groups).rank(method="first", ascending=False)
    rank_down = remainder.groupby(groups).rank(method="first", ascending=True)
    raise_one = (shortfall > 0) & (rank_up <= shortfall)
    lower_one = (shortfall < 0) & (rank_down <= -shortfall)
    return base + raise_one.astype(np.int64) - lower_one.astype(np.int64)


def shares_from_shown(stage_units: pd.Series, total_units: pd.Series) -> pd.Series:
    """Shares in 0.01 % units, each from the shown stage value over the shown total."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = stage_units.to_numpy(float) / total_units.to_numpy(float) * SHARE_UNITS
    return pd.Series(np.where(total_units.to_numpy() > 0, half_up(np.nan_to_num(ratio)), 0),
                     index=stage_units.index)


def shares_largest_remainder(stage_units: pd.Series, total_units: pd.Series,
                             groups: pd.Series) -> pd.Series:
    """Shares in 0.01 % units that add up to exactly 100.00 % within each group."""
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = stage_units.to_numpy(float) / total_units.to_numpy(float) * SHARE_UNITS
    exact_series = pd.Series(np.nan_to_num(exact), index=stage_units.index)
    targets = pd.Series(np.where(total_units.to_numpy() > 0, SHARE_UNITS, 0),
                        index=stage_units.index)
    return apportion(exact_series, groups, targets)


def format_units(units: pd.Series | np.ndarray, decimals: int) -> list[str]:
    """Write integer units as fixed-point strings: 677, 4 -> '0.0677'."""
    out = []
    for value in np.asarray(units, dtype=np.int64):
        sign = "-" if value < 0 else ""
        digits = str(abs(int(value))).rjust(decimals + 1, "0")
        out.append(f"{sign}{digits[:-decimals]}.{digits[-decimals:]}" if decimals
                   else f"{sign}{digits}")
    return out
