"""Benchmark the calculation engine: 10 000 synthetic products x 12 activities.

Prints the median of 5 warm runs of the engine (activity frame -> priced rows ->
stage table -> display rounding) and products per second. Run: python benchmarks/calc.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from cfpreport.calculation.calculate import Settings, calculate_frame
from cfpreport.calculation.factors import load_factor_set
from cfpreport.calculation.stages import STAGES

PRODUCTS = 10_000
ACTIVITIES = 12
RUNS = 5

# (stage, factor, gas, unit, basis) patterns cycled over each product's 12 activities
PATTERNS = [
    ("raw_material_acquisition", "electricity", None, "kWh", "annual"),
    ("raw_material_acquisition", "electricity", None, "MWh", "annual"),
    ("raw_material_transport", "diesel", None, "t", "annual"),
    ("raw_material_transport", "gasoline", None, "kg", "per_unit"),
    ("production", "electricity", None, "kWh", "annual"),
    ("production", "natural_gas", None, "m3", "annual"),
    ("production", "diesel", None, "L", "per_unit"),
    ("production", None, "SF6", "kg", "per_unit"),
    ("distribution", "diesel", None, "t", "annual"),
    ("use", "electricity", None, "kWh", "per_unit"),
    ("end_of_life", "electricity", None, "kWh", "annual"),
    ("end_of_life", None, "SF6", "g", "per_unit"),
]
assert len(PATTERNS) == ACTIVITIES and {p[0] for p in PATTERNS} <= set(STAGES)


def synthetic_activities(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    count = PRODUCTS * ACTIVITIES
    pattern = pd.DataFrame(PATTERNS * PRODUCTS,
                           columns=["stage", "factor", "gas", "unit", "basis"])
    return pattern.assign(
        product=np.repeat([f"p{i:05d}" for i in range(PRODUCTS)], ACTIVITIES),
        row=np.tile(np.arange(ACTIVITIES), PRODUCTS),
        label=None, data_type="primary", note=None,
        amount=rng.uniform(0.01, 1000.0, count),
        annual_output=np.repeat(rng.integers(50, 5000, PRODUCTS).astype(float), ACTIVITIES),
    )


def main() -> None:
    activities = synthetic_activities()
    factor_set = load_factor_set("cn-2024")
    settings = Settings(gwp="AR6", unit="kg", decimals=4, shares="shown-values")
    calculate_frame(activities, factor_set, settings)  # warm-up: imports, unit cache
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        results = calculate_frame(activities, factor_set, settings)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    assert len(results.products) == PRODUCTS
    print(f"engine: {PRODUCTS} products x {ACTIVITIES} activities "
          f"({PRODUCTS * ACTIVITIES} rows), median of {RUNS}: {median:.3f} s "
          f"(min {min(timings):.3f}, max {max(timings):.3f})")
    print(f"throughput: {PRODUCTS / median:,.0f} products/s")


if __name__ == "__main__":
    main()
