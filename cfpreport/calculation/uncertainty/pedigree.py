"""Pedigree scores -> lognormal spread, after the ecoinvent data-quality guideline.

Source: B. P. Weidema, Ch. Bauer, R. Hischier, Ch. Mutel, T. Nemecek, J. Reinhard,
C. O. Vadenbo, G. Wernet (2013), *Overview and methodology. Data quality guideline for
the ecoinvent database version 3*, Ecoinvent Report 1 (v3), St. Gallen, section 10.2:
Table 10.4 (basic uncertainty) and Table 10.5 (the uncertainty factors of the five
pedigree indicators). The guideline gives both as variances of the underlying normal
distribution (ln scale); the factors ``U`` below are the same numbers in the form of
ecoinvent v2 (Frischknecht et al. 2007, Table 5.2), each a factor on the *square* of the
geometric standard deviation, so that ``sigma_i = ln(U_i) / 2`` and ``sigma_i**2`` is the
guideline's variance (ln(1.05)**2 / 4 = 0.000595, printed there as 0.0006; ln(2)**2 / 4 =
0.120 as 0.12). The total on the ln scale is

    sigma_total**2 = sigma_basic**2 + sum over the five indicators of sigma_i**2

and ``GSD = exp(sigma_total)``; ``GSD95 = exp(2 sigma_total) = GSD**2`` is what ecoinvent
calls the "SD95": 95 % of the draws lie between value / GSD95 and value x GSD95.
A study's ``gsd:`` is the GSD (one sigma), never the GSD95.

The defaults below for data without scores, and for factors by kind, are cfpreport's
own choices (stated in the README), not the guideline's.
"""

from __future__ import annotations

import math

from cfpreport.input.uncertainty_keys import Pedigree

INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")

#: Weidema et al. 2013, Table 10.5, as factors on GSD**2 (scores 1..5).
UNCERTAINTY_FACTORS: dict[str, tuple[float, ...]] = {
    "reliability": (1.00, 1.05, 1.10, 1.20, 1.50),
    "completeness": (1.00, 1.02, 1.05, 1.10, 1.20),
    "temporal": (1.00, 1.03, 1.10, 1.20, 1.50),
    "geographical": (1.00, 1.01, 1.02, 1.05, 1.10),
    "technological": (1.00, 1.05, 1.20, 1.50, 2.00),
}

#: Basic uncertainty (Weidema et al. 2013, Table 10.4), as GSD95: the demand of
#: electricity, heat, fuels and materials, and CO2 from combustion, 1.05; transport
#: services (t·km) 2.00; process emissions of other gases (CH4, N2O, SF6, ...) 1.50.
BASIC_GSD95 = {"demand": 1.05, "transport": 2.00, "process_emission": 1.50}

#: Scores of an activity that gives none, by its data type (cfpreport's choice):
#: primary data (measured on site, not independently verified) 2, 2, 1, 1, 1;
#: secondary data (a database or default value for the region) 3, 3, 3, 2, 3.
DATA_TYPE_SCORES: dict[str, dict[str, int]] = {
    "primary": {"reliability": 2, "completeness": 2, "temporal": 1, "geographical": 1,
                "technological": 1},
    "secondary": {"reliability": 3, "completeness": 3, "temporal": 3, "geographical": 2,
                  "technological": 3},
}

#: A factor's spread when neither it nor its set gives one, by kind: (basic uncertainty
#: as GSD95, pedigree scores in INDICATORS order). cfpreport's choice: official grid and
#: electricity-footprint factors are calculated, published values (reliability 2) for a
#: year and a country applied to one plant's period and supply (temporal, geographical,
#: technological 2); fuel defaults are unchecked transcriptions (reliability 3) of a
#: fuel class's values (technological 2); materials, transport and others are database
#: values of related processes (3 throughout, geographical 2). The shipped sets carry
#: the same values in their files (``uncertainty:``; a test keeps them equal).
FACTOR_KIND_DEFAULTS: dict[str, tuple[float, tuple[int, ...]]] = {
    "grid_co2": (1.05, (2, 1, 2, 2, 2)),
    "electricity_footprint": (1.05, (2, 1, 2, 2, 2)),
    "fuel_combustion": (1.05, (3, 1, 2, 1, 2)),
    "transport": (1.05, (3, 3, 3, 2, 3)),
    "material": (1.05, (3, 3, 3, 2, 3)),
    "other": (1.05, (3, 3, 3, 2, 3)),
}


def scores(pedigree: Pedigree | None, data_type: str) -> dict[str, int]:
    """The five scores of an activity: those it gives, the rest its data type's default."""
    given = {} if pedigree is None else pedigree.model_dump(exclude_none=True)
    return {**DATA_TYPE_SCORES[data_type], **given}


def sigma(scored: dict[str, int], basic_gsd95: float) -> float:
    """sigma_total on the ln scale: sqrt(sigma_basic**2 + sum sigma_i**2), sigma = ln(U)/2."""
    variance = (math.log(basic_gsd95) / 2) ** 2
    for indicator in INDICATORS:
        variance += (math.log(UNCERTAINTY_FACTORS[indicator][scored[indicator] - 1]) / 2) ** 2
    return math.sqrt(variance)


def factor_kind_gsd(kind: str) -> float:
    """The GSD (exp sigma) a factor of this kind has by default."""
    basic, kind_scores = FACTOR_KIND_DEFAULTS[kind]
    return math.exp(sigma(dict(zip(INDICATORS, kind_scores, strict=True)), basic))
