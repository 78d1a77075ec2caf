"""The uncertainty analysis against closed forms and hand calculations (issue 11)."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from cfpreport.calculation.factors import load_factor_set
from cfpreport.calculation.results_json import dumps, results_document
from cfpreport.calculation.uncertainty import pedigree, uncertainty_analysis
from cfpreport.calculation.uncertainty.inputs import study_inputs
from cfpreport.calculation.uncertainty.simulation import simulate
from cfpreport.cli import main
from cfpreport.input.study import Study
from tests.conftest import BASE_STUDY, YUANYU, make_study, priced

Z975 = NormalDist().inv_cdf(0.975)  # 1.959964

# A study factor without spread: the amount's spread alone moves the result.
FIXED = {"id": "power", "name": "电", "value": 0.5, "unit": "kgCO2e/kWh", "source": "测试",
         "uncertainty": {"distribution": "lognormal", "gsd": 1}}


def analysed(study: Study, factor_set: str | None = None) -> dict:
    return uncertainty_analysis(study, priced(study, factor_set))["products"]


def activity(amount: float, spread: dict | None = None, factor: str = "power",
             **fields: object) -> dict:
    found = {"stage": "production", "factor": factor, "amount": amount, "unit": "kWh",
             **fields}
    if spread is not None:
        found["uncertainty"] = spread
    return found


def test_same_seed_gives_the_same_json_bytes_and_another_seed_other_numbers() -> None:
    def document(seed: int) -> str:
        study = make_study([activity(100), activity(50, stage="distribution")],
                           factors=[{**FIXED, "uncertainty": {"distribution": "normal",
                                                              "sd": 0.05}}],
                           uncertainty={"runs": 2000, "seed": seed})
        return dumps(results_document(study, priced(study)))

    assert document(7) == document(7)
    assert document(7) != document(8)


def test_default_runs_and_seed_are_in_the_results() -> None:
    found = analysed(make_study([activity(100)], factors=[FIXED]))["p1"]["uncertainty"]
    assert (found["runs"], found["seed"]) == (10_000, 14067)


def test_a_single_lognormal_activity_matches_the_closed_form() -> None:
    # amount 100 kWh x 0.5 = 50 kg, gsd 1.2: median 50, 95 % interval 50 / 1.2**1.96 ..
    # 50 x 1.2**1.96 = 34.86 .. 71.71
    study = make_study([activity(100, {"distribution": "lognormal", "gsd": 1.2})],
                       factors=[FIXED], uncertainty={"runs": 100_000})
    found = analysed(study)["p1"]["uncertainty"]
    assert found["median"] == pytest.approx(50, rel=0.01)
    assert found["p2_5"] == pytest.approx(50 / 1.2 ** Z975, rel=0.01)
    assert found["p97_5"] == pytest.approx(50 * 1.2 ** Z975, rel=0.01)
    assert found["mean"] == pytest.approx(50 * math.exp(math.log(1.2) ** 2 / 2), rel=0.01)
    histogram = found["histogram"]
    assert sum(histogram["counts"]) == 100_000 and len(histogram["edges"]) == 41
    assert histogram["edges"][0] == pytest.approx(50 / 1.2 ** NormalDist().inv_cdf(0.999),
                                                  rel=0.01)


def test_the_sum_of_independent_normals_has_the_analytic_sd() -> None:
    # 0.5 x N(100, 10) + 0.5 x N(40, 6) + 0.5 x N(80, 8): sd = 0.5 sqrt(100 + 36 + 64)
    study = make_study([activity(100, {"distribution": "normal", "sd": 10}),
                        activity(40, {"distribution": "normal", "sd": 6}, stage="use"),
                        activity(80, {"distribution": "normal", "sd": 8})],
                       factors=[FIXED], uncertainty={"runs": 50_000})
    found = analysed(study)["p1"]["uncertainty"]
    assert found["sd"] == pytest.approx(0.5 * math.sqrt(200), rel=0.02)
    assert found["mean"] == pytest.approx(110, rel=0.005)
    assert found["stages"]["use"]["sd"] == pytest.approx(3, rel=0.02)


def test_the_pedigree_combination_reproduces_a_hand_worked_case() -> None:
    # scores reliability 4, completeness 3, temporal 2, geographical 5, technological 1
    # and basic uncertainty 1.05 (Weidema et al. 2013, tables 10.4 and 10.5):
    #   U = 1.05 (basic), 1.20, 1.05, 1.03, 1.10, 1.00
    #   sigma_i**2 = ln(U)**2 / 4 = 0.000595, 0.008310, 0.000595, 0.000218, 0.002271, 0
    #   sigma**2 = 0.011990, sigma = 0.109499, GSD = e**sigma = 1.11572, GSD95 = 1.24483
    scored = {"reliability": 4, "completeness": 3, "temporal": 2, "geographical": 5,
              "technological": 1}
    sigma = pedigree.sigma(scored, 1.05)
    assert sigma == pytest.approx(0.109499, abs=1e-6)
    assert math.exp(sigma) == pytest.approx(1.11572, abs=1e-5)
    assert math.exp(2 * sigma) == pytest.approx(1.24483, abs=1e-5)
    # the guideline prints the variances rounded: reliability 4 is 0.008, technological 5
    # is 0.12
    assert math.log(pedigree.UNCERTAINTY_FACTORS["reliability"][3]) ** 2 / 4 == pytest.approx(
        0.008, abs=5e-4)
    assert math.log(pedigree.UNCERTAINTY_FACTORS["technological"][4]) ** 2 / 4 == (
        pytest.approx(0.12, abs=5e-3))


def test_an_activity_takes_the_scores_it_gives_and_its_data_types_for_the_rest() -> None:
    study = make_study([activity(100, pedigree={"reliability": 4}, data_type="secondary")],
                       factors=[FIXED])
    (found,) = study_inputs(study, priced(study)).activities
    assert found.scores == {"reliability": 4, "completeness": 3, "temporal": 3,
                            "geographical": 2, "technological": 3}
    assert found.amount.sigma == pedigree.sigma(found.scores, 1.05)
    assert found.amount.origin == "pedigree"


def test_zero_uncertainty_gives_a_zero_width_interval_at_the_point_result() -> None:
    zero = {"distribution": "normal", "sd": 0}
    flat = {"distribution": "lognormal", "gsd": 1}
    study = make_study(
        [activity(28022, flat, basis="annual"),
         activity(0.14, zero, factor="diesel", unit="t", basis="annual",
                  stage="distribution"),
         activity(17175, zero, basis="annual", stage="raw_material_acquisition"),
         {"stage": "use", "gas": "SF6", "amount": 0.013, "unit": "kg", "uncertainty": zero}],
        annual_output=406, uncertainty={"runs": 1000},
        factors=[{**FIXED, "value": 0.5366},
                 {"id": "diesel", "name": "柴油", "value": 3.1451, "unit": "tCO2/t",
                  "source": "测试", "uncertainty": zero}])
    results = priced(study)
    found = analysed(study)["p1"]["uncertainty"]
    total = float(results.products["kgco2e"].iloc[0])
    for key in ("mean", "median", "p2_5", "p97_5"):
        assert found[key] == total
    assert found["sd"] == 0
    assert found["histogram"] == {"edges": [total, total], "counts": [1000]}
    for row in results.stages.itertuples():
        stage = found["stages"][row.stage]
        assert stage["p2_5"] == stage["p97_5"] == stage["mean"] == row.kgco2e


def test_a_factor_is_drawn_once_per_run_for_every_activity_that_uses_it() -> None:
    # amounts fixed; one factor N(0.5, 0.05) on 100 kWh and on 300 kWh: the total
    # 0.5 x 400 = 200 kg has sd 400 x 0.05 = 20 (correlated), not
    # 0.05 sqrt(100**2 + 300**2) = 15.8 (independent)
    zero = {"distribution": "normal", "sd": 0}
    study = make_study([activity(100, zero), activity(300, zero, stage="use")],
                       factors=[{**FIXED, "uncertainty": {"distribution": "normal",
                                                          "sd": 0.05}}],
                       uncertainty={"runs": 50_000})
    found = analysed(study)["p1"]["uncertainty"]
    assert found["sd"] == pytest.approx(20, rel=0.02)
    assert abs(found["sd"] - 0.05 * math.sqrt(100**2 + 300**2)) > 3


def test_two_products_share_the_draws_of_their_common_factor() -> None:
    zero = {"distribution": "normal", "sd": 0}
    data = copy.deepcopy(BASE_STUDY)
    data["products"] = [{"id": p, "name": p, "activities": [activity(amount, zero)]}
                        for p, amount in (("a", 10), ("b", 30))]
    data["factors"] = [{**FIXED, "uncertainty": {"distribution": "lognormal", "gsd": 1.1}}]
    study = Study.model_validate(data)
    samples = simulate(study_inputs(study, priced(study)), 1000, 1)
    a, b = samples.row("a")[0], samples.row("b")[0]
    assert np.allclose(b, 3 * a)  # one draw of the factor per run, for both products


def test_dqr_by_hand() -> None:
    # 300 kWh (0.75 of the result) scored 1,1,1,1,1 (TeR GeR TiR P = 1)
    # 100 kWh (0.25) scored P 3, TiR 2, GeR 4, TeR 5 (completeness 2 is not in the DQR)
    # TeR = 0.75 + 1.25 = 2.0, GeR = 0.75 + 1.0 = 1.75, TiR = 0.75 + 0.5 = 1.25,
    # P = 0.75 + 0.75 = 1.5; DQR = 6.5 / 4 = 1.625: very good; primary share 0.75
    ones = dict.fromkeys(pedigree.INDICATORS, 1)
    study = make_study([
        activity(300, pedigree=ones),
        activity(100, data_type="secondary", pedigree={
            "reliability": 3, "completeness": 2, "temporal": 2, "geographical": 4,
            "technological": 5})], factors=[FIXED])
    found = analysed(study)["p1"]["dqr"]
    assert found["indicators"] == pytest.approx({"TeR": 2.0, "GeR": 1.75, "TiR": 1.25,
                                                 "P": 1.5})
    assert found["rating"] == pytest.approx(1.625)
    assert found["class"] == "very_good"
    assert found["primary_data_share"] == pytest.approx(0.75)


@pytest.mark.parametrize(("rating", "name"), [(1.6, "excellent"), (1.61, "very_good"),
                                              (2.0, "very_good"), (3.0, "good"),
                                              (3.5, "fair"), (4.01, "poor")])
def test_dqr_classes_follow_pef(rating: float, name: str) -> None:
    from cfpreport.calculation.uncertainty.quality import dqr_class

    assert dqr_class(rating) == name


def test_hot_spots_stop_at_80_percent_and_sensitivity_moves_each_quantity() -> None:
    # 50 %, 30 %, 15 %, 5 % of 200 kg: the first two make up 80 %
    zero = {"distribution": "normal", "sd": 0}
    study = make_study([activity(60, zero), activity(200, zero), activity(20, zero),
                        activity(120, zero)],
                       factors=[{**FIXED, "uncertainty": {"distribution": "lognormal",
                                                          "gsd": 1.1}}])
    found = analysed(study)["p1"]
    assert [(h["row"], h["share"], h["factor"]) for h in found["hot_spots"]] == [
        (1, 0.5, "power"), (3, 0.3, "power")]
    assert found["hot_spots"][-1]["cumulative_share"] == pytest.approx(0.8)
    (factor,) = found["sensitivity"]  # amounts without spread move nothing
    assert factor["factor"] == "power"
    assert factor["high_kgco2e"] == pytest.approx(200 * 1.1 ** Z975)
    assert factor["low_change"] == pytest.approx(200 * (1.1 ** -Z975 - 1))


def test_exceedance_probabilities_in_the_studys_unit() -> None:
    study = make_study([activity(100, {"distribution": "uniform", "min": 60, "max": 140})],
                       factors=[FIXED], uncertainty={"runs": 40_000, "exceed": [40, 65]})
    found = analysed(study)["p1"]["uncertainty"]["exceed"]
    # 0.5 x U(60, 140) = U(30, 70): P(> 40) = 0.75, P(> 65) = 0.125
    assert found["40"]["probability"] == pytest.approx(0.75, abs=0.01)
    assert found["65"]["probability"] == pytest.approx(0.125, abs=0.01)
    assert found["65"]["kgco2e"] == 65


def test_the_shipped_sets_carry_their_kinds_default_spread() -> None:
    for set_name in ("cn-2022", "cn-2024"):
        for factor in load_factor_set(set_name).factors.values():
            assert factor.uncertainty is not None, factor.id
            assert factor.uncertainty.gsd == pytest.approx(
                pedigree.factor_kind_gsd(factor.kind), abs=5e-5), factor.id


def test_scenarios_by_hand() -> None:
    # 1000 kWh per unit on cn-2022's 2022 grid factor 0.5366: 536.6 kg
    electricity = {"stage": "production", "factor": "electricity", "amount": 1000,
                   "unit": "kWh"}
    study = make_study([electricity], grid_region="south")
    analysis = analysed(study)["p1"]
    found = analysis["scenario_details"]
    # name -> total, of the scenarios made; the details say why the others were not
    assert analysis["scenarios"] == {"electricity_footprint": pytest.approx(620.5),
                                     "regional_grid": pytest.approx(386.9)}
    # the footprint factor nearest 2022 is 2023's, 0.6205: 620.5 kg, +15.636 %
    assert found["electricity_footprint"]["total_kgco2e"] == pytest.approx(620.5)
    assert found["electricity_footprint"]["change_percent"] == pytest.approx(
        100 * (620.5 - 536.6) / 536.6)
    assert found["electricity_grid_co2"]["reason"] == "same_as_study"
    # southern grid 2022: 0.3869
    assert found["regional_grid"]["total_kgco2e"] == pytest.approx(386.9)
    assert found["regional_grid"]["region_from"] == "study.grid_region"
    assert found["allocation_mass"]["reason"] == "nothing_shared"


def test_the_region_comes_from_the_address_or_is_not_guessed() -> None:
    electricity = {"stage": "production", "factor": "electricity", "amount": 1000,
                   "unit": "kWh"}

    def regional(address: str | None) -> dict:
        data = copy.deepcopy(BASE_STUDY)
        data["products"][0]["activities"] = [electricity]
        if address:
            data["company"]["address"] = address
        return analysed(Study.model_validate(data))["p1"]["scenario_details"]["regional_grid"]

    east = regional("安徽省合肥市巢湖市")
    assert (east["region"], east["region_from"]) == ("east", "company.address")
    assert east["total_kgco2e"] == pytest.approx(561.7)
    assert regional("内蒙古自治区包头市")["reason"] == "region_ambiguous"
    assert regional("合肥市")["reason"] == "no_region"
    assert regional(None)["reason"] == "no_region"


def test_allocation_by_mass_shares_the_plants_annual_amount() -> None:
    # the plant used 1000 kWh a year: product a (10 units, 2 kg) listed 600, b (20 units,
    # 1 kg) 400. By mass: a gets 1000 x 2 / (2 x 10 + 1 x 20) = 50 kWh per unit (26.83 kg
    # at 0.5366), b 1000 x 1 / 40 = 25 kWh per unit (13.415 kg)
    data = copy.deepcopy(BASE_STUDY)
    data["products"] = [
        {"id": p, "name": p, "annual_output": output, "mass_kg": mass, "activities": [
            {"stage": "production", "factor": "electricity", "amount": amount,
             "unit": "kWh", "basis": "annual"}]}
        for p, output, mass, amount in (("a", 10, 2, 600), ("b", 20, 1, 400))]
    found = analysed(Study.model_validate(data))
    masses = {product: found[product]["scenario_details"]["allocation_mass"]
              for product in ("a", "b")}
    assert masses["a"]["total_kgco2e"] == pytest.approx(26.83)
    assert masses["b"]["total_kgco2e"] == pytest.approx(13.415)
    assert found["a"]["scenarios"]["allocation_mass"] == pytest.approx(26.83)
    del data["products"][1]["mass_kg"]
    found = analysed(Study.model_validate(data))
    assert found["a"]["scenario_details"]["allocation_mass"]["reason"] == "no_mass"


def test_calc_scenarios_prints_the_table() -> None:
    result = CliRunner().invoke(main, ["calc", str(YUANYU), "--scenarios"])
    assert result.exit_code == 0, result.output
    assert "electricity_footprint  0.0774  +14.40 %" in result.output
    assert "electricity_grid_co2: the study already prices" in result.output


def test_the_results_json_carries_the_analysis_per_product() -> None:
    from cfpreport.pipeline import load_and_calculate

    calculated = load_and_calculate(YUANYU)
    document = results_document(calculated.study, calculated.results)
    for product in document["products"]:
        assert set(product["uncertainty"]) >= {"runs", "seed", "mean", "median", "sd",
                                               "p2_5", "p97_5", "stages"}
        assert set(product["uncertainty"]["stages"]) == set(product["stages"])
        assert set(product["dqr"]) >= {"rating", "class", "primary_data_share"}
        assert product["uncertainty"]["p2_5"] < product["total_kgco2e"] < (
            product["uncertainty"]["p97_5"])
        assert {"hot_spots", "sensitivity", "scenarios"} <= set(product)


BAD_KEYS = [
    ("{distribution: lognormal}", "uncertainty: distribution: lognormal needs one of gsd"),
    ("{gsd: 1.2, gsd95: 1.44}", "needs one of gsd (the geometric standard deviation"),
    ("{min: 3, max: 9}", "uncertainty.distribution: missing required key"),
    ("{distribution: lognormal, gsd: 0.5}",
     "uncertainty.gsd: input should be greater than or equal to 1"),
    ("{distribution: normal, sd: 1, gsd: 2}", "takes sd, not gsd"),
    ("{distribution: gamma, gsd: 2}", "uncertainty.distribution"),
    ("{distribution: uniform, min: 30000, max: 40000}",
     "uncertainty.min: 30000 is above the value it spreads (28022)"),
    ("{distribution: triangular, min: 3, max: 1}", "min 3 is above max 1"),
]


@pytest.mark.parametrize(("spread", "message"), BAD_KEYS)
def test_bad_uncertainty_keys_are_one_located_line(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   spread: str, message: str) -> None:
    from tests.test_bad_inputs import BASE, assert_refused, located_lines, run

    line = "      - {stage: production, factor: electricity, amount: 28022, unit: kWh, "
    study = BASE.replace(line + "basis: annual}",
                         line + f"basis: annual, uncertainty: {spread}}}")
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    (error,) = located_lines(result.output)
    assert error.startswith("study.yaml:15:"), error
    assert "products[0].activities[0].uncertainty" in error
    assert message in error, error


@pytest.mark.parametrize(("insert", "where", "message"), [
    ("      pedigree: {reliability: 6}\n", "pedigree.reliability", "less than or equal to 5"),
    ("      pedigree: {precision: 2}\n", "pedigree.precision", ""),
])
def test_bad_pedigree_keys_are_one_located_line(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                insert: str, where: str,
                                                message: str) -> None:
    from tests.test_bad_inputs import assert_refused, located_lines, run

    data = copy.deepcopy(BASE_STUDY)
    data["products"][0]["activities"] = [{"stage": "production", "factor": "electricity",
                                          "amount": 1, "unit": "kWh"}]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    text = text.replace("    unit: kWh\n", "    unit: kWh\n" + insert[2:])
    result = run(tmp_path, monkeypatch, text)
    assert_refused(result)
    (error,) = located_lines(result.output)
    assert f"products[0].activities[0].{where}" in error and message in error, error


def test_bad_study_settings_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    from tests.test_bad_inputs import BASE, assert_refused, located_lines, run

    study = BASE.replace("  factor_set: cn-2022\n",
                         "  factor_set: cn-2022\n  uncertainty: {runs: 10}\n"
                         "  grid_region: mars\n")
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    errors = located_lines(result.output)
    assert any(e.startswith("study.yaml:10:") and "study.uncertainty.runs" in e
               for e in errors), errors
    assert any(e.startswith("study.yaml:11:") and "study.grid_region" in e and "southwest" in e
               for e in errors), errors


def test_uncertainty_keys_travel_through_a_workbook(tmp_path: Path) -> None:
    from cfpreport.input.conversion import convert_studies
    from cfpreport.pipeline import check_study
    from tests.test_conversion import same_study

    data = copy.deepcopy(BASE_STUDY)
    data["study"] |= {"uncertainty": {"runs": 500, "seed": 3}, "grid_region": "east"}
    data["products"][0] |= {"mass_kg": 12.5, "activities": [
        activity(100, {"distribution": "triangular", "min": 90, "mode": 95, "max": 120},
                 pedigree={"reliability": 3, "technological": 2}),
        activity(5, {"distribution": "lognormal", "gsd": 1.3}, stage="use")]}
    data["factors"] = [{**FIXED, "uncertainty": {"distribution": "normal", "sd": 0.02}}]
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    convert_studies([study], tmp_path / "book.xlsx")
    convert_studies([tmp_path / "book.xlsx"], tmp_path / "back")
    back = check_study(tmp_path / "back" / "T-1" / "study.yaml")
    same_study(check_study(study), back)
    assert back.study.products[0].activities[0].pedigree.reliability == 3


def test_an_exceedance_value_must_be_a_finite_number(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_bad_inputs import BASE, assert_refused, located_lines, run

    study = BASE.replace("  factor_set: cn-2022\n",
                         "  factor_set: cn-2022\n  uncertainty: {exceed: [0.07, .nan]}\n")
    result = run(tmp_path, monkeypatch, study)
    assert_refused(result)
    (error,) = located_lines(result.output)
    assert error.startswith("study.yaml:10:") and "study.uncertainty.exceed[1]" in error, error


def test_factors_show_prints_each_factors_spread() -> None:
    from cfpreport.calculation.factors import Factor
    from cfpreport.text_tables import spread_text

    output = CliRunner().invoke(main, ["factors", "cn-2022"]).output
    assert "spread" in output.splitlines()[3]
    line = next(row for row in output.splitlines() if row.startswith("diesel "))
    assert line.endswith("gsd 1.0625")
    bare = Factor(id="x", name="x", value=2, unit="kgCO2e/kg", source="s", kind="material")
    # material: basic 1.05, scores 3, 3, 3, 2, 3 -> U 1.05, 1.10, 1.05, 1.10, 1.01, 1.20
    # sigma**2 = (0.0023805 + 0.0090840 + 0.0023805 + 0.0090840 + 0.0000990 + 0.0332410) / 4
    #          = 0.0140673, sigma = 0.118606, gsd = 1.12593
    assert spread_text(bare) == "gsd 1.1259 (kind)"


def test_chunks_do_not_change_the_draws() -> None:
    # runs are drawn in chunks of CHUNK_RUNS: a longer simulation starts with the shorter
    from cfpreport.calculation.uncertainty.simulation import CHUNK_RUNS

    study = make_study([activity(100), activity(50, {"distribution": "triangular", "min": 40,
                                                     "max": 70}, stage="use")],
                       factors=[{**FIXED, "uncertainty": {"distribution": "uniform",
                                                          "min": 0.4, "max": 0.6}}])
    inputs = study_inputs(study, priced(study))
    short = simulate(inputs, CHUNK_RUNS, 5).values
    long = simulate(inputs, 2 * CHUNK_RUNS + 10, 5).values
    assert np.array_equal(long[:, :CHUNK_RUNS], short)


def test_a_product_of_zero_emissions_is_analysed_without_claims() -> None:
    found = analysed(make_study([activity(0)], factors=[FIXED]))["p1"]
    assert found["uncertainty"]["p97_5"] == found["uncertainty"]["p2_5"] == 0
    assert found["dqr"]["primary_data_share"] is None
    assert found["hot_spots"][0]["share"] == 0


def test_a_spread_may_be_written_with_gsd95_or_without_its_distribution() -> None:
    study = make_study([activity(100, {"gsd95": 1.44}), activity(100, {"gsd": 1.2}),
                        activity(100, {"sd": 3}), activity(100, {"min": 90, "mode": 95,
                                                                  "max": 120})],
                       factors=[FIXED])
    spreads = [a.amount for a in study_inputs(study, priced(study)).activities]
    assert spreads[0].sigma == pytest.approx(math.log(1.2))  # ln(1.44) / 2
    assert spreads[0].sigma == pytest.approx(spreads[1].sigma)
    assert [s.distribution for s in spreads] == ["lognormal", "lognormal", "normal",
                                                 "triangular"]


def test_the_dqr_lists_each_activitys_scores_for_a_data_quality_table() -> None:
    study = make_study([activity(300, pedigree={"reliability": 1}),
                        activity(100, data_type="secondary"),
                        activity(100, {"distribution": "normal", "sd": 5})], factors=[FIXED])
    rows = analysed(study)["p1"]["dqr"]["activities"]
    assert [r["weight"] for r in rows] == pytest.approx([0.6, 0.2, 0.2])
    assert [r["scores_from"] for r in rows] == ["study", "data type default",
                                                "data type default"]
    assert (rows[0]["reliability"], rows[0]["completeness"]) == (1, 2)  # 2: primary default
    assert rows[1]["technological"] == 3  # secondary default
    assert [r["amount_spread"]["origin"] for r in rows] == ["pedigree", "data type default",
                                                            "stated"]


def test_calc_prints_each_products_interval_and_dqr() -> None:
    result = CliRunner().invoke(main, ["calc", str(YUANYU)])
    assert result.exit_code == 0, result.output
    # zw32: p2_5 61.62 kg, p97_5 74.36 kg (seed 14067), printed in t to 4 decimals
    assert ("95 % interval 0.0616 .. 0.0744 tCO2e (Monte Carlo, 10000 runs, seed 14067); "
            "DQR 1.25 (excellent, from the data types' default scores)") in result.output


def test_scenarios_by_hand_on_the_seed_000_sample() -> None:
    # zw32 uses (17175 + 28022 + 1967) kWh / 406 units = 116.167 kWh per unit at 0.5366;
    # the footprint scenario prices it at 0.6205 (2023, nearest to 2022): + 116.167 x
    # 0.0839 = + 9.7464 kg; the company address starts with 安徽: East China grid 0.5617
    from cfpreport.pipeline import load_and_calculate

    calculated = load_and_calculate(YUANYU)
    found = uncertainty_analysis(calculated.study, calculated.results)["products"]["zw32"]
    total = float(calculated.results.products.set_index("product").loc["zw32", "kgco2e"])
    kwh = (17175 + 28022 + 1967) / 406
    footprint = found["scenario_details"]["electricity_footprint"]
    assert footprint["total_kgco2e"] == pytest.approx(total + kwh * (0.6205 - 0.5366))
    assert footprint["change_percent"] == pytest.approx(100 * kwh * 0.0839 / total)
    regional = found["scenario_details"]["regional_grid"]
    assert regional["total_kgco2e"] == pytest.approx(total + kwh * (0.5617 - 0.5366))
    assert (regional["region"], regional["region_from"]) == ("east", "company.address")


def test_more_runs_than_memory_keeps_are_refused_at_runs(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from tests.test_bad_inputs import BASE, assert_refused, located_lines, run

    # one product of three stages: 4 sums; 32 000 000 / 4 = 8 000 000 runs at most
    study = BASE.replace("  factor_set: cn-2022\n",
                         "  factor_set: cn-2022\n  uncertainty: {runs: 1000000}\n")
    assert run(tmp_path, monkeypatch, study).exit_code == 0
    many = BASE.replace("  factor_set: cn-2022\n",
                        "  factor_set: cn-2022\n  uncertainty: {runs: 1000000}\n") + "".join(
        f"  - id: p{i}\n    name: 产品{i}\n    activities:\n"
        f"      - {{stage: production, factor: electricity, amount: 1, unit: kWh}}\n"
        for i in range(2, 40))
    result = run(tmp_path, monkeypatch, many)
    assert_refused(result)
    (error,) = located_lines(result.output)
    assert error.startswith("study.yaml:10:") and "study.uncertainty.runs" in error
    assert "80 totals and stages" in error and "at most 400000 runs" in error, error


def test_a_chunk_holds_fewer_runs_for_a_large_study() -> None:
    from cfpreport.calculation.uncertainty.simulation import CHUNK_RUNS, chunk_runs

    assert chunk_runs(62) == CHUNK_RUNS  # 50 activities, 12 factors: the full chunk
    assert chunk_runs(1300) * 1300 <= 2**21  # 1 200 activities: 16 MB a matrix at most


@pytest.mark.parametrize(("written", "read"), [
    ({"type": "log-normal", "gsd": 1.2}, {"distribution": "lognormal", "gsd": 1.2}),
    ({"distribution": "Gaussian", "sd": 3}, {"distribution": "normal", "sd": 3}),
    ({"type": "triangle", "low": 1, "most_likely": 2, "high": 4},
     {"distribution": "triangular", "min": 1, "mode": 2, "max": 4}),
    ({"distribution": "rectangular", "lower": 1, "upper": 4},
     {"distribution": "uniform", "min": 1, "max": 4}),
])
def test_other_tools_spellings_of_a_spread_are_read_as_ours(written, read) -> None:
    from cfpreport.input.uncertainty_keys import StatedUncertainty

    assert StatedUncertainty.model_validate(written) == StatedUncertainty.model_validate(read)


def test_a_key_given_both_ways_keeps_ours_and_refuses_the_other() -> None:
    from pydantic import ValidationError

    from cfpreport.input.uncertainty_keys import StatedUncertainty

    with pytest.raises(ValidationError, match="low"):
        StatedUncertainty.model_validate({"distribution": "uniform", "min": 1, "low": 0,
                                          "max": 4})
