"""Shared fixtures: the samples, and a small study builder for hand-computed tests."""

from __future__ import annotations

import copy
import shlex
import subprocess
from pathlib import Path

import pytest

from cfpreport.input.checks import resolve_factor_set
from cfpreport.input.study import Study

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
YUANYU = SAMPLES / "yuanyu-2024" / "study.yaml"
XINGYUE = SAMPLES / "xingyue-bxd2-2025" / "study.yaml"
RING_MAIN_UNIT = SAMPLES / "ring-main-unit" / "study.yaml"

BASE_STUDY = {
    "report": {"number": "T-1", "issued": "2025-01-01", "issuer": {"name": "检测机构"}},
    "company": {"name": "示例公司"},
    "study": {"period": {"start": "2024-01-01", "end": "2024-12-31"},
              "factor_set": "cn-2022", "unit": "kg", "decimals": 4},
    "products": [{"id": "p1", "name": "产品", "activities": []}],
}


def make_study(activities: list[dict], annual_output: float | None = None,
               factors: list[dict] | None = None, **scope: object) -> Study:
    """Build a one-product study in memory from activity dicts."""
    data = copy.deepcopy(BASE_STUDY)
    data["products"][0]["activities"] = activities
    if annual_output is not None:
        data["products"][0]["annual_output"] = annual_output
    data["study"].update(scope)
    if factors:
        data["factors"] = factors
    return Study.model_validate(data)


@pytest.fixture
def study_factory():
    return make_study


def priced(study: Study, factor_set: str | None = None):
    from cfpreport.calculation.calculate import calculate

    return calculate(study, resolve_factor_set(study, factor_set))


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run(cmd) with check=True, but a failure fails the test with the command,
    its exit status, stdout and stderr (CalledProcessError alone swallows them)."""
    kwargs.pop("check", None)
    kwargs.setdefault("text", True)
    cmd = [str(part) for part in cmd]
    result = subprocess.run(cmd, capture_output=True, check=False, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"command failed with exit status {result.returncode}: {shlex.join(cmd)}\n"
                    f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}")
    return result
