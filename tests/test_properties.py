"""Properties of the calculation over generated studies (hypothesis).

The generated studies are valid by construction: products, stages, factors of the
shipped sets and gases of the GWP tables, units among kWh/MWh and t/kg/g, bases annual
and per_unit, decimals 0..8, display unit t or kg, and amounts spread over the whole
supported range (README, "Limits"), each capped so that its result stays in range.
Invalid studies are the valid ones with junk written into some of their fields.
"""

from __future__ import annotations

import copy
import math
import tempfile
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cfpreport.calculation.calculate import Results, calculate
from cfpreport.calculation.factors import FactorSet, load_factor_set, load_gwp_sets
from cfpreport.calculation.ranges import AMOUNT, ANNUAL_OUTPUT, MAX_RESULT_KG
from cfpreport.calculation.results_json import dumps, results_document
from cfpreport.calculation.stages import STAGES
from cfpreport.errors import CfpError
from cfpreport.input.scalars import DECIMAL
from cfpreport.input.study import Study
from cfpreport.pipeline import load_and_calculate

PROPERTY = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

SET_NAMES = ("cn-2022", "cn-2024")
SETS: dict[str, FactorSet] = {name: load_factor_set(name) for name in SET_NAMES}
GWPS = load_gwp_sets()
# How many units of the factor's denominator (kWh, t) or of kg (gases) one unit is.
ENERGY = {"kWh": 1.0, "MWh": 1000.0}
MASS_IN_T = {"t": 1.0, "kg": 1e-3, "g": 1e-6}
MASS_IN_KG = {"t": 1000.0, "kg": 1.0, "g": 1e-3}
ELECTRICITY = sorted(i for i in SETS["cn-2022"].ids() if i.startswith("electricity"))
FUELS = ["diesel", "gasoline", "fuel_oil", "lpg"]  # tCO2/t in both sets
GASES = sorted(set.intersection(*(set(table.values) for table in GWPS.values())))
# (factor: or gas:, its id, the units an amount may be given in, their size)
SOURCES = ([("factor", key, ENERGY) for key in ELECTRICITY]
           + [("factor", key, MASS_IN_T) for key in FUELS]
           + [("gas", key, MASS_IN_KG) for key in GASES])
# A unit and its restatement: the amount in the second is the first's times the factor.
RESTATED = {"kWh": ("MWh", 1e-3), "MWh": ("kWh", 1e3), "t": ("kg", 1e3), "kg": ("t", 1e-3)}


def magnitudes(low: float, high: float) -> st.SearchStrategy[float]:
    """Numbers over every order of magnitude from low to high, and short decimals such
    as 0.00005 that sit exactly on a rounding tie."""
    def clamp(value: float) -> float:
        return min(high, max(low, value))

    exponent = st.floats(math.log10(low), math.log10(high)).map(lambda e: clamp(10.0**e))
    short_decimal = st.builds(lambda digits, places: clamp(float(f"{digits}e-{places}")),
                              st.integers(1, 10**6), st.integers(0, 12))
    return st.one_of(exponent, short_decimal, st.floats(low, high), st.sampled_from([low, high]))


def kg_per_amount(factor_set: FactorSet, gwp: str, kind: str, key: str, size: float) -> float:
    """kg CO2e per functional unit of one unit of amount, before any annual division."""
    per_denominator = (GWPS[gwp].values[key] if kind == "gas"
                       else factor_set.get(key).kg_per_denominator)
    return size * per_denominator


@st.composite
def activities(draw: st.DrawFn, factor_set: FactorSet, gwp: str, annual_output: float | None,
               count: int, headroom: float) -> dict:
    kind, key, units = draw(st.sampled_from(SOURCES))
    unit = draw(st.sampled_from(sorted(units)))
    basis = draw(st.sampled_from(["per_unit", "annual"])) if annual_output else "per_unit"
    per_amount = kg_per_amount(factor_set, gwp, kind, key, units[unit]) / (
        annual_output if basis == "annual" else 1.0)
    # each of `count` activities at most 1/count of the largest result (less a margin
    # for the sum's rounding), and `headroom` times less for tests that scale amounts
    cap = min(AMOUNT.high, MAX_RESULT_KG * (1 - 1e-9) / count / per_amount) / headroom
    amount = draw(st.one_of(st.just(0.0), magnitudes(AMOUNT.low, cap)))
    return {"stage": draw(st.sampled_from(STAGES)), kind: key, "amount": amount, "unit": unit,
            "basis": basis, "data_type": "primary", "source": "台账"}


@st.composite
def studies(draw: st.DrawFn, headroom: float = 1.0) -> dict:
    """A valid study as plain data (what a study file holds)."""
    set_name = draw(st.sampled_from(SET_NAMES))
    gwp = draw(st.sampled_from(sorted(GWPS)))
    products = []
    for index in range(draw(st.integers(1, 3))):
        annual_output = draw(st.none() | magnitudes(ANNUAL_OUTPUT.low, ANNUAL_OUTPUT.high))
        count = draw(st.integers(1, 6))
        product = {"id": f"p{index}", "name": f"产品{index}",
                   "activities": [draw(activities(SETS[set_name], gwp, annual_output, count,
                                                  headroom)) for _ in range(count)]}
        if annual_output is not None:
            product["annual_output"] = annual_output
        products.append(product)
    return {
        "report": {"number": "T-1", "issued": "2025-01-01", "issuer": {"name": "检测机构"}},
        "company": {"name": "示例公司"},
        "study": {"period": {"start": "2024-01-01", "end": "2024-12-31"},
                  "factor_set": set_name, "gwp": gwp,
                  "unit": draw(st.sampled_from(["t", "kg"])),
                  "decimals": draw(st.integers(0, 8)),
                  "shares": draw(st.sampled_from(["shown-values", "largest-remainder"]))},
        "products": products,
    }


def priced(data: dict) -> Results:
    study = Study.model_validate(data)
    return calculate(study, SETS[study.study.factor_set])


def by_key(results: Results) -> dict[tuple, float]:
    """Every full-precision result, keyed by product and stage (None: the total)."""
    values = {(row.product, row.stage): row.kgco2e for row in results.stages.itertuples()}
    values |= {(row.product, None): row.kgco2e for row in results.products.itertuples()}
    return values


def close(a: float, b: float) -> bool:
    # Sums of floats depend on their order; all terms are >= 0 (no cancellation), so two
    # orders differ by at most n * 2**-53 of the sum, n <= 6 here: 1e-12 leaves room.
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


# --- the pipeline never fails with anything but the project's own error ---------------

JUNK = st.one_of(  # half of it what YAML 1.1 misreads, or what sits just outside a rule
    st.sampled_from([
        "yes", "no", "on", "off", "true", "~", "null", "", "1:30", "0x1F", "0o17", "0b101",
        "017", "1_000", "1,234", ".inf", "-.inf", ".nan", "1e999", "-1", "1e15", "1e-320",
        "2025-02-26", "2025-02-30", "１２", "12 kWh", "[1, 2]", "{a: 1}", "'12'", '"0.5"',
        "!!float 1e400", "!!python/object/apply:os.system [true]", "&a 1", "*a", "- x",
        "'unterminated", "# comment", "\"\\x00\"", "\"\\e[31m\"", "12 # comment"]),
    st.one_of(
        st.floats().map(repr),  # NaN, infinities, subnormals, 1e308
        st.integers().map(str),
        st.integers(0, 999).map(lambda n: f"0{n}"),  # leading zeros: decimal, not octal
        st.text(max_size=30)),
)
NUMBER_FIELDS = ("amount", "annual_output", "decimals", "revision", "site_days")


def junk_paths(data: dict) -> tuple[list[tuple], list[tuple]]:
    """Paths of the numeric and of the text fields a mutation may overwrite."""
    numbers: list[tuple] = [("study", "decimals"), ("report", "revision"),
                            ("report", "site_days")]
    texts: list[tuple] = [("company", "name")]
    for p, product in enumerate(data["products"]):
        numbers.append(("products", p, "annual_output"))
        texts.append(("products", p, "name"))
        for a in range(len(product["activities"])):
            numbers.append(("products", p, "activities", a, "amount"))
            texts += [("products", p, "activities", a, field)
                      for field in ("unit", "stage", "label")]
    return numbers, texts


@st.composite
def study_files(draw: st.DrawFn) -> tuple[str, dict[tuple, str]]:
    """The text of a study file, valid or with junk written into one or two fields."""
    data = draw(studies())
    numbers, texts = junk_paths(data)
    paths = st.one_of(st.sampled_from(numbers), st.sampled_from(numbers), st.sampled_from(texts))
    mutations = draw(st.lists(paths, max_size=2, unique=True))
    junk = {path: draw(JUNK) for path in mutations}
    for number, path in enumerate(mutations):
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = f"__JUNK{number}__"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for number, path in enumerate(mutations):
        text = text.replace(f"__JUNK{number}__", junk[path])
    return text, junk


def field_value(calculated: Any, path: tuple) -> Any:
    value = calculated.study
    for part in path:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


@PROPERTY
@given(study_files())
def test_the_pipeline_gives_results_or_a_cfp_error_never_anything_else(
        case: tuple[str, dict[tuple, str]]) -> None:
    text, junk = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            calculated = load_and_calculate(path)
        except CfpError:
            event("refused" if junk else "valid study refused")
            return  # the project's own error: a message, exit status 1
    event("built, with junk" if junk else "built")
    results = calculated.results
    for frame in (results.activities, results.stages, results.products):
        assert all(0 <= value <= MAX_RESULT_KG for value in frame["kgco2e"])
    dumps(results_document(calculated.study, results))  # never Infinity or NaN
    for path, written in junk.items():  # a number field took a decimal, as written
        if path[-1] in NUMBER_FIELDS and field_value(calculated, path) is not None:
            text = scalar_text(written)
            assert text is not None and DECIMAL.fullmatch(text.strip()), written
            assert field_value(calculated, path) == float(text)


def scalar_text(written: str) -> str | None:
    """The characters of the scalar YAML reads from ``written`` (quotes and a comment
    taken off), or None when it is not one scalar."""
    try:
        node = yaml.compose(f"key: {written}\n", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    value = node.value[0][1] if isinstance(node, yaml.MappingNode) and node.value else None
    return value.value if isinstance(value, yaml.ScalarNode) else None


# --- the arithmetic --------------------------------------------------------------------

@PROPERTY
@given(studies())
def test_the_total_is_the_sum_of_its_stages_and_of_its_activities(data: dict) -> None:
    """Full-precision floats cannot add exactly; math.fsum is the exactly rounded sum,
    and the code's sums must agree with it to 1e-12 (see :func:`close`)."""
    results = priced(data)
    activities = results.activities
    for product in results.products.itertuples():
        mine = activities[activities["product"] == product.product]
        stages = results.stages[results.stages["product"] == product.product]
        assert sorted(stages["stage"]) == sorted(set(mine["stage"]))
        assert close(product.kgco2e, math.fsum(mine["kgco2e"]))
        assert close(product.kgco2e, math.fsum(stages["kgco2e"]))
        for stage in stages.itertuples():
            assert close(stage.kgco2e, math.fsum(mine.loc[mine["stage"] == stage.stage,
                                                          "kgco2e"]))


def half_up(kgco2e: float, unit: str, decimals: int) -> str:
    """The rounding rule, written out independently of cfpreport.calculation.rounding."""
    exact = Decimal(repr(kgco2e)) / (Decimal(1000) if unit == "t" else Decimal(1))
    step = Decimal(1).scaleb(-decimals)
    return format(exact.quantize(step, rounding=ROUND_HALF_UP, context=Context(prec=100)), "f")


@PROPERTY
@given(studies())
def test_every_shown_number_is_the_half_up_rounding_of_its_exact_value(data: dict) -> None:
    study = Study.model_validate(data)
    results = calculate(study, SETS[study.study.factor_set])
    document = results_document(study, results)
    unit, decimals = study.study.unit, study.study.decimals
    for product in document["products"]:
        display = product["display"]
        assert display["total"] == half_up(product["total_kgco2e"], unit, decimals)
        for stage, kgco2e in product["stages"].items():
            assert display["stages"][stage]["value"] == half_up(kgco2e, unit, decimals)
        for activity in product["activities"]:
            assert activity["display"]["value"] == half_up(activity["kgco2e"], unit, decimals)


@st.composite
def restatements(draw: st.DrawFn) -> tuple[dict, dict]:
    """A study, and the same study with its products and activities in another order and
    some amounts restated in another unit (kWh <-> MWh, kg <-> t)."""
    data = draw(studies())
    other = copy.deepcopy(data)
    other["products"] = draw(st.permutations(other["products"]))
    for product in other["products"]:
        product["activities"] = draw(st.permutations(product["activities"]))
        for activity in product["activities"]:
            unit, amount = activity["unit"], activity["amount"]
            if unit not in RESTATED or not draw(st.booleans()):
                continue
            new_unit, times = RESTATED[unit]
            if amount == 0 or AMOUNT.low <= amount * times <= AMOUNT.high:
                activity.update(unit=new_unit, amount=amount * times)
    return data, other


@PROPERTY
@given(restatements())
def test_results_do_not_change_when_activities_are_reordered_or_restated(
        pair: tuple[dict, dict]) -> None:
    before, after = (by_key(priced(data)) for data in pair)
    assert before.keys() == after.keys()
    for key, value in before.items():
        assert close(value, after[key]), key


@PROPERTY
@given(studies(headroom=2.0))
def test_doubling_every_amount_doubles_every_result(data: dict) -> None:
    """Exactly: scaling by 2 commutes with binary rounding (for normal floats, as every
    value in the supported range is), in each product, quotient and sum alike."""
    doubled = copy.deepcopy(data)
    for product in doubled["products"]:
        for activity in product["activities"]:
            activity["amount"] *= 2
    once, twice = priced(data), priced(doubled)
    assert list(twice.activities["kgco2e"]) == [2 * v for v in once.activities["kgco2e"]]
    assert {key: 2 * value for key, value in by_key(once).items()} == by_key(twice)
