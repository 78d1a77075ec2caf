"""The engine against the seeds' published tables and against hand calculations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cfpreport.pipeline import load_and_calculate
from tests.conftest import XINGYUE, YUANYU, make_study, priced

SEED_000 = {  # tables 5.2.1-1 and 5.2.2-1 of report T4100013: (value, share)
    "zw32": {"raw_material_acquisition": ("0.0227", "33.53"),
             "raw_material_transport": ("0.0031", "4.58"),
             "production": ("0.0382", "56.43"),
             "distribution": ("0.0011", "1.62"),
             "end_of_life": ("0.0026", "3.84")},
    "yy-aimv": {"raw_material_acquisition": ("0.0110", "21.65"),
                "raw_material_transport": ("0.0002", "0.39"),
                "production": ("0.0370", "72.83"),
                "distribution": ("0.0005", "0.98"),
                "end_of_life": ("0.0021", "4.13")},
}


def shown(results, product: str) -> dict[str, tuple[str, str]]:
    rows = results.stages[results.stages["product"] == product]
    return {row.stage: (row.shown, row.share) for row in rows.itertuples()}


def total(results, product: str):
    return results.products.set_index("product").loc[product]


def test_seed_000_tables_reproduced_exactly():
    results = load_and_calculate(YUANYU).results
    for product, expected in SEED_000.items():
        assert shown(results, product) == expected
    assert total(results, "zw32")["shown"] == "0.0677"
    assert total(results, "yy-aimv")["shown"] == "0.0508"


def test_seed_000_monitor_shares_miss_100_and_say_so():
    results = load_and_calculate(YUANYU).results
    monitor = total(results, "yy-aimv")
    assert monitor["shares_total"] == "99.98"
    assert not monitor["shares_add_up"]
    assert total(results, "zw32")["shares_add_up"]


def test_seed_001_within_published_tolerance():
    results = load_and_calculate(XINGYUE).results
    stages = results.stages.set_index("stage")["kgco2e"]
    assert stages["raw_material_acquisition"] == pytest.approx(2.6713, abs=2e-4)
    assert stages["production"] == pytest.approx(9.9566, abs=2e-4)
    assert stages["end_of_life"] == pytest.approx(1.1111, abs=2e-4)
    assert total(results, "bxd2")["kgco2e"] == pytest.approx(15.0014, abs=0.01)


def test_seed_001_each_stage_is_its_own_rounded_value():
    # Exact production 9.95654 and distribution 0.15634 kg: shown as 9.9565 and 0.1563,
    # never nudged to 9.9566 / 0.1564 to make the column add up to the total.
    results = load_and_calculate(XINGYUE).results
    assert shown(results, "bxd2") == {
        "raw_material_acquisition": ("2.6713", "17.81"),
        "raw_material_transport": ("1.1052", "7.37"),
        "production": ("9.9565", "66.37"),
        "distribution": ("0.1563", "1.04"),
        "end_of_life": ("1.1111", "7.41")}
    assert total(results, "bxd2")["shown"] == "15.0006"
    # 2.6713 + 1.1052 + 9.9565 + 0.1563 + 1.1111 = 15.0004: the table carries a note
    assert not total(results, "bxd2")["stages_add_up"]


def test_seed_000_stages_add_up_without_a_note():
    results = load_and_calculate(YUANYU).results
    assert results.products["stages_add_up"].all()


def test_every_shown_value_is_the_half_up_rounding_of_its_exact_value():
    from decimal import ROUND_HALF_UP, Decimal

    for path in (YUANYU, XINGYUE):
        results = load_and_calculate(path).results
        scale = Decimal(1000 if results.settings.unit == "t" else 1)
        step = Decimal(1).scaleb(-results.settings.decimals)
        for frame in (results.activities, results.stages, results.products):
            for value, text in zip(frame["kgco2e"], frame["shown"], strict=True):
                expected = (Decimal(repr(value)) / scale).quantize(step, ROUND_HALF_UP)
                assert text == str(expected)


@pytest.mark.parametrize(("kg", "unit", "decimals", "expected"), [
    (0.00005, "kg", 4, "0.0001"),      # a tie: half-up, despite 0.00005's binary noise
    (0.00015, "kg", 4, "0.0002"),
    (2.5, "kg", 0, "3"),
    (0.12345, "t", 6, "0.000123"),     # 0.00012345 t
    (67.68065, "t", 7, "0.0676807"),   # tie after moving the point three places
    (1e15, "kg", 8, "1000000000000000.00000000"),  # no integer overflow
])
def test_display_rounding_is_exact_decimal_half_up(kg, unit, decimals, expected):
    from cfpreport.calculation.rounding import shown_values, text

    kg_per_unit = 1000.0 if unit == "t" else 1.0
    assert [text(v) for v in shown_values([kg], kg_per_unit, decimals)] == [expected]


def test_largest_remainder_shares_add_up_to_100():
    study = make_study(
        [{"stage": "raw_material_acquisition", "factor": "electricity", "amount": 4161,
          "unit": "kWh", "basis": "annual"},
         {"stage": "raw_material_transport", "factor": "diesel", "amount": 0.013, "unit": "t",
          "basis": "annual"},
         {"stage": "production", "factor": "electricity", "amount": 14011, "unit": "kWh",
          "basis": "annual"},
         {"stage": "distribution", "factor": "diesel", "amount": 0.032, "unit": "t",
          "basis": "annual"},
         {"stage": "end_of_life", "factor": "electricity", "amount": 794, "unit": "kWh",
          "basis": "annual"}],
        annual_output=203, unit="t", shares="largest-remainder")
    results = priced(study)
    assert total(results, "p1")["shares_total"] == "100.00"
    # Exact shares of the shown values 110, 2, 370, 5, 21 (of 508) in 0.01 %:
    # 2165.35, 39.37, 7283.46, 98.43, 413.39 -> rounded they sum to 9998 (the seed's
    # 99.98 %); the two missing units go to the largest remainders, .46 and .43.
    assert [row.share for row in results.stages.itertuples()] == [
        "21.65", "0.39", "72.84", "0.99", "4.13"]


def test_allocation_by_annual_output():
    # 1000 kWh a year for 250 units = 4 kWh per unit; x 0.5366 kg/kWh = 2.1464 kg.
    study = make_study([{"stage": "production", "factor": "electricity", "amount": 1000,
                         "unit": "kWh", "basis": "annual"}], annual_output=250)
    results = priced(study)
    assert results.activities.loc[0, "amount_per_unit"] == pytest.approx(4.0)
    assert results.activities.loc[0, "kgco2e"] == pytest.approx(2.1464)


@pytest.mark.parametrize(("amount", "unit"), [(2.0, "MWh"), (2000.0, "kWh"), (2000.0, "kwh")])
def test_electricity_units_give_identical_results(amount, unit):
    study = make_study([{"stage": "production", "factor": "electricity", "amount": amount,
                         "unit": unit}])
    assert priced(study).activities.loc[0, "kgco2e"] == pytest.approx(2000 * 0.5366)


@pytest.mark.parametrize(("amount", "unit"), [(0.5, "t"), (500.0, "kg")])
def test_diesel_in_kg_or_t_gives_identical_results(amount, unit):
    # cn-2022 diesel: 43.330 GJ/t x 0.0202 tC/GJ x 0.98 x 44/12 = 3.145122 tCO2/t.
    study = make_study([{"stage": "distribution", "factor": "diesel", "amount": amount,
                         "unit": unit}])
    expected = 0.5 * 43.330 * 0.0202 * 0.98 * 44 / 12 * 1000
    assert priced(study).activities.loc[0, "kgco2e"] == pytest.approx(expected)


def test_diesel_in_litres_through_density():
    # cn-2024 diesel 3.095910 tCO2/t, density 0.84 kg/L: 100 L = 84 kg -> 260.056 kg CO2.
    study = make_study([{"stage": "production", "factor": "diesel", "amount": 100,
                         "unit": "L"}], factor_set="cn-2024")
    assert priced(study).activities.loc[0, "kgco2e"] == pytest.approx(
        84 * 42.652 * 0.0202 * 0.98 * 44 / 12)


def test_natural_gas_in_m3_against_factor_per_10k_nm3():
    # cn-2024 natural gas: 389.31 GJ/10^4 Nm3 x 0.01532 x 0.99 x 44/12 = 21.650 t/10^4 Nm3.
    study = make_study([{"stage": "production", "factor": "natural_gas", "amount": 1000,
                         "unit": "m3"}], factor_set="cn-2024")
    assert priced(study).activities.loc[0, "kgco2e"] == pytest.approx(
        0.1 * 389.31 * 0.01532 * 0.99 * 44 / 12 * 1000)


@pytest.mark.parametrize(("gwp", "expected"), [("AR4", 22800), ("AR5", 23500), ("AR6", 25200)])
def test_sf6_release_with_each_gwp_set(gwp, expected):
    study = make_study([{"stage": "use", "gas": "SF6", "amount": 0.01, "unit": "kg"}], gwp=gwp)
    assert priced(study).activities.loc[0, "kgco2e"] == pytest.approx(0.01 * expected)


def test_gas_release_in_grams():
    study = make_study([{"stage": "use", "gas": "N2O", "amount": 500, "unit": "g"}], gwp="AR6")
    assert priced(study).activities.loc[0, "kgco2e"] == pytest.approx(0.5 * 273)


def test_study_factor_overrides_the_set():
    override = {"id": "electricity", "name": "绿电协议", "value": 0.1, "unit": "kgCO2e/kWh",
                "source": "购电协议 2024"}
    study = make_study([{"stage": "production", "factor": "electricity", "amount": 100,
                         "unit": "kWh"}], factors=[override])
    results = priced(study)
    assert results.activities.loc[0, "kgco2e"] == pytest.approx(10.0)
    assert results.activities.loc[0, "factor_name"] == "绿电协议"


def test_study_factor_in_t_per_t_km():
    truck = {"id": "truck", "name": "重型柴油货车", "value": 0.000078, "unit": "tCO2e/t·km",
             "source": "示例"}
    study = make_study([{"stage": "distribution", "factor": "truck", "amount": 0.5,
                         "unit": "t*km"}, {"stage": "distribution", "factor": "truck",
                                           "amount": 1500, "unit": "kg·km"}], factors=[truck])
    assert list(priced(study).activities["kgco2e"]) == pytest.approx([0.039, 0.117])


def test_switching_factor_set_reprices_the_same_study():
    cn2022 = load_and_calculate(XINGYUE, "cn-2022").results
    cn2024 = load_and_calculate(XINGYUE).results
    assert cn2024.factor_set.name == "cn-2024"
    assert cn2022.factor_set.name == "cn-2022"
    electricity = cn2022.activities[cn2022.activities["factor"] == "electricity"]
    assert set(electricity["factor_value"]) == {0.5366}
    raw_2022 = cn2022.stages.set_index("stage").loc["raw_material_acquisition", "kgco2e"]
    raw_2024 = cn2024.stages.set_index("stage").loc["raw_material_acquisition", "kgco2e"]
    assert raw_2022 == pytest.approx(4.6241 * 0.5366)
    assert raw_2024 == pytest.approx(4.6241 * 0.5777)


def test_stages_without_activities_are_absent():
    study = make_study([{"stage": "production", "factor": "electricity", "amount": 1,
                         "unit": "kWh"}])
    assert list(priced(study).stages["stage"]) == ["production"]


def test_zero_total_gives_zero_shares_not_an_error():
    study = make_study([{"stage": "production", "factor": "electricity", "amount": 0,
                         "unit": "kWh"}])
    results = priced(study)
    assert results.stages.loc[0, "share"] == "0.00"
    assert total(results, "p1")["shown"] == "0.0000"


def test_fast_rounding_agrees_with_exact_decimal_rounding_everywhere():
    """The binary fast path must give the exact decimal answer, ties included."""
    import numpy as np

    from cfpreport.calculation.rounding import exact, round_half_up, shown_values

    rng = np.random.default_rng(11)
    values = [*rng.uniform(0, 1000, 20_000), *10 ** rng.uniform(-9, 15, 20_000)]
    # exact ties at 2 to 6 decimals, and their neighbours one ulp away
    ties = [float(f"{whole}.{digits}5") for whole in (0, 1, 17, 12345)
            for digits in ("", "0", "12", "999", "1234")]
    values += ties + [np.nextafter(t, 0) for t in ties] + [np.nextafter(t, 1e9) for t in ties]
    for kg_per_unit, decimals in ((1.0, 4), (1000.0, 4), (1.0, 2), (1000.0, 6), (1.0, 0)):
        shift = -Decimal(kg_per_unit).adjusted()
        expected = [round_half_up(exact(v).scaleb(shift), decimals) for v in values]
        assert shown_values(values, kg_per_unit, decimals) == expected
