"""A cold `cfpreport build`, as a process of its own: the PDF worker is forked before the
heavy imports and only when a PDF is asked for; the process ends as soon as its files
are written, with the right exit status and every line printed; no temporary file stays."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, XINGYUE, run

# Builds in this process (args given: no early exit) and tells what was imported when
# the PDF worker was forked, whether it was, and whether WeasyPrint was ever imported.
PROBE = """
import json, sys
from cfpreport.render import pdf_worker
HEAVY = ("pandas", "pint", "pydantic", "numpy", "matplotlib", "weasyprint", "docx")
forks = []
start = pdf_worker.PdfWorker.start
def recording(self):
    forks.append(sorted(name for name in HEAVY if name in sys.modules))
    start(self)
pdf_worker.PdfWorker.start = recording
from cfpreport.cli import main
main(["build", *sys.argv[1:]], standalone_mode=False)
print(json.dumps({"forks": forks, "weasyprint": "weasyprint" in sys.modules}))
"""


def probe(tmp_path, *formats: str) -> dict:
    args = [sys.executable, "-c", PROBE, XINGYUE, "-o", tmp_path / "out"]
    for fmt in formats:
        args += ["-f", fmt]
    result = run(args, cwd=ROOT)
    return json.loads(result.stdout.splitlines()[-1])


def test_the_pdf_worker_is_forked_before_any_heavy_import(tmp_path):
    assert probe(tmp_path, "pdf") == {"forks": [[]], "weasyprint": False}


@pytest.mark.parametrize("fmt", ["json", "docx", "html"])
def test_without_a_pdf_no_worker_is_forked_and_weasyprint_is_not_imported(tmp_path, fmt):
    assert probe(tmp_path, fmt) == {"forks": [], "weasyprint": False}


def cli(tmp_path, *args) -> tuple[int, str, str]:
    """Run `python -m cfpreport ARGS` as a process of its own, TMPDIR in tmp_path/tmp."""
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(temporary)}
    result = subprocess.run([sys.executable, "-m", "cfpreport", *map(str, args)], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def test_a_cold_build_prints_every_line_exits_0_and_leaves_no_temporary_file(tmp_path):
    status, out, err = cli(tmp_path, "build", XINGYUE, "-o", tmp_path / "out")
    assert status == 0, err
    files = [tmp_path / "out" / f"T410086-05.{fmt}" for fmt in ("pdf", "docx", "json")]
    assert out == f"{XINGYUE}: {', '.join(map(str, files))}  ({out.rpartition('(')[2]}"
    assert out.endswith(")\n")
    assert all(path.stat().st_size > 0 for path in files)
    assert list((tmp_path / "tmp").iterdir()) == []  # not WeasyPrint's copies of the fonts


def test_a_cold_build_with_a_failed_study_exits_1_after_building_the_others(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("report: {}\n", encoding="utf-8")
    good = tmp_path / "good" / "study.yaml"
    shutil.copytree(XINGYUE.parent, good.parent)
    status, out, err = cli(tmp_path, "build", bad, good, "-o", tmp_path / "out", "-f", "pdf")
    assert status == 1
    assert out.startswith(f"{good}: {tmp_path / 'out' / 'T410086-05.pdf'}")
    assert f"{bad}: not built" in err
    assert err.endswith("1 of 2 studies failed\n")
    assert list((tmp_path / "tmp").iterdir()) == []
