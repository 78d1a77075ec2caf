"""A quantity's spread around its point value: its distribution, draws and quantiles.

The point value is the lognormal's median (as in ecoinvent), the normal's mean, the
triangular's mode (unless one is stated) and lies inside a uniform's range. Draws are
vectorised over runs; a spread of width zero draws its point value exactly (a lognormal
of sigma 0 multiplies by exp(0) = 1.0, a normal of sd 0 adds 0.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from cfpreport.input.uncertainty_keys import StatedUncertainty

STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True)
class Spread:
    """One uncertain quantity: ``point`` and its distribution, in the quantity's unit."""

    distribution: str  # lognormal | normal | triangular | uniform
    point: float
    sigma: float = 0.0  # lognormal: ln of the GSD
    sd: float = 0.0  # normal
    low: float = 0.0  # triangular, uniform
    mode: float = 0.0  # triangular
    high: float = 0.0  # triangular, uniform
    origin: str = "stated"  # stated | pedigree | factor set | kind default

    @property
    def normal_draws(self) -> bool:
        """Whether its draws come from standard normals (else from uniforms on [0, 1))."""
        return self.distribution in ("lognormal", "normal")

    def quantile(self, q: float) -> float:
        """The closed-form q-quantile (0 < q < 1)."""
        if self.distribution == "lognormal":
            return self.point * math.exp(self.sigma * STANDARD_NORMAL.inv_cdf(q))
        if self.distribution == "normal":
            return self.point + self.sd * STANDARD_NORMAL.inv_cdf(q)
        return float(self.from_uniform(np.array([q]))[0])

    def from_uniform(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms on [0, 1) to this triangular or uniform distribution."""
        width = self.high - self.low
        if self.distribution == "uniform" or width == 0:
            return self.low + width * u
        peak = (self.mode - self.low) / width  # the inverse CDF's two branches meet here
        rising = self.low + np.sqrt(u * width * (self.mode - self.low))
        falling = self.high - np.sqrt((1 - u) * width * (self.high - self.mode))
        return np.where(u < peak, rising, falling)

    def description(self) -> dict[str, Any]:
        """The spread as the results JSON gives it (in the quantity's unit)."""
        described: dict[str, Any] = {"distribution": self.distribution, "origin": self.origin}
        if self.distribution == "lognormal":
            described |= {"gsd": math.exp(self.sigma), "gsd95": math.exp(2 * self.sigma)}
        elif self.distribution == "normal":
            described["sd"] = self.sd
        else:
            described |= {"min": self.low, "max": self.high}
            if self.distribution == "triangular":
                described["mode"] = self.mode
        return described


def lognormal(point: float, sigma: float, origin: str) -> Spread:
    return Spread("lognormal", point, sigma=sigma, origin=origin)


def stated(point: float, given: StatedUncertainty, origin: str = "stated") -> Spread:
    """The spread a study or set states, around ``point`` (the amount or factor value)."""
    if given.distribution == "lognormal":
        return lognormal(point, given.sigma, origin)
    if given.distribution == "normal":
        return Spread("normal", point, sd=given.sd, origin=origin)
    # the point value is the mode unless one is stated; loading refuses a range that
    # misses it, and a study built in code is held to the range here
    mode = min(max(point, given.min), given.max) if given.mode is None else given.mode
    return Spread(given.distribution, point, low=given.min, mode=mode, high=given.max,
                  origin=origin)


def draw(spreads: list[Spread], normals: np.ndarray, uniforms: np.ndarray,
         runs: int) -> np.ndarray:
    """Draws of each spread (one row each, a column per run) from its normals or uniforms.

    ``normals`` has one row per spread whose draws are normal-based, in order, and
    ``uniforms`` one per other spread; rows are filled by distribution, all runs at once.
    """
    values = np.empty((len(spreads), runs))
    normal_rows = [i for i, s in enumerate(spreads) if s.normal_draws]
    other_rows = [i for i, s in enumerate(spreads) if not s.normal_draws]
    points = np.array([s.point for s in spreads])
    for kind, scale in (("lognormal", "sigma"), ("normal", "sd")):
        picked = [(k, i) for k, i in enumerate(normal_rows) if spreads[i].distribution == kind]
        if not picked:
            continue
        source = normals[[k for k, _ in picked]]
        rows = [i for _, i in picked]
        widths = np.array([getattr(spreads[i], scale) for i in rows])[:, None]
        values[rows] = (points[rows, None] * np.exp(widths * source) if kind == "lognormal"
                        else points[rows, None] + widths * source)
    for k, i in enumerate(other_rows):
        values[i] = spreads[i].from_uniform(uniforms[k])
    return values
