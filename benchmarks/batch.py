"""Benchmark `cfpreport batch`: reports per minute, CPU and memory, the no-change rerun.

Generates COUNT studies (default 200) from the three samples, each with PRODUCTS
products (default 3; amounts scaled per product, each study on one regional grid
factor), then:

1. builds them with ``--jobs 1`` and with ``--jobs 2`` (full reports: PDF + DOCX + JSON),
   each in a fresh output folder and a fresh process, and prints reports per minute, CPU
   seconds per report (the batch process and its workers together) and each worker's
   peak resident memory;
2. reruns ``cfpreport batch`` with nothing changed (a fresh CLI process, as a user runs
   it) and prints its time;
3. times the no-change rerun of RERUN studies (default 1 000): they are built as JSON
   only, then each gets a PDF and a Word file copied from a real report of its template
   (the same sizes) with its build record updated to name them, so that the rerun checks
   the hashes of three full-size files per report, as after a real full build, without
   laying out a thousand PDFs first ("pre-made records");
4. with ``--growth 100,1000`` (and ``--growth-formats``), the batch time for each size,
   to see whether it grows linearly.

Run: python benchmarks/batch.py [--count 200] [--products 3] [--jobs 1,2] [--rerun 1000]
     [--growth 100,1000] [--growth-formats pdf,docx,json]
(``--count 0`` or ``--jobs ''`` skips the first three: growth only.)
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TEMPLATES = ("ring-main-unit", "xingyue-bxd2-2025", "yuanyu-2024")
#: Each generated study prices its electricity with one of these, in turn, so that a
#: change to one of them concerns a known third of the studies.
GRIDS = ("electricity_grid_2023_east", "electricity_grid_2023_south",
         "electricity_grid_2023_north")
FULL = "pdf,docx,json"


# --- the studies -------------------------------------------------------------------------

def make_studies(folder: Path, count: int, products: int = 3, start: int = 0) -> list[Path]:
    """Write ``count`` studies into ``folder``/study-NNNN/study.yaml (with the images of
    their template) and return their paths. Study i is sample ``TEMPLATES[i % 3]`` with
    report number GEN-NNNN, its first product repeated ``products`` times with amounts
    scaled, and its electricity priced with ``GRIDS[i % 3]``."""
    paths = []
    for index in range(start, start + count):
        template = SAMPLES / TEMPLATES[index % len(TEMPLATES)]
        data = yaml.safe_load((template / "study.yaml").read_text(encoding="utf-8"))
        data["report"]["number"] = f"GEN-{index:04d}"
        base = data["products"][0]
        data["products"] = [product_variant(base, k, index) for k in range(products)]
        study = folder / f"study-{index:04d}" / "study.yaml"
        study.parent.mkdir(parents=True, exist_ok=True)
        if (template / "images").is_dir():
            shutil.copytree(template / "images", study.parent / "images", dirs_exist_ok=True)
        study.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200),
                         encoding="utf-8")
        paths.append(study)
    return paths


def product_variant(base: dict, k: int, index: int) -> dict:
    """Product ``k`` of study ``index``: its own id, name and model, amounts scaled."""
    product = copy.deepcopy(base)
    product["id"] = f"{base['id']}-{k + 1}"
    product["name"] = f"{base['name']}（型{k + 1}）"
    if base.get("model"):
        product["model"] = f"{base['model']}-{k + 1}"
    scale = 1 + 0.05 * k + 0.001 * index
    for activity in product["activities"]:
        activity["amount"] = round(activity["amount"] * scale, 6)
        if activity.get("factor") == "electricity":
            activity["factor"] = GRIDS[index % len(GRIDS)]
    return product


# --- measurements --------------------------------------------------------------------------

def measure(studies: Path, out: Path, jobs: int, formats: str) -> dict:
    """Build a batch in this process (run in a fresh one): wall and CPU time, counts."""
    from cfpreport.batch import Batch

    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                   resource.RUSAGE_CHILDREN)]
    start = time.perf_counter()
    batch = Batch([studies], out, jobs=jobs, formats=formats.split(","))
    statuses = [outcome.status for outcome in batch.run()]
    wall = time.perf_counter() - start
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                  resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime
              for a, b in zip(after, before, strict=True))
    return {"wall": wall, "cpu": cpu, "built": statuses.count("built"),
            "failed": statuses.count("failed"), "worker_cpu": batch.cpu_seconds,
            "peak_mb": sorted(batch.peak_mb.values())}


def measured(studies: Path, out: Path, jobs: int, formats: str = FULL) -> dict:
    result = subprocess.run([sys.executable, __file__, "--measure", str(studies), str(out),
                             str(jobs), formats], check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def cli_rerun(studies: Path, out: Path, formats: str = FULL) -> tuple[float, str]:
    """A no-change rerun as a user runs it: a fresh `cfpreport batch` process."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cfpreport", "batch", str(studies), "-o",
                             str(out), "-f", formats], capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout.strip().splitlines()[0]


def premade_full_outputs(out: Path, full_out: Path) -> None:
    """Give each JSON-only report in ``out`` a PDF and Word file of a real full report of
    its template (from ``full_out``), and name them in its record with their hashes."""
    for record_path in sorted((out / ".cfpreport").glob("*.json")):
        record = json.loads(record_path.read_bytes())
        number = record["report_number"]
        index = int(number.removeprefix("GEN-"))
        donor = f"GEN-{index % len(TEMPLATES):04d}"
        for suffix in ("pdf", "docx"):
            data = (full_out / f"{donor}.{suffix}").read_bytes()
            (out / f"{number}.{suffix}").write_bytes(data)
            record["outputs"][f"{number}.{suffix}"] = hashlib.sha256(data).hexdigest()
        record_path.write_text(json.dumps(record, ensure_ascii=False, indent=1),
                               encoding="utf-8")


def report(name: str, result: dict) -> None:
    built = max(1, result["built"])
    peaks = ", ".join(f"{mb:.0f}" for mb in result["peak_mb"])
    print(f"  {name}: {result['built']} built, {result['failed']} failed in "
          f"{result['wall']:.1f} s = {result['built'] * 60 / result['wall']:.1f} reports/min; "
          f"CPU {result['cpu'] / built:.2f} s per report (in the workers "
          f"{result['worker_cpu'] / built:.2f} s); peak memory per worker {peaks} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--products", type=int, default=3)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--rerun", type=int, default=1000)
    parser.add_argument("--growth", default="")
    parser.add_argument("--growth-formats", default=FULL)
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        studies, out, jobs, formats = args.measure
        print(json.dumps(measure(Path(studies), Path(out), int(jobs), formats)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        results = {}
        if args.count and args.jobs:
            make_studies(tmp / "studies", args.count, args.products)
            print(f"{args.count} studies of {args.products} products, full reports ({FULL}):")
            for jobs in map(int, args.jobs.split(",")):
                results[jobs] = measured(tmp / "studies", tmp / f"out-{jobs}", jobs)
                report(f"--jobs {jobs}", results[jobs])
        if len(results) == 2:
            (a, ra), (b, rb) = sorted(results.items())
            print(f"  --jobs {b} builds {ra['wall'] / rb['wall']:.2f} x as fast as --jobs {a}")
        last = tmp / f"out-{max(results)}" if results else None
        if last:
            seconds, said = cli_rerun(tmp / "studies", last)
            print(f"no-change rerun of {args.count} (CLI): {seconds:.2f} s ({said})")
        if args.rerun and last:
            make_studies(tmp / "rerun", args.rerun, args.products)
            built = measured(tmp / "rerun", tmp / "rerun-out", 2, "json")
            premade_full_outputs(tmp / "rerun-out", last)
            seconds, said = cli_rerun(tmp / "rerun", tmp / "rerun-out")
            print(f"no-change rerun of {args.rerun} (built as JSON in {built['wall']:.0f} s, "
                  f"PDF and Word files pre-made; CLI): {seconds:.2f} s ({said})")
        for size in [int(n) for n in args.growth.split(",") if n]:
            make_studies(tmp / f"growth-{size}", size, args.products)
            result = measured(tmp / f"growth-{size}", tmp / f"growth-out-{size}", 2,
                              args.growth_formats)
            print(f"growth, {size} studies ({args.growth_formats}, --jobs 2): "
                  f"{result['wall']:.1f} s, {result['wall'] / size * 1000:.0f} ms and "
                  f"{result['cpu'] / size * 1000:.0f} ms CPU per study")


if __name__ == "__main__":
    main()
