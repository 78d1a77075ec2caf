"""The study-file keys of the uncertainty analysis (README, "Uncertainty and data quality").

Per activity (and per study or set factor):

- ``pedigree: {reliability, completeness, temporal, geographical, technological}``, each a
  score from 1 (best) to 5 (worst) as in the ecoinvent pedigree matrix; a score left out
  takes the default of the activity's ``data_type`` (see
  :mod:`cfpreport.calculation.uncertainty.pedigree`).
- ``uncertainty:`` a stated distribution of the amount (of a factor: of its value), in the
  quantity's own unit::

      {distribution: lognormal, gsd: 1.2}        # gsd = exp(sigma), >= 1 (NOT the GSD95)
      {distribution: lognormal, gsd95: 1.44}     # or ecoinvent's GSD95 = gsd**2
      {distribution: normal, sd: 0.5}
      {distribution: triangular, min: 1, max: 3}  # mode: the amount, or mode: 2
      {distribution: uniform, min: 1, max: 3}

``distribution`` may be left out where the keys say it: ``gsd``/``gsd95`` lognormal, ``sd``
normal, ``mode`` triangular (a bare ``min``/``max`` is not guessed).

At study level, ``study.uncertainty: {runs, seed, exceed}`` sets the Monte Carlo
simulation and ``study.grid_region`` names the regional grid of the plant.
These models import nothing from the study model, which imports them.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Distribution = Literal["lognormal", "normal", "triangular", "uniform"]
GridRegion = Literal["north", "northeast", "east", "central", "northwest", "south",
                     "southwest"]

#: The keys each distribution needs, and those it may also take: a lognormal takes
#: ``gsd`` or ``gsd95`` (= gsd**2, ecoinvent's "SD95"), a triangular's ``mode`` is the
#: point value unless given.
DISTRIBUTION_KEYS: dict[str, tuple[str, ...]] = {
    "lognormal": (),
    "normal": ("sd",),
    "triangular": ("min", "max"),
    "uniform": ("min", "max"),
}
OPTIONAL_KEYS = {"lognormal": ("gsd", "gsd95"), "triangular": ("mode",)}
SPREAD_KEYS = ("gsd", "gsd95", "sd", "min", "mode", "max")
KEY_WORDS = {"sd": "sd (the standard deviation, in the quantity's unit)",
             "min": "min", "max": "max"}

DEFAULT_RUNS = 10_000
#: The fixed default seed: any fixed number would do; this one is ISO 14067's number.
DEFAULT_SEED = 14067


#: Other spellings of the keys and of the distributions' names, as other LCA tools and
#: spreadsheets write them; a key given both ways keeps ours (and the other is refused).
KEY_SPELLINGS = {"type": "distribution", "low": "min", "lower": "min", "minimum": "min",
                 "high": "max", "upper": "max", "maximum": "max", "most_likely": "mode"}
DISTRIBUTION_SPELLINGS = {"log-normal": "lognormal", "log_normal": "lognormal",
                          "gaussian": "normal", "triangle": "triangular",
                          "rectangular": "uniform"}


def with_our_spellings(data: object) -> object:
    """A stated spread with other tools' spellings renamed to this file's."""
    if not isinstance(data, dict):
        return data
    renamed = {KEY_SPELLINGS.get(key, key) if KEY_SPELLINGS.get(key) not in data else key:
               value for key, value in data.items()}
    name = renamed.get("distribution")
    if isinstance(name, str):
        renamed["distribution"] = DISTRIBUTION_SPELLINGS.get(name.strip().lower(),
                                                             name.strip().lower())
    return renamed


class Keys(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Score = int


class Pedigree(Keys):
    """Pedigree-matrix scores, 1 (best) to 5 (worst); a score not given takes the default
    of the activity's data type."""

    reliability: Score | None = Field(default=None, ge=1, le=5)
    completeness: Score | None = Field(default=None, ge=1, le=5)
    temporal: Score | None = Field(default=None, ge=1, le=5)
    geographical: Score | None = Field(default=None, ge=1, le=5)
    technological: Score | None = Field(default=None, ge=1, le=5)


class StatedUncertainty(Keys):
    """A distribution of a quantity around its point value, in the quantity's unit."""

    distribution: Distribution
    gsd: float | None = Field(default=None, ge=1, le=100)
    gsd95: float | None = Field(default=None, ge=1, le=10_000)
    sd: float | None = Field(default=None, ge=0, le=1e12)
    min: float | None = Field(default=None, ge=0, le=1e12)
    mode: float | None = Field(default=None, ge=0, le=1e12)
    max: float | None = Field(default=None, ge=0, le=1e12)

    @model_validator(mode="before")
    @classmethod
    def distribution_from_its_keys(cls, data: object) -> object:
        """``{gsd: 1.2}`` is a lognormal, ``{sd: 3}`` a normal, ``{min, mode, max}`` a
        triangular; a bare ``{min, max}`` could be uniform or triangular: not guessed.
        Other tools' spellings (``type: log-normal``, ``low``/``high``) are read as ours."""
        data = with_our_spellings(data)
        if not isinstance(data, dict) or "distribution" in data:
            return data
        given = {key for key, value in data.items() if value is not None}
        for keys, distribution in (({"gsd", "gsd95"}, "lognormal"), ({"sd"}, "normal"),
                                   ({"mode"}, "triangular")):
            if given & keys:
                return {**data, "distribution": distribution}
        return data

    @model_validator(mode="after")
    def keys_of_its_distribution(self) -> StatedUncertainty:
        wanted = DISTRIBUTION_KEYS[self.distribution]
        allowed = (*wanted, *OPTIONAL_KEYS.get(self.distribution, ()))
        given = [key for key in SPREAD_KEYS if getattr(self, key) is not None]
        missing = [KEY_WORDS[key] for key in wanted if key not in given]
        if self.distribution == "lognormal" and (self.gsd is None) == (self.gsd95 is None):
            missing = ["one of gsd (the geometric standard deviation exp(sigma), >= 1) and "
                       "gsd95 (= gsd squared)"]
        if missing:
            raise ValueError(f"distribution: {self.distribution} needs {' and '.join(missing)}")
        extra = [key for key in given if key not in allowed]
        if extra:
            raise ValueError(f"distribution: {self.distribution} takes "
                             f"{', '.join(allowed)}, not {', '.join(extra)}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        if self.mode is not None and not self.min <= self.mode <= self.max:
            raise ValueError(f"mode {self.mode:g} is outside min..max "
                             f"({self.min:g}..{self.max:g})")
        return self

    @property
    def sigma(self) -> float:
        """A lognormal's sigma on the ln scale: ln(gsd) = ln(gsd95) / 2."""
        return math.log(self.gsd) if self.gsd is not None else math.log(self.gsd95) / 2

    def range_problem(self, point: float) -> tuple[str, str] | None:
        """The key and message if a range does not hold the point value it spreads, or None.

        Why refuse: a range that misses its amount is almost always a unit or basis slip
        (an annual range on a per-unit amount), and would shift the whole result.
        """
        if self.min is None or self.max is None or self.mode is not None:
            return None
        if point < self.min:
            return "min", f"{self.min:g} is above the value it spreads ({point:g})"
        if point > self.max:
            return "max", f"{self.max:g} is below the value it spreads ({point:g})"
        return None


class UncertaintySettings(Keys):
    """``study.uncertainty``: the Monte Carlo simulation's size and seed, and the values
    (in the study's unit) whose probability of being exceeded the results give."""

    runs: int = Field(default=DEFAULT_RUNS, ge=100, le=1_000_000)
    seed: int = Field(default=DEFAULT_SEED, ge=0, le=2**63 - 1)
    exceed: list[Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]] = Field(
        default_factory=list, max_length=20)


#: The most simulated values kept for percentiles (runs x every product's total and
#: stages): 32 million doubles, 256 MB. The default 10 000 runs fit any study within
#: the limits (100 products x 8 sums).
MAX_KEPT_VALUES = 32_000_000


def uncertainty_problems(loaded) -> list:
    """Stated ranges that miss their activity's amount (or factor's value), each at its
    key (``products[0].activities[2].uncertainty.min: ...``), and more runs than the
    study's sums can keep in memory (at ``study.uncertainty.runs``)."""
    return [*range_problems(loaded), *runs_problems(loaded)]


def runs_problems(loaded) -> list:
    runs = loaded.value("study", "uncertainty", "runs")
    if isinstance(runs, bool) or not isinstance(runs, int) or runs <= 0:
        return []  # the default, or a value refused as such
    sums = 0
    for product_path, _ in loaded.mappings("products"):
        stages = {str(raw.get("stage")) for _, raw in
                  loaded.mappings(*product_path, "activities")}
        sums += 1 + len(stages)
    if runs * sums <= MAX_KEPT_VALUES:
        return []
    return [loaded.problem(("study", "uncertainty", "runs"),
                           f"{runs} runs of this study's {sums} totals and stages are more "
                           f"than cfpreport keeps in memory; at most "
                           f"{MAX_KEPT_VALUES // sums} runs")]


def range_problems(loaded) -> list:
    """Problems of stated ranges that miss their activity's amount (or factor's value)."""
    problems = []
    items = [(path, raw, "amount") for product_path, _ in loaded.mappings("products")
             for path, raw in loaded.mappings(*product_path, "activities")]
    items += [(path, raw, "value") for path, raw in loaded.mappings("factors")]
    for path, raw, point_key in items:
        stated, point = raw.get("uncertainty"), raw.get(point_key)
        if not isinstance(stated, dict) or isinstance(point, bool) or not isinstance(
                point, int | float):
            continue
        try:
            found = StatedUncertainty.model_validate(stated).range_problem(float(point))
        except ValueError:  # its own shape problem is reported where it is
            continue
        if found:
            key, message = found
            problems.append(loaded.problem((*path, "uncertainty", key),
                                           f"{message}; give a range around its "
                                           f"{point_key}, in the same unit"))
    return problems
