"""The wheel ships the factor data, templates and fonts (not only the checkout)."""

from __future__ import annotations

import site
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, YUANYU, run


def site_dirs() -> list[str]:
    """The site-packages folders the running interpreter imports from: a venv's own (not its
    base interpreter's, as system_site_packages would give), plus the system's when visible."""
    paths = sysconfig.get_paths()
    dirs = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return [d for d in dict.fromkeys(dirs) if d in sys.path and Path(d).is_dir()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", out, ROOT])
    return next(out.glob("cfpreport-*.whl"))


def test_wheel_contains_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cfpreport/data/factors/cn-2022.yaml" in names
    assert "cfpreport/data/factors/gwp.yaml" in names
    assert any(n.startswith("cfpreport/fonts/") and n.endswith((".otf", ".ttf")) for n in names)
    assert "cfpreport/fonts/OFL.txt" in names


def test_installed_wheel_calculates_a_sample(wheel, tmp_path):
    # A venv that gets cfpreport only from the wheel and its dependencies (and pip) from the
    # environment running this test, through a .pth file naming that environment's
    # site-packages: those lines are added to sys.path after the venv's own site-packages,
    # and the .pth files inside them (the checkout's editable install) are not read. Run
    # from an empty folder so the checkout cannot be imported.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    pth = Path(purelib.stdout.strip(), "outer-site-packages.pth")
    pth.write_text("\n".join(site_dirs()) + "\n")
    run([python, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", wheel],
        cwd=tmp_path)
    script = ("import cfpreport, sys; from cfpreport.pipeline import load_and_calculate;"
              "c = load_and_calculate(sys.argv[1]);"
              "print(cfpreport.__file__); print(c.results.products['shown'].tolist())")
    result = run([python, "-c", script, YUANYU], cwd=tmp_path)
    module_file, totals = result.stdout.splitlines()
    assert module_file.startswith(str(env_dir))
    assert totals == "['0.0677', '0.0508']"
