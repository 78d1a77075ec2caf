"""The wheel ships the factor data, templates and fonts (not only the checkout)."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

import pytest

from tests.conftest import ROOT, YUANYU


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True)
    return next(out.glob("cfpreport-*.whl"))


def test_wheel_contains_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cfpreport/data/factors/cn-2022.yaml" in names
    assert "cfpreport/data/factors/gwp.yaml" in names
    assert any(n.startswith("cfpreport/fonts/") and n.endswith((".otf", ".ttf")) for n in names)
    assert "cfpreport/fonts/OFL.txt" in names


def test_installed_wheel_calculates_a_sample(wheel, tmp_path):
    # A venv that sees the dependencies (system site-packages) but gets cfpreport only
    # from the wheel; run from an empty folder so the checkout cannot be imported.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    script = ("import cfpreport, sys; from cfpreport.pipeline import load_and_calculate;"
              "c = load_and_calculate(sys.argv[1]);"
              "print(cfpreport.__file__); print(c.results.products['shown'].tolist())")
    result = subprocess.run([python, "-c", script, str(YUANYU)], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    module_file, totals = result.stdout.splitlines()
    assert module_file.startswith(str(env_dir))
    assert totals == "['0.0677', '0.0508']"
