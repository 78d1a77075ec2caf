"""Benchmark the Monte Carlo simulation: one product of 50 activities on 12 factors.

Times ``simulate`` alone (the draws and sums; targets: 10 000 runs under 0.2 s and
100 000 runs under 1 s) and the whole analysis (draws, statistics, DQR, hot spots,
sensitivity, scenarios) as ``build -f json`` runs it, each the best of REPEAT runs
after a warm-up, and the peak memory the simulation allocates (tracemalloc: numpy's
arrays are traced), which the chunked draws keep bounded.

Run: python benchmarks/uncertainty.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cfpreport.calculation.uncertainty import uncertainty_analysis
from cfpreport.calculation.uncertainty.inputs import study_inputs
from cfpreport.calculation.uncertainty.simulation import simulate
from cfpreport.input.checks import resolve_factor_set
from cfpreport.input.study import Study
from tests.conftest import BASE_STUDY

STAGES = ("raw_material_acquisition", "raw_material_transport", "production",
          "distribution", "end_of_life")
SPREADS = ({"distribution": "normal", "sd": 3}, {"distribution": "triangular", "min": 1,
                                                  "max": 200},
           {"distribution": "uniform", "min": 5, "max": 150}, None)


def study(runs: int) -> Study:
    """50 activities: electricity, diesel and 10 study factors; every kind of spread."""
    data = copy.deepcopy(BASE_STUDY)
    data["study"]["uncertainty"] = {"runs": runs}
    data["factors"] = [{"id": f"material-{i}", "name": f"材料 {i}", "value": 1 + i / 10,
                        "unit": "kgCO2e/kg", "source": "基准测试", "kind": "material"}
                       for i in range(10)]
    factors = ["electricity", "diesel", *(f["id"] for f in data["factors"])]
    activities = []
    for i in range(50):
        factor = factors[i % len(factors)]
        unit = {"electricity": "kWh", "diesel": "kg"}.get(factor, "kg")
        activity = {"stage": STAGES[i % len(STAGES)], "factor": factor, "amount": 10 + i,
                    "unit": unit, "data_type": "primary" if i % 3 else "secondary"}
        spread = SPREADS[i % len(SPREADS)]
        if spread is not None:
            activity["uncertainty"] = spread
        activities.append(activity)
    data["products"][0]["activities"] = activities
    return Study.model_validate(data)


def best(function, repeat: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from cfpreport.calculation.calculate import calculate

    print("runs      simulate   target   whole analysis   peak memory (simulate)")
    for runs, target in ((10_000, 0.2), (100_000, 1.0)):
        case = study(runs)
        results = calculate(case, resolve_factor_set(case))
        inputs = study_inputs(case, results)
        seconds = best(lambda i=inputs, n=runs: simulate(i, n, 14067), args.repeat)
        whole = best(lambda c=case, r=results: uncertainty_analysis(c, r), args.repeat)
        tracemalloc.start()
        simulate(inputs, runs, 14067)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        verdict = "ok" if seconds < target else "SLOW"
        print(f"{runs:>7,}  {seconds:8.3f} s  < {target:.1f} s {verdict:4}  {whole:8.3f} s"
              f"        {peak / 2**20:6.1f} MB")


if __name__ == "__main__":
    main()
