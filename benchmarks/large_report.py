"""Benchmark a large report: generate a study of many products and activities, build it.

By default the study is the one issue 7 asked about, 200 products and 5 000 activities.
That is beyond the limits cfpreport supports (README "Limits"): the limits are lifted
for the measurement, which shows why they are where they are. The largest supported
study is ``--products 100 --activities 1200`` (add ``--photos 10 --text 90000`` for
images and text as well).

The study is written to a temporary folder and built in one fresh Python process, as
`cfpreport build` does (PDF + DOCX + JSON, the PDF in a forked worker). Printed: wall
time, the peak memory and CPU time of the build process and of its PDF worker (read
inside the build process as it ends: its own high-water mark, and ru_maxrss of its
children), the number of PDF pages, and the time of each build step.

Run: python benchmarks/large_report.py [--products N] [--activities N] [--photos N]
     [--text N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("raw_material_acquisition", "raw_material_transport", "production",
          "distribution", "storage", "use", "end_of_life")
# (factor or gas, unit, typical amount, label): a mix of what real studies price.
KINDS = (
    ("factor: steel", "t", 1.2, "钢材"),
    ("factor: copper", "kg", 35.0, "铜材"),
    ("factor: electricity", "kWh", 12000.0, "电力"),
    ("factor: diesel", "t", 0.3, "柴油"),
    ("factor: gasoline", "t", 0.08, "汽油"),
    ("factor: natural_gas", "10^4 Nm3", 0.9, "天然气"),
    ("gas: SF6", "kg", 0.01, "六氟化硫"),
)

HEADER = """\
report:
  number: BENCH-{products}x{activities}
  issued: 2025-02-26
  issuer: {{name: 示例认证有限公司}}
  prepared_by: 张三
  team:
    - {{name: 张三, role: 组长, organization: 示例认证有限公司, certificate: 2024-V1GHG-0001}}
  site_days: 2
company:
  name: 示例电气有限公司
  address: 安徽省合肥市示例路 1 号
  overview: 示例电气有限公司生产配电设备。
study:
  period: {{start: 2024-01-01, end: 2024-12-31}}
  factor_set: cn-2022
  unit: t
factors:
  - {{id: steel, name: 钢材, value: 2.1, unit: tCO2e/t, source: 供应商声明, kind: material}}
  - {{id: copper, name: 铜材, value: 4.3, unit: kgCO2e/kg, source: 供应商声明, kind: material}}
products:
"""


SENTENCE = "壳体经下料、折弯、焊接和喷涂后与互感器、操作机构及电路板总装，出厂前逐台试验。"


def prose(characters: int, indent: str) -> str:
    """About ``characters`` characters of process description: paragraphs of eight
    sentences, as a YAML block indented by ``indent``."""
    sentences = [SENTENCE] * max(1, characters // len(SENTENCE))
    paragraphs = ["".join(sentences[i:i + 8]) for i in range(0, len(sentences), 8)]
    return f"|\n{indent}" + f"\n\n{indent}".join(paragraphs)


def study_text(products: int, activities: int, photos: int = 0, text: int = 0) -> str:
    """A valid study of ``products`` products sharing ``activities`` activities evenly;
    the first ``photos`` products have a photo and a process image, and ``text``
    characters of process description are shared among the products."""
    lines = [HEADER.format(products=products, activities=activities)]
    for index in range(products):
        count = activities // products + (index < activities % products)
        lines.append(f"  - id: p{index:04d}\n"
                     f"    name: 配电设备{index:04d}\n"
                     f"    model: XD-{index:04d}\n"
                     f"    annual_output: {100 + index}\n"
                     f"    functions: 配电设备{index:04d}用于配电系统的保护和控制。\n")
        if text:
            lines.append(f"    process_flow: {prose(text // products, ' ' * 6)}\n")
        if index < photos:
            lines.append(f"    images: {{photo: photo{index}.jpg, process: flow{index}.png}}\n")
        lines.append("    activities:\n")
        for number in range(count):
            what, unit, amount, label = KINDS[(index + number) % len(KINDS)]
            stage = STAGES[number % len(STAGES)]
            basis = "annual" if what.startswith("factor: e") else "per_unit"
            amount_here = round(amount * (1 + number % 7), 6)
            lines.append(f"      - {{stage: {stage}, {what}, amount: {amount_here}, "
                         f"unit: {unit}, basis: {basis}, label: {label}{number}, "
                         f"data_type: {'primary' if number % 3 else 'secondary'}, "
                         f"source: 2024年台账第{number}页}}\n")
    return "".join(lines)


def write_photos(folder: Path, count: int) -> None:
    """Photo-like pictures (gradients with sensor-like noise, which compress as badly
    as real photos): a 12 MP JPEG and a 3 MP PNG for each of ``count`` products."""
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(0)
    height, width = 3000, 4000
    y, x = np.mgrid[0:height, 0:width]
    gradient = np.stack([x * 255 // width, y * 255 // height,
                         (x + y) * 255 // (width + height)], axis=-1).astype(np.int16)
    for index in range(count):
        pixels = gradient + noise.integers(-12, 12, gradient.shape) + index
        photo = pixels.clip(0, 255).astype(np.uint8)
        Image.fromarray(photo).save(folder / f"photo{index}.jpg", quality=90)
        Image.fromarray(photo[::2, ::2]).save(folder / f"flow{index}.png")


def write_study(folder: Path, products: int, activities: int, photos: int = 0,
                text: int = 0) -> Path:
    """Write the generated study (and its images) into ``folder``."""
    write_photos(folder, photos)
    path = folder / "study.yaml"
    path.write_text(study_text(products, activities, photos, text), encoding="utf-8")
    return path


def child(study: str, out: str, lift_limits: bool) -> None:
    """Build in this process (a fresh interpreter); print the build's and worker's peak."""
    import logging

    from cfpreport.build import build_report
    from cfpreport.input import limits

    logging.basicConfig(level=logging.WARNING)
    if lift_limits:  # to measure what lies beyond them
        for name in dir(limits):
            if name.startswith("MAX_") and name not in ("MAX_FILE_BYTES", "MAX_IMAGE_PIXELS",
                                                        "MAX_IMAGE_BYTES"):
                setattr(limits, name, 10 ** 9)
    record = build_report(study, out)
    own = resource.getrusage(resource.RUSAGE_SELF)
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"build_mb": peak_kb() / 1024, "worker_mb": worker.ru_maxrss / 1024,
                      "build_cpu": own.ru_utime + own.ru_stime,
                      "worker_cpu": worker.ru_utime + worker.ru_stime,
                      "seconds": record.seconds, "pdf": str(record.outputs["pdf"])}))


def peak_kb() -> int:
    """This process's peak memory. Not ru_maxrss: Linux carries that over from the
    process that started this one (the high-water mark of the memory it replaced)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def pdf_pages(path: Path) -> int:
    """Count the pages of a PDF (pypdf comes with the test extras)."""
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--photos", type=int, default=0,
                        help="give the first N products a photo and a process image")
    parser.add_argument("--text", type=int, default=0,
                        help="characters of process description, shared by the products")
    parser.add_argument("--child", nargs=2, metavar=("STUDY", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--lift-limits", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.lift_limits)
        return
    from cfpreport.input.limits import MAX_ACTIVITIES, MAX_PRODUCTS

    beyond = args.products > MAX_PRODUCTS or args.activities > MAX_ACTIVITIES
    if beyond:
        print(f"{args.products} products and {args.activities} activities are beyond the "
              f"supported limits ({MAX_PRODUCTS} and {MAX_ACTIVITIES}); they are lifted "
              "for this measurement")
    with tempfile.TemporaryDirectory() as folder:
        study = write_study(Path(folder), args.products, args.activities, args.photos,
                            args.text)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--child", str(study), folder,
                               *(["--lift-limits"] if beyond else [])],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode:
            sys.exit(f"build failed:\n{done.stderr}")
        figures = json.loads(done.stdout.splitlines()[-1])
        pages = pdf_pages(Path(figures["pdf"]))
        sizes = {p.suffix: p.stat().st_size for p in Path(folder).glob("BENCH-*")}
    print(f"{args.products} products, {args.activities} activities"
          f"{f', {2 * args.photos} images' if args.photos else ''}"
          f"{f', {args.text} characters of text' if args.text else ''}: {pages} PDF pages")
    print(f"  wall time            {seconds:6.1f} s  (fresh process, PDF + DOCX + JSON; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  peak RSS, build      {figures['build_mb']:6.0f} MB, "
          f"CPU {figures['build_cpu']:5.1f} s")
    print(f"  peak RSS, PDF worker {figures['worker_mb']:6.0f} MB, "
          f"CPU {figures['worker_cpu']:5.1f} s")
    for step, value in figures["seconds"].items():
        print(f"  {step:<20} {value:6.1f} s")
    print("  files: " + ", ".join(f"{suffix} {size / 1e6:.1f} MB"
                                  for suffix, size in sorted(sizes.items())))


if __name__ == "__main__":
    main()
