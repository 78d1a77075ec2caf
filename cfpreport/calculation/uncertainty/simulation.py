"""Monte Carlo simulation of every product's total and stages, vectorised and seeded.

One run draws every activity amount once and every factor once (the factor's draw is
shared by all activities, of all products, that use it: a grid factor that is high in
a run is high for every activity on the grid). Runs are processed in chunks of
:data:`CHUNK_RUNS`, all runs of a chunk at once with numpy; only the loops over
activities and over distributions are in Python.

Reproducible byte for byte: one ``numpy.random.Generator(PCG64(seed))`` draws, per
chunk and in this order, the standard normals of the amounts, their uniforms, the
factors' normals and their uniforms. The chunk size is fixed, so a study's numbers
depend only on its seed and runs.

Memory is bounded by the chunk, not by the runs: the draws of a chunk take
(activities + factors) x 16 384 x 8 bytes (6.6 MB for 50 activities; a chunk holds fewer
runs when that would pass 16 MB), with a few temporaries of that size; the kept samples
are one row of ``runs`` doubles per product total and stage (100 000 runs x 8 rows =
6.4 MB), needed for exact percentiles, and loading refuses more runs than 256 MB of
them (``uncertainty_keys.MAX_KEPT_VALUES``).

Statistics are computed on each sample divided by the same sum at the point values
and then scaled by the calculation's own result, so a study without uncertainty gives
exactly the point result (every ratio is 1.0) and no summation order can differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cfpreport.calculation.stages import STAGES
from cfpreport.calculation.uncertainty.inputs import Inputs
from cfpreport.calculation.uncertainty.spreads import draw

CHUNK_RUNS = 16_384
#: The most values in one chunk's largest array (16 MB): a study of many activities, or
#: of many products, draws fewer runs per chunk. Fixed per study, so still reproducible.
CHUNK_VALUES = 2**21
HISTOGRAM_BINS = 40


@dataclass(frozen=True)
class Samples:
    """Simulated sums: one row per group (a product's total or one of its stages)."""

    groups: list[tuple[str, str | None]]  # (product, stage); stage None is the total
    values: np.ndarray  # (groups, runs), kg CO2e per functional unit before anchoring
    points: np.ndarray  # (groups,), the same sums at the point values

    def row(self, product: str, stage: str | None = None) -> tuple[np.ndarray, float]:
        index = self.groups.index((product, stage))
        return self.values[index], float(self.points[index])


def group_keys(inputs: Inputs) -> list[tuple[str, str | None]]:
    """Each product's total, then its stages in life-cycle order, products in study order."""
    keys: list[tuple[str, str | None]] = []
    for activity in inputs.activities:
        if (activity.product, None) not in keys:
            stages = {a.stage for a in inputs.activities if a.product == activity.product}
            keys += [(activity.product, None)] + [(activity.product, s) for s in STAGES
                                                 if s in stages]
    return keys


def simulate(inputs: Inputs, runs: int, seed: int) -> Samples:
    """Draw ``runs`` runs of every product's total and stages (see the module docstring)."""
    keys = group_keys(inputs)
    index = {key: i for i, key in enumerate(keys)}
    total_of = [index[(a.product, None)] for a in inputs.activities]
    stage_of = [index[(a.product, a.stage)] for a in inputs.activities]
    factor_keys = list(inputs.factors)
    factor_of = [-1 if a.factor is None else factor_keys.index(a.factor)
                 for a in inputs.activities]
    amounts = [a.amount for a in inputs.activities]
    factors = list(inputs.factors.values())
    factor_points = np.array([s.point for s in factors])
    coefficients = [a.coefficient for a in inputs.activities]

    def sums(amount_draws: np.ndarray, multipliers: np.ndarray, width: int) -> np.ndarray:
        # the same arithmetic, in the same order, for the draws and for the point values
        acc = np.zeros((len(keys), width))
        for a, coefficient in enumerate(coefficients):
            value = coefficient * amount_draws[a]
            if factor_of[a] >= 0:
                value = value * multipliers[factor_of[a]]
            acc[stage_of[a]] += value
            acc[total_of[a]] += value
        return acc

    points = sums(np.array([[s.point] for s in amounts]), np.ones((len(factors), 1)), 1)[:, 0]
    rng = np.random.Generator(np.random.PCG64(seed))
    counts = [(sum(s.normal_draws for s in group), sum(not s.normal_draws for s in group))
              for group in (amounts, factors)]
    values = np.empty((len(keys), runs))
    chunk = chunk_runs(max(len(amounts) + len(factors), len(keys)))
    for start in range(0, runs, chunk):
        width = min(chunk, runs - start)
        amount_draws = draw(amounts, rng.standard_normal((counts[0][0], width)),
                            rng.random((counts[0][1], width)), width)
        factor_draws = draw(factors, rng.standard_normal((counts[1][0], width)),
                            rng.random((counts[1][1], width)), width)
        # a factor of value 0 prices nothing: its multiplier stays 1
        safe = np.where(factor_points == 0, 1.0, factor_points)[:, None]
        multipliers = np.where(factor_points[:, None] == 0, 1.0, factor_draws / safe)
        values[:, start:start + width] = sums(amount_draws, multipliers, width)
    return Samples(keys, values, points)


def chunk_runs(rows: int) -> int:
    """Runs per chunk for arrays of ``rows`` rows: CHUNK_RUNS, fewer for many rows."""
    return max(256, min(CHUNK_RUNS, CHUNK_VALUES // max(rows, 1)))


def summary(values: np.ndarray, point_sum: float, result: float,
            exceed: dict[str, float] | None = None, histogram: bool = False) -> dict:
    """Mean, median, sd and the 2.5th and 97.5th percentiles of one sum, anchored to
    ``result`` (the calculation's value of that sum), P(sum > x) for each x, and (if
    asked) a histogram of the draws."""
    if point_sum != 0:
        ratios, scale = values / point_sum, result
    else:  # nothing at the point values: the draws themselves
        ratios, scale = values, 1.0
    low, high = (scale * np.percentile(ratios, [2.5, 97.5])).tolist()
    stats = {
        "mean": float(scale * ratios.mean()),
        "median": float(scale * np.median(ratios)),
        "sd": float(abs(scale) * ratios.std(ddof=1)),
        "p2_5": min(low, high),
        "p97_5": max(low, high),
    }
    if histogram:
        stats["histogram"] = binned(scale * ratios)
    if exceed:
        stats["exceed"] = {
            shown: {"kgco2e": kg, "probability": float(
                np.count_nonzero(scale * ratios > kg) / ratios.size)}
            for shown, kg in exceed.items()}
    return stats


def binned(draws: np.ndarray) -> dict[str, list]:
    """A histogram for a chart: HISTOGRAM_BINS equal bins from the 0.1th to the 99.9th
    percentile; the draws beyond are counted in the first and last bin (so that a long
    tail does not squeeze the body into a few bins). Without spread: one bin of width 0."""
    low, high = np.percentile(draws, [0.1, 99.9]).tolist()
    if low == high:
        return {"edges": [low, high], "counts": [int(draws.size)]}
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(np.clip(draws, low, high), bins=edges)
    return {"edges": edges.tolist(), "counts": counts.tolist()}
