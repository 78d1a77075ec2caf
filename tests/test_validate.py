"""`validate` in one pass: every error at once, and warnings for what the client will see.

Warnings (exit status 0) name what the report will print as "/" or flag; `--strict`
makes them errors (exit status 1). Line numbers are those of the files below.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cfpreport.cli import main
from cfpreport.errors import StudyError
from cfpreport.pipeline import check_study
from tests.conftest import ROOT, YUANYU

#  1 report:
#  2   number: T-001
#  3   issued: 2025-02-30          <- February has 28 days (shape)
#  4   issuer: {name: 示例认证有限公司}
#  5 company:
#  6   name: 示例电气有限公司
#  7   adress: 合肥市               <- unknown key (shape)
#  8 study:
#  9   period: {start: 2024-01-01, end: 2024-12-31}
# 10   factor_set: cn-2022
# 11 products:
# 12   - id: p1                     (no annual_output)
# 13     name: 柱上断路器
# 14     activities:
# 15       - ... basis: annual      <- needs annual_output (cross-field)
# 16       - ... factor: diesl      <- unknown factor (factor set)
# 17       - ... diesel in kWh      <- unit does not convert (factor set)
# 18       - ... gas: SF7           <- unknown gas (GWP set)
SIX_MISTAKES = """\
report:
  number: T-001
  issued: 2025-02-30
  issuer: {name: 示例认证有限公司}
company:
  name: 示例电气有限公司
  adress: 合肥市
study:
  period: {start: 2024-01-01, end: 2024-12-31}
  factor_set: cn-2022
products:
  - id: p1
    name: 柱上断路器
    activities:
      - {stage: production, factor: electricity, amount: 28022, unit: kWh, basis: annual}
      - {stage: distribution, factor: diesl, amount: 0.14, unit: t}
      - {stage: production, factor: diesel, amount: 3, unit: kWh}
      - {stage: use, gas: SF7, amount: 0.01, unit: kg}
"""

# A study that leaves out everything the summary sheet and annex need (a draft: a final
# report needs a prepared_by, a team leader and a legal representative); lines:
#  1 report, 2 number, 3 issued, 4 status, 5 issuer, 6 company, 7 name, 8 study,
#  9 period, 10 factor_set, 11 products, 12 id, 13 name, 14 activities,
# 15 electricity (data_type stated), 16 diesel (data_type not stated)
SPARSE = """\
report:
  number: T-002
  issued: {issued}
  status: {status}
  issuer: {{name: 示例认证有限公司}}
company:
  name: 示例电气有限公司
study:
  period: {{start: 2024-01-01, end: 2024-12-31}}
  factor_set: {factor_set}
products:
  - id: p1
    name: 柱上断路器
    activities:
      - {{stage: production, factor: {electricity}, amount: 10, unit: kWh, data_type: primary}}
      - {{stage: distribution, factor: diesel, amount: 0.14, unit: t}}
"""


def sparse(issued: str = "2025-02-26", status: str = "draft", factor_set: str = "cn-2022",
           electricity: str = "electricity") -> str:
    return SPARSE.format(issued=issued, status=status, factor_set=factor_set,
                         electricity=electricity)


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, study: str, *args: str,
        command: str = "validate") -> Result:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study.yaml").write_text(study, encoding="utf-8")
    return CliRunner().invoke(main, [command, "study.yaml", *args])


def warning_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": warning: " in line]


def located(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("study.yaml:")]


def test_six_mistakes_of_mixed_kinds_in_one_run(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, SIX_MISTAKES)
    assert result.exit_code == 1
    lines = located(result.output)
    assert len(lines) == 6, result.output
    for line, expected in zip(lines, [
        "study.yaml:3:11 report.issued: '2025-02-30' is not a real date (February 2025 has "
        "28 days); write YYYY-MM-DD",
        "study.yaml:7:3 company.adress: unknown key 'adress'; did you mean 'address'?",
        "study.yaml:15:83 products[0].activities[0].basis: basis: annual divides by the "
        "product's annual_output, which is missing",
        "study.yaml:16:39 products[0].activities[1].factor: unknown factor 'diesl'; did you "
        "mean 'diesel'?",
        "study.yaml:17:62 products[0].activities[2].unit: 'kWh' cannot be converted to 't'",
        "study.yaml:18:27 products[0].activities[3].gas: unknown gas 'SF7'; did you mean 'SF6'?",
    ], strict=True):
        assert line.startswith(expected), line


def test_an_invalid_activity_is_not_also_checked_against_the_factor_set(tmp_path,
                                                                          monkeypatch):
    """A negative amount makes the activity invalid: its unknown factor is not reported
    twice over, but the other activity's unknown factor still is."""
    study = SIX_MISTAKES.replace("amount: 0.14, unit: t}", "amount: -0.14, unit: t}")
    lines = located(run(tmp_path, monkeypatch, study).output)
    assert [line.split(" ")[1] for line in lines] == [
        "report.issued:", "company.adress:", "products[0].activities[0].basis:",
        "products[0].activities[1].amount:", "products[0].activities[2].unit:",
        "products[0].activities[3].gas:"]


def test_a_missing_factor_set_file_is_reported_with_the_other_problems(tmp_path, monkeypatch):
    study = SIX_MISTAKES.replace("factor_set: cn-2022", "factor_set: ./nowhere.yaml")
    lines = located(run(tmp_path, monkeypatch, study).output)
    assert "study.yaml:10:15 study.factor_set: factor set file './nowhere.yaml' not found" in (
        "\n".join(lines))
    assert not any("factor: unknown factor" in line or ".unit:" in line for line in lines)
    assert any("unknown gas 'SF7'" in line for line in lines)  # the GWP set is still known


def test_sparse_study_lists_what_the_report_will_lack(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, sparse())
    assert result.exit_code == 0, result.output
    count = len(warning_lines(result.output))
    assert f"study.yaml: ok (1 products, 2 activities, {count} warnings)" in result.output
    # these rules' warnings, in file order (other rules may add lines in between)
    assert in_order_within(warning_lines(result.output), [
        "study.yaml:1:1 report.team: warning: no team members: annex 1 lists the team as “/” "
        "and the summary sheet has no signature lines for them",
        "study.yaml:1:1 report.prepared_by: warning: not given: the summary sheet has no 编制 "
        "(prepared by) signature line",
        "study.yaml:1:1 report.site_days: warning: not given: annex 1 does not say how many "
        "days the team spent on site",
        "study.yaml:6:1 company.address: warning: not given: the summary sheet prints “/” for "
        "地址 (address)",
        "study.yaml:6:1 company.legal_representative: warning: not given: the summary sheet "
        "prints “/” for 法定代表人 (legal representative)",
        "study.yaml:6:1 company.contact: warning: not given: the summary sheet prints “/” for "
        "联系人 (contact)",
        "study.yaml:6:1 company.overview: warning: not given: the summary sheet prints “/” for "
        "企业概况 (company overview)",
        "study.yaml:16:9 products[0].activities[1].data_type: warning: not stated: the report "
        "counts this activity as primary data (measured on site); write data_type: primary or "
        "data_type: secondary",
    ])


def test_a_final_study_warns_about_its_unverified_factors(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, YUANYU.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    assert any("products[0].activities[0].factor: warning: factor electricity (2022年全国电网"
               "平均二氧化碳排放因子, set cn-2022) is not verified (verified: false) in a final "
               "report: the factor table marks it “*” as not checked against its source"
               in line for line in warning_lines(result.output))


def in_order_within(lines: list[str], expected: list[str]) -> bool:
    """Whether ``expected`` occur in ``lines`` in this order."""
    remaining = iter(lines)
    return all(any(line == wanted for line in remaining) for wanted in expected)


def test_strict_makes_warnings_errors(tmp_path, monkeypatch):
    warnings = warning_lines(run(tmp_path, monkeypatch, sparse()).output)
    result = run(tmp_path, monkeypatch, sparse(), "--strict")
    assert result.exit_code == 1
    assert "ok (" not in result.output
    lines = located(result.output)
    assert len(lines) == len(warnings) and not warning_lines(result.output)
    assert "study.yaml:6:1 company.address: not given: the summary sheet prints “/”" in (
        result.output)


def test_a_draft_does_not_warn_about_unverified_factors(tmp_path, monkeypatch):
    output = run(tmp_path, monkeypatch, sparse()).output
    assert warning_lines(output)  # the blanks are still there
    assert "is not verified" not in output


def test_factor_published_after_the_issue_date_is_named(tmp_path, monkeypatch):
    # cn-2024's electricity is the 2024 footprint factor, published 2025-09-28
    output = run(tmp_path, monkeypatch, sparse(factor_set="cn-2024")).output
    assert ("study.yaml:15:37 products[0].activities[0].factor: warning: factor electricity "
            "(2024年全国电力平均碳足迹因子) published 2025-09-28, after the report's issue date "
            "2025-02-26") in output


@pytest.mark.parametrize(("issued", "warned"), [
    ("2026-01-31", False),  # published "2026-01": within the same month, not after it
    ("2025-12-31", True),
])
def test_a_month_only_date_is_compared_at_month_precision(tmp_path, monkeypatch, issued,
                                                          warned):
    output = run(tmp_path, monkeypatch, sparse(issued=issued,
                                               electricity="electricity_grid_2023")).output
    message = f"published 2026-01, after the report's issue date {issued}"
    assert (message in output) is warned, output


@pytest.mark.parametrize(("issued", "warned"), [("2025-12-31", False), ("2024-12-31", True)])
def test_a_year_only_date_is_compared_at_year_precision(tmp_path, monkeypatch, issued, warned):
    output = run(tmp_path, monkeypatch, sparse(issued=issued,
                                               electricity="electricity_footprint_2023")).output
    assert (f"published 2025, after the report's issue date {issued}" in output) is warned


def test_study_factor_verified_without_verifier_warns_at_its_entry(tmp_path, monkeypatch):
    study = sparse() + (
        "factors:\n"
        "  - {id: electricity, name: 绿电, value: 0.1, unit: kgCO2e/kWh, source: 供应商 EPD,\n"
        "     verified: true}\n")
    output = run(tmp_path, monkeypatch, study).output
    assert ("study.yaml:18:5 factors[0]: warning: factor electricity (绿电, the study's "
            "factors:) says verified: true but not verified_by: the report cannot say who "
            "checked it; add verified_by and verified_on") in output
    assert "factor electricity (绿电" in output and "is not verified" not in output.split(
        "factor diesel")[0]


def test_a_study_with_errors_lists_its_warnings_after_them(tmp_path, monkeypatch):
    study = sparse().replace("factor: diesel", "factor: diesl")
    with pytest.raises(StudyError) as caught:
        monkeypatch.chdir(tmp_path)
        (tmp_path / "study.yaml").write_text(study, encoding="utf-8")
        check_study("study.yaml")
    severities = [problem.severity for problem in caught.value.problems]
    assert severities[0] == "error" and severities.count("error") == 1
    assert set(severities[1:]) == {"warning"}


def readme_minimal_study() -> str:
    """The first YAML block of the README's "The study file" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The study file", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_readme_minimal_study_validates_with_warnings(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, readme_minimal_study())
    assert result.exit_code == 0, result.output
    warnings = warning_lines(result.output)
    assert warnings, result.output
    assert all(re.match(r"study\.yaml:\d+:\d+ [\w.\[\]]+: warning: ", w) for w in warnings)
    fields = {w.split(" ")[1] for w in warnings}
    assert {"company.address:", "report.team:", "report.site_days:"} <= fields
    # status not written: lacking what a final report needs, it builds as a draft
    assert any(w.startswith("study.yaml:1:1 report.status: warning: not stated, and the study "
                            "lacks what a final (signed) report needs: report.prepared_by, "
                            "report.team, company.legal_representative; it is built as a "
                            "draft") for w in warnings), warnings

    strict = run(tmp_path, monkeypatch, readme_minimal_study(), "--strict")
    assert strict.exit_code == 1
    assert len(located(strict.output)) == len(warnings)


def test_build_prints_the_warnings_and_still_builds(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, sparse(), "-o", "out", "--format", "json",
                 command="build")
    assert result.exit_code == 0, result.output
    assert len(warning_lines(result.output)) >= 10
    assert (tmp_path / "out" / "T-002.json").is_file()


def test_build_strict_builds_nothing_when_there_are_warnings(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, sparse(), "-o", "out", "--format", "json",
                 "--strict", command="build")
    assert result.exit_code == 1
    assert "study.yaml: not built" in result.output
    assert "study.yaml:6:1 company.address: not given" in result.output
    assert not (tmp_path / "out").exists()


# --- warnings about what the report will state (empty stages, ISO 14067 7.3) ---------

def test_cradle_to_grave_leaving_use_and_end_of_life_empty_warns_until_it_says_why(
        tmp_path, monkeypatch):
    lines = warning_lines(run(tmp_path, monkeypatch, sparse()).output)
    for stage in ("use", "end_of_life", "storage"):
        assert any(f"study.stages.{stage}.excluded: warning: cradle-to-grave study has no "
                   f"activity in {stage}" in line for line in lines), stage
    answered = sparse().replace(
        "  factor_set: cn-2022\n",
        "  factor_set: cn-2022\n  stages:\n    use: {excluded: 无源设备，使用阶段无能耗}\n")
    lines = warning_lines(run(tmp_path, monkeypatch, answered).output)
    assert not any("study.stages.use.excluded" in line for line in lines)
    assert any("study.stages.end_of_life.excluded" in line for line in lines)


def test_unanswered_iso_questions_warn_that_the_report_prints_not_assessed(
        tmp_path, monkeypatch):
    lines = warning_lines(run(tmp_path, monkeypatch, sparse()).output)
    for key in ("intended_audience", "biogenic_carbon", "land_use_change",
                "aircraft_emissions", "pcr", "critical_review"):
        assert any(f"study.{key}: warning: not given: the report prints 未评估" in line
                   for line in lines), key
    assert any("products[0].reference_flow: warning" in line for line in lines)
    assert any("products[0].activities: warning: 2 of 2 activities have no source" in line
               for line in lines)
    answered = sparse().replace("  factor_set: cn-2022\n",
                                "  factor_set: cn-2022\n  biogenic_carbon: 不涉及\n")
    lines = warning_lines(run(tmp_path, monkeypatch, answered).output)
    assert not any("study.biogenic_carbon" in line for line in lines)


def test_co2_only_electricity_warns_and_strict_fails_on_content_warnings(tmp_path,
                                                                          monkeypatch):
    result = run(tmp_path, monkeypatch, sparse())
    assert result.exit_code == 0
    assert any("electricity is a CO2-only grid factor" in line
               for line in warning_lines(result.output))
    footprint = run(tmp_path, monkeypatch, sparse(factor_set="cn-2024"))
    assert not any("CO2-only" in line for line in warning_lines(footprint.output))
    assert run(tmp_path, monkeypatch, sparse(), "--strict").exit_code == 1
