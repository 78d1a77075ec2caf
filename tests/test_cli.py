"""The command line: help everywhere, readable tables, the results JSON contract."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cfpreport.cli import main
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert main.commands[command].help


def test_every_command_is_documented_in_readme():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"cfpreport {command}" in readme


def test_calc_prints_a_table_per_product():
    result = CliRunner().invoke(main, ["calc", str(YUANYU)])
    assert result.exit_code == 0, result.output
    assert "一二次融合成套柱上断路器" in result.output
    assert "0.0677" in result.output and "0.0508" in result.output
    assert "99.98 %" in result.output  # and the note saying why
    assert "largest-remainder" in result.output
    assert "need not add up" not in result.output  # seed 000's stages do add up


def test_calc_notes_stages_that_do_not_add_up_to_the_total():
    result = CliRunner().invoke(main, ["calc", str(XINGYUE)])
    assert result.exit_code == 0, result.output
    assert "9.9565" in result.output and "15.0006" in result.output
    assert "因数值修约，分项之和与合计可能存在微小差异" in result.output


def test_calc_json_follows_the_contract():
    result = CliRunner().invoke(main, ["calc", str(YUANYU), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema"] == "cfpreport.results/1"
    assert document["report_number"] == "T4100013"
    assert document["factor_set"]["name"] == "cn-2022"
    assert len(document["factor_set"]["sha256"]) == 64
    assert document["gwp"] == "AR5"
    breaker = document["products"][0]
    assert breaker["id"] == "zw32"
    assert breaker["total_kgco2e"] == pytest.approx(67.6806, abs=1e-4)
    assert breaker["display"]["unit"] == "tCO2e"
    assert breaker["display"]["total"] == "0.0677"
    assert breaker["display"]["stages"]["raw_material_acquisition"] == {
        "value": "0.0227", "share": "33.53"}
    assert "use" not in breaker["stages"]  # stages without activities are absent
    first = breaker["activities"][0]
    assert first["amount"] == 17175 and first["unit"] == "kWh"
    assert first["amount_per_unit"] == pytest.approx(17175 / 406)
    assert first["factor_value"] == 0.5366 and first["factor_unit"] == "kgCO2/kWh"
    assert first["kgco2e"] == pytest.approx(22.6998, abs=1e-4)
    assert sum(breaker["stages"].values()) == pytest.approx(breaker["total_kgco2e"])
    assert first["display"] == {"value": "0.0227"} and first["data_type"] == "primary"
    assert breaker["display"]["stages_add_up"] is True


def test_calc_json_gas_rows_name_the_gas():
    document = json.loads(CliRunner().invoke(main, ["calc", str(RING_MAIN_UNIT), "--json"])
                          .output)
    gas_rows = [a for a in document["products"][0]["activities"] if "gas" in a]
    assert gas_rows and all(a["gas"] == "SF6" and a["factor_unit"] == "kgCO2e/kg"
                            for a in gas_rows)
    assert {a["factor_value"] for a in gas_rows} == {25200}  # AR6


def test_calc_with_another_factor_set():
    result = CliRunner().invoke(main, ["calc", str(XINGYUE), "--factor-set", "cn-2022",
                                       "--json"])
    assert json.loads(result.output)["factor_set"]["name"] == "cn-2022"


def test_validate_all_samples():
    result = CliRunner().invoke(main, ["validate", str(YUANYU), str(XINGYUE),
                                       str(RING_MAIN_UNIT)])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == 3


def test_factors_lists_sets_and_shows_units_and_sources():
    assert "cn-2024" in CliRunner().invoke(main, ["factors"]).output
    output = CliRunner().invoke(main, ["factors", "cn-2022"]).output
    assert "0.5366  kgCO2/kWh" in output
    assert "43.33 GJ/t x 0.0202 tC/GJ x 0.98 x 44/12 = 3.1451 tCO2/t" in output
    document = json.loads(CliRunner().invoke(main, ["factors", "cn-2024", "--json"]).output)
    assert document["factors"]["diesel"]["chain"]["ncv"] == 42.652
    assert document["aliases"]["electricity"] == "electricity_footprint_2024"


def test_unknown_factor_set_is_a_user_error():
    result = CliRunner().invoke(main, ["factors", "nope"])
    assert result.exit_code == 1
    assert "unknown factor set 'nope'" in result.output


@pytest.mark.parametrize("subcommand", sorted(main.commands["factors"].commands))
def test_factors_subcommands_have_help_and_are_documented(subcommand):
    from tests.conftest import ROOT

    result = CliRunner().invoke(main, ["factors", subcommand, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"cfpreport factors {subcommand}" in readme


def test_factors_export_writes_a_set_file_and_refuses_to_overwrite_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["factors", "export", "cn-2024", "-o", "our.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output == "our.yaml: 24 factors of cn-2024 2024.2\n"
    text = (tmp_path / "our.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Factor set cn-2024 2024.2, exported by cfpreport")
    assert "factor_set: ./our.yaml" in text  # the header says how to use it

    again = CliRunner().invoke(main, ["factors", "export", "cn-2024", "-o", "our.yaml"])
    assert again.exit_code == 1
    assert "error: our.yaml exists; pass --force to overwrite it" in again.output
    forced = CliRunner().invoke(main, ["factors", "export", "cn-2022", "-o", "our.yaml",
                                       "--force"])
    assert forced.exit_code == 0 and "cn-2022" in (tmp_path / "our.yaml").read_text("utf-8")


def test_factors_export_to_stdout_and_show_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exported = CliRunner().invoke(main, ["factors", "export", "cn-2022"]).output
    (tmp_path / "set.yaml").write_text(exported, encoding="utf-8")
    for args in (["factors", "./set.yaml"], ["factors", "show", "set.yaml"]):
        output = CliRunner().invoke(main, args).output
        assert output.startswith("cn-2022 2022.3: ")
        assert "file set.yaml" in output and "0.5366  kgCO2/kWh" in output


def test_validate_and_calc_with_a_set_file_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["factors", "export", "cn-2022", "-o", "mine.yaml"])
    result = CliRunner().invoke(main, ["validate", str(YUANYU), "--factor-set", "mine.yaml"])
    assert result.exit_code == 0, result.output
    document = json.loads(CliRunner().invoke(main, ["calc", str(YUANYU), "--factor-set",
                                                    "./mine.yaml", "--json"]).output)
    assert document["products"][0]["display"]["total"] == "0.0677"
    missing = CliRunner().invoke(main, ["calc", str(YUANYU), "--factor-set", "./none.yaml"])
    assert missing.exit_code == 1
    assert "error: --factor-set ./none.yaml: factor set file './none.yaml' not found" in (
        missing.output)


def test_validate_strict_fails_a_study_with_warnings():
    plain = CliRunner().invoke(main, ["validate", str(YUANYU)])
    assert plain.exit_code == 0 and "warnings)" in plain.output
    strict = CliRunner().invoke(main, ["validate", "--strict", str(YUANYU)])
    assert strict.exit_code == 1
    assert ": warning: " not in strict.output
    assert "products[0].activities[0].factor: factor electricity" in strict.output


def test_factors_export_into_a_missing_folder_is_one_line(tmp_path):
    target = tmp_path / "missing" / "x.yaml"
    result = CliRunner().invoke(main, ["factors", "export", "cn-2022", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: cannot write {target}: no such file or directory (ENOENT)"]
    assert not target.parent.exists()
