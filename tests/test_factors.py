"""Factor sets: contents, derivation of fuel factors, metadata and hashing."""

from __future__ import annotations

import pytest

from cfpreport.errors import FactorError
from cfpreport.factors import available_sets, load_factor_set, load_gwp_sets

REGIONS = ["north", "northeast", "east", "central", "northwest", "south", "southwest"]


def test_shipped_sets():
    assert {"cn-2022", "cn-2024"} <= set(available_sets())


@pytest.mark.parametrize(("set_name", "value", "unit"), [
    ("cn-2022", 0.5366, "kgCO2/kWh"), ("cn-2024", 0.5777, "kgCO2e/kWh")])
def test_electricity_of_each_set(set_name, value, unit):
    electricity = load_factor_set(set_name).get("electricity")
    assert (electricity.value, electricity.unit) == (value, unit)


@pytest.mark.parametrize(("set_name", "diesel"), [("cn-2022", 3.1451), ("cn-2024", 3.0959)])
def test_diesel_is_derived_from_its_chain(set_name, diesel):
    factor = load_factor_set(set_name).get("diesel")
    chain = factor.chain
    assert factor.value == pytest.approx(
        chain.ncv * chain.carbon_content * chain.oxidation * 44 / 12)
    assert round(factor.value, 4) == diesel
    assert factor.unit == "tCO2/t"
    # The seeds printed 0.0726 next to tonnes of diesel: that is the per-GJ factor.
    assert round(chain.tco2_per_gj, 4) == 0.0726


def test_natural_gas_per_10k_nm3():
    assert round(load_factor_set("cn-2024").get("natural_gas").value, 3) == 21.650


@pytest.mark.parametrize("year", [2022, 2023])
@pytest.mark.parametrize("region", REGIONS)
def test_regional_grid_factors_present(region, year):
    factor = load_factor_set("cn-2024").get(f"electricity_grid_{year}_{region}")
    assert factor.unit == "kgCO2/kWh"
    assert factor.year == year


def test_every_factor_carries_unit_source_and_date_or_a_note_why_not():
    for name in available_sets():
        for factor in load_factor_set(name).factors.values():
            assert factor.unit and factor.source, factor.id
            assert factor.published is not None or factor.note, factor.id


def test_transcribed_values_are_marked_unverified():
    assert load_factor_set("cn-2022").get("diesel").verified is False


def test_sets_differ_in_hash_and_are_stable():
    assert load_factor_set("cn-2022").sha256 != load_factor_set("cn-2024").sha256
    assert len(load_factor_set("cn-2022").sha256) == 64


def test_gwp_tables():
    gwp = load_gwp_sets()
    assert (gwp["AR5"].values["SF6"], gwp["AR6"].values["SF6"]) == (23500, 25200)
    assert (gwp["AR5"].values["CH4"], gwp["AR6"].values["CH4"]) == (28, 27.9)
    assert gwp["AR4"].values["N2O"] == 298


def test_unknown_set_lists_available():
    with pytest.raises(FactorError, match="available: cn-2022, cn-2024"):
        load_factor_set("cn-1999")
