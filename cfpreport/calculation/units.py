"""Physical units of activity data and emission factors, on top of pint.

A factor's unit reads ``<mass><gas>/<denominator>``, e.g. ``kgCO2/kWh``,
``tCO2/10^4 Nm3``, ``kgCO2e/t·km``. An activity's amount must convert to the
denominator: MWh to kWh, kg to t, m3 to 10^4 Nm3, and litres to tonnes through the
fuel's density.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache

# pint imports dask.base whenever Dask is installed (the cfpreport[dask] extra): 0.2 s
# more for every build, and Dask in processes that never use it. cfpreport gives pint no
# Dask arrays, so Dask is hidden from pint's check (find_spec) while pint is imported.
_HIDE_DASK = "dask" not in sys.modules
if _HIDE_DASK:
    sys.modules["dask"] = None  # type: ignore[assignment]
try:
    import pint
finally:
    if _HIDE_DASK:
        del sys.modules["dask"]

# Normal cubic metres (Nm3) are counted as cubic metres: Chinese energy statistics
# already report gas volumes at standard conditions, so no pressure correction applies.
_SPELLINGS = [
    (re.compile(r"(10\^4|10⁴|万)\s*"), "1e4*"),
    (re.compile(r"Nm3|Nm³"), "m**3"),
    (re.compile(r"m3|m³"), "m**3"),
    (re.compile(r"[·•×*]|(?<=t)(?=km)"), "*"),
    (re.compile(r"(?i)\bkwh\b"), "kWh"),
    (re.compile(r"(?i)\bmwh\b"), "MWh"),
    (re.compile(r"(?<![A-Za-z])l\b"), "L"),
]

FACTOR_UNIT = re.compile(r"^\s*(?P<mass>g|kg|t)\s*(?P<gas>CO2e|CO2eq|CO2)\s*/\s*(?P<den>.+?)\s*$")
KG_PER = {"g": 0.001, "kg": 1.0, "t": 1000.0}


class UnitError(ValueError):
    """A unit cannot be read, or cannot be converted to the unit asked for."""


@cache
def registry() -> pint.UnitRegistry:
    try:  # pint's on-disk cache of its parsed definitions: 0.2 s less per process
        ureg = pint.UnitRegistry(cache_folder=":auto:")
    except OSError:  # no writable cache folder: parse the definitions every time
        ureg = pint.UnitRegistry()
    ureg.define("tonne_km = tonne * kilometer")
    return ureg


def quantity_of(unit: str) -> pint.Quantity:
    """Parse a unit as written in a study (``kWh``, ``t·km``, ``10^4 Nm3``) into a quantity."""
    text = unit.strip()
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    try:
        value = registry().parse_expression(text)
    except Exception as err:  # pint raises several unrelated types for bad text
        raise UnitError(f"unknown unit {unit!r}") from err
    if not isinstance(value, pint.Quantity):
        raise UnitError(f"unknown unit {unit!r}")
    return value


@dataclass(frozen=True)
class FactorUnit:
    """A factor unit split into its parts: kg of CO2(e) per ``denominator``."""

    text: str
    kg_per_mass_unit: float
    gas_basis: str  # "CO2" or "CO2e"
    denominator: str

    @property
    def numerator(self) -> str:
        return self.text.split("/", 1)[0].strip()


@cache
def parse_factor_unit(unit: str) -> FactorUnit:
    """Split ``kgCO2e/kWh`` into mass, gas basis and denominator; check the denominator."""
    match = FACTOR_UNIT.match(unit)
    if not match:
        raise UnitError(f"factor unit {unit!r} must read <g|kg|t><CO2|CO2e>/<unit>, "
                        "e.g. kgCO2e/kWh or tCO2/t")
    quantity_of(match["den"])
    gas = "CO2" if match["gas"] == "CO2" else "CO2e"
    return FactorUnit(unit, KG_PER[match["mass"]], gas, match["den"])


@cache
def conversion_factor(from_unit: str, to_unit: str, density_kg_per_l: float | None = None
                      ) -> float:
    """Return how many ``to_unit`` one ``from_unit`` is (using a density for volume->mass)."""
    source, target = quantity_of(from_unit), quantity_of(to_unit)
    try:
        return float((source / target).to("dimensionless").magnitude)
    except pint.DimensionalityError:
        pass
    mass, volume = registry().kilogram, registry().liter
    if density_kg_per_l and source.check("[volume]") and target.check("[mass]"):
        as_mass = source.to(volume).magnitude * density_kg_per_l * mass
        return float((as_mass / target).to("dimensionless").magnitude)
    if density_kg_per_l and source.check("[mass]") and target.check("[volume]"):
        as_volume = source.to(mass).magnitude / density_kg_per_l * volume
        return float((as_volume / target).to("dimensionless").magnitude)
    hint = " (a density would let litres convert; this factor has none)" if (
        source.check("[volume]") and target.check("[mass]")) else ""
    raise UnitError(f"{from_unit!r} cannot be converted to {to_unit!r}{hint}")


# --- How units are printed -------------------------------------------------------------

# Canonical spellings, looked up case-insensitively: whatever case the user typed, the
# report prints kWh, m³ and t·km.
_CANONICAL = {
    "wh": "Wh", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh",
    "j": "J", "kj": "kJ", "mj": "MJ", "gj": "GJ", "tj": "TJ",
    "g": "g", "kg": "kg", "t": "t", "tonne": "t",
    "l": "L", "ml": "mL", "m3": "m³", "m³": "m³", "nm3": "Nm³", "nm³": "Nm³",
    "km": "km", "tkm": "t·km", "pkm": "p·km", "kgkm": "kg·km",
}
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_UNIT_TOKENS = re.compile(
    r"(?P<power>10\^\d+|10[⁰¹²³⁴⁵⁶⁷⁸⁹]+|万)"
    r"|(?P<mass_gas>(?:g|kg|t)co2(?:e|eq)?)"
    r"|(?P<word>[A-Za-z]+[0-9²³]?)"
    r"|(?P<times>\s*[*·•×.]\s*)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)", re.IGNORECASE)


def display_unit(unit: str) -> str:
    """Write a unit the way a report prints it: ``kwh`` -> kWh, ``10^4 Nm3`` -> 10⁴ Nm³.

    Products of units take a middle dot (t·km); powers of ten are superscript;
    ``kgco2e`` becomes kgCO2e (the renderers set the 2 as a subscript).
    """
    out: list[str] = []
    for match in _UNIT_TOKENS.finditer(unit.strip()):
        kind, token = match.lastgroup, match.group()
        if kind == "power":
            exponent = "4" if token == "万" else token[2:].lstrip("^")
            out.append("10" + exponent.translate(_SUPERSCRIPT) + " ")
        elif kind == "mass_gas":
            mass, gas = re.match(r"(?i)(g|kg|t)(co2(?:e|eq)?)", token).groups()
            out.append(mass.lower() + gas.upper().replace("CO2E", "CO2e"))
        elif kind == "word":
            out.append(_CANONICAL.get(token.lower(), token))
        elif kind == "times":
            out.append("·")
        elif kind == "space":
            if out and not out[-1].endswith(" "):
                out.append(" ")
        else:
            out.append(token)
    return "".join(out).strip()
