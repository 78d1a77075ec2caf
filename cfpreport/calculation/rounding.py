"""Display rounding: the one place where full-precision results become printed digits.

The rules (the README's "Rounding" section says the same for users):

* **One quantity, one value.** Every shown emission (an activity's result, a stage, a
  total) is its own full-precision value rounded half-up to the study's decimals, and
  nothing else: shown values are never nudged so that a column adds up. Where the
  rounded parts of a total do not add up to the rounded total, the report says so in a
  note (因数值修约，分项之和与合计可能存在微小差异).
* **Exact decimal arithmetic.** The rounding starts from the shortest decimal form of
  the full-precision float (the number the results JSON prints), so anyone who rounds
  the JSON's value by hand gets the report's digits. Decimals never overflow and have
  no binary noise (0.00005 rounds up, as a person expects).
* **Shares**, ``shown-values`` (default, the seeds' convention): each share is the shown
  stage value over the shown total, rounded half-up to 2 decimals; they need not add up
  to 100.00 %, and the report then says so. ``largest-remainder`` apportions 100.00 %
  over the stages in proportion to their shown values (Hamilton method), so they do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal

import numpy as np

SHARE_DECIMALS = 2
HUNDRED_PERCENT = Decimal(100)

# Enough digits for any finite float at up to 8 decimals: rounding never loses digits.
_CONTEXT = Context(prec=400)


def exact(value: float) -> Decimal:
    """The shortest decimal that reads back as ``value``: what the results JSON prints."""
    return Decimal(repr(float(value)))


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero to ``decimals`` places, exactly."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP,
                          context=_CONTEXT)


def shown_values(kgco2e: Iterable[float], kg_per_unit: float, decimals: int
                 ) -> list[Decimal]:
    """Round each value in kg CO2e to the display unit (1 kg or 1000 kg) and decimals.

    The units are powers of ten, so changing unit moves the decimal point: exact. Most
    values are nowhere near a tie, and for them binary arithmetic already gives the
    exact answer (its error is far below the distance to the tie); only values within
    that error of a tie, or too large for it, take the exact decimal path.
    """
    values = np.asarray(list(kgco2e) if not hasattr(kgco2e, "__array__") else kgco2e,
                        dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values / kg_per_unit * 10.0**decimals
        below = np.floor(scaled)
        fraction = scaled - below
        doubt = np.abs(scaled) * 1e-15 + 1e-9  # the float error of `scaled`, with room
        clear = (np.abs(fraction - 0.5) > doubt) & (np.abs(scaled) < 2.0**50)
        nearest = np.where(fraction > 0.5, below + 1, below)
    shift = -Decimal(kg_per_unit).adjusted()  # 1000 kg per t: three places left
    return [Decimal(int(units)).scaleb(-decimals) if is_clear else
            round_half_up(exact(value).scaleb(shift, context=_CONTEXT), decimals)
            for is_clear, units, value in zip(clear.tolist(), nearest.tolist(),
                                              values.tolist(), strict=True)]


def text(value: Decimal) -> str:
    """Write a rounded value in fixed-point notation: Decimal('0.0677') -> '0.0677'."""
    return format(value, "f")


def parts_add_up(parts: Sequence[Decimal], whole: Decimal) -> bool:
    """Whether shown parts add up to the shown whole (if not, the table carries a note)."""
    return sum(parts, Decimal(0)) == whole


def shares_from_shown(parts: Sequence[Decimal], whole: Decimal) -> list[Decimal]:
    """Shares in percent, each the shown part over the shown whole, to 2 decimals."""
    if whole <= 0:
        return [Decimal(0).scaleb(-SHARE_DECIMALS)] * len(parts)
    return [round_half_up(part / whole * HUNDRED_PERCENT, SHARE_DECIMALS) for part in parts]


def running_shares(values: Sequence[str], whole: str) -> list[tuple[str, str]]:
    """For parts shown as ``values`` (in order, e.g. hot spots), each one's share of the
    shown ``whole`` and the running sum's, by :func:`shares_from_shown` (the seeds' rule
    for stage shares): an activity that is all of its stage shows its stage's share."""
    parts = [Decimal(value) for value in values]
    running = [sum(parts[:index + 1], Decimal(0)) for index in range(len(parts))]
    texts = [text(share) for share in shares_from_shown(parts + running, Decimal(whole))]
    return list(zip(texts[:len(parts)], texts[len(parts):], strict=True))


def shares_largest_remainder(parts: Sequence[Decimal], whole: Decimal) -> list[Decimal]:
    """Shares in percent that add up to exactly 100.00 % (Hamilton method).

    Each share starts at its exact value cut down to 0.01 %; the 0.01 % steps still
    missing go to the shares with the largest remainders, the first one on ties.
    """
    if whole <= 0 or not parts:
        return shares_from_shown(parts, whole)
    step = Decimal(1).scaleb(-SHARE_DECIMALS)
    exact_shares = [part / whole * HUNDRED_PERCENT for part in parts]
    floors = [share.quantize(step, rounding=ROUND_FLOOR) for share in exact_shares]
    missing = int((HUNDRED_PERCENT - sum(floors, Decimal(0))) / step)
    by_remainder = sorted(range(len(parts)),
                          key=lambda i: (-(exact_shares[i] - floors[i]), i))
    for index in by_remainder[:missing]:
        floors[index] += step
    return floors
