"""--format pact: one WBCSD PACT ProductFootprint per product, in PACT 2.3 and 3.0, valid
against the official OpenAPI schemas, with the numbers of the results JSON."""

from __future__ import annotations

import copy
import csv
import json
import re
import shutil
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml

from cfpreport.batch import run_batch
from cfpreport.build import build_report
from cfpreport.calculation.data_quality import primary_data_share
from cfpreport.errors import StudyError
from cfpreport.render.pact import GATE_STAGES, NAMESPACE
from tests.conftest import RING_MAIN_UNIT, YUANYU

PACT = Path(__file__).with_name("pact")  # the official files, copied (see its README)
SPECS = {"v2": "openapi-v2.3.3.yaml", "v3": "openapi-v3.0.3.yaml"}
EXAMPLES = {"min-v2.json": "v2", "min-v3.json": "v3", "rec-v3.json": "v3"}
MASSES = {"zw32": "180", "yy-aimv": "12.5"}  # test values: the seed gives no masses
# cn-2022's diesel, derived as the set does: NCV 43.330 GJ/t x 0.0202 tC/GJ x 98 % x 44/12.
DIESEL_KG_PER_T = 43.330 * 0.0202 * 0.98 * 44 / 12 * 1000


def validator(version: str) -> jsonschema.Draft202012Validator:
    """A validator of ProductFootprint from the spec's OpenAPI file. Both files are
    OpenAPI 3.1, whose schemas are JSON Schema 2020-12 (no 3.0 ``nullable`` to convert):
    the component schemas are kept whole, so each ``$ref: '#/components/schemas/...'``
    resolves inside the same document; OpenAPI's own keywords (``example``,
    ``x-...``) are annotations a validator ignores."""
    spec = yaml.safe_load((PACT / SPECS[version]).read_text("utf-8"))
    assert spec["openapi"].startswith("3.1")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": "#/components/schemas/ProductFootprint",
              "components": {"schemas": spec["components"]["schemas"]}}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


VALIDATORS = {version: validator(version) for version in SPECS}


def errors(document: dict, version: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATORS[version].iter_errors(document)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_validator_accepts_the_official_examples(name):
    assert errors(json.loads((PACT / name).read_text("utf-8")), EXAMPLES[name]) == []


def test_the_validator_rejects_a_broken_footprint():
    example = json.loads((PACT / "min-v2.json").read_text("utf-8"))
    broken = copy.deepcopy(example)
    broken["pcf"]["declaredUnit"] = "piece"  # PACT 2.3 has no pieces
    del broken["companyIds"]
    broken["id"] = "not-a-uuid"
    found = "\n".join(errors(broken, "v2"))
    assert "'companyIds' is a required property" in found
    assert "pcf/declaredUnit: 'piece' is not one of" in found
    assert "id: 'not-a-uuid' is not a 'uuid'" in found
    v3 = json.loads((PACT / "min-v3.json").read_text("utf-8"))
    v3["pcf"]["pcfExcludingBiogenicUptake"] = 1020  # a number, where PACT 3 wants text
    assert errors(v3, "v3") == ["pcf/pcfExcludingBiogenicUptake: 1020 is not of type 'string'"]


def with_masses(tmp_path: Path, revision: int = 1, secondary: bool = False) -> Path:
    """The two-product seed study, each product given a (test) mass for PACT."""
    text = YUANYU.read_text("utf-8")
    for product, mass in MASSES.items():
        text = text.replace(f"  - id: {product}\n",
                            f"  - id: {product}\n    mass_kg: {mass}\n")
    reason = "  revision_reason: 电力排放因子更新\n" if revision > 1 else ""
    text = text.replace("  issued: 2025-02-26\n",
                        f"  issued: 2025-02-26\n  revision: {revision}\n{reason}")
    if secondary:  # zw32's production diesel becomes secondary data
        text = text.replace("amount: 0.15, unit: t, basis: annual, label: 柴油, "
                            "data_type: primary", "amount: 0.15, unit: t, basis: annual, "
                            "label: 柴油, data_type: secondary")
    folder = tmp_path / f"study-r{revision}"
    folder.mkdir()
    (folder / "study.yaml").write_text(text, "utf-8")
    return folder / "study.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pact")
    record = build_report(with_masses(tmp, secondary=True), tmp / "out", ("json", "pact"))
    files = {path.name: json.loads(path.read_text("utf-8"))
             for path in record.outputs.values()}
    return record, files


def test_two_products_make_four_files_that_validate(built):
    record, files = built
    names = sorted(name for name in files if "pact" in name)
    assert names == ["T4100013.yy-aimv.pact-v2.json", "T4100013.yy-aimv.pact-v3.json",
                     "T4100013.zw32.pact-v2.json", "T4100013.zw32.pact-v3.json"]
    for name in names:
        version = name.rsplit("-", 1)[1].removesuffix(".json")
        assert errors(files[name], version) == [], name
    assert record.outputs["json"].name == "T4100013.json"
    assert record.outputs["T4100013.zw32.pact-v2.json"].is_file()


def test_the_footprint_is_the_cradle_to_gate_part_of_the_results(built):
    _, files = built
    results = {p["id"]: p for p in files["T4100013.json"]["products"]}
    zw32 = files["T4100013.zw32.pact-v3.json"]["pcf"]
    # By hand (cn-2022: electricity 0.5366 kgCO2/kWh, diesel 3145.12 kgCO2/t; 406 台 a
    # year): raw materials, their transport and production, per 台.
    by_hand = ((17175 + 28022) * 0.5366 + (0.4 + 0.15) * DIESEL_KG_PER_T) / 406
    assert float(zw32["pcfExcludingBiogenicUptake"]) == pytest.approx(by_hand, rel=1e-12)
    for product, mass in MASSES.items():
        gate = sum(results[product]["stages"][stage] for stage in GATE_STAGES)
        v3 = files[f"T4100013.{product}.pact-v3.json"]["pcf"]
        v2 = files[f"T4100013.{product}.pact-v2.json"]["pcf"]
        assert float(v3["pcfExcludingBiogenicUptake"]) == pytest.approx(gate, rel=1e-12)
        assert (v3["declaredUnitOfMeasurement"], v3["declaredUnitAmount"],
                v3["productMassPerDeclaredUnit"]) == ("piece", "1", mass)
        # PACT 2.3 has no pieces: per kg of product, the product being `mass` kg.
        assert (v2["declaredUnit"], v2["unitaryProductAmount"]) == ("kilogram", mass)
        assert float(v2["pCfExcludingBiogenic"]) * float(mass) == pytest.approx(gate)
        assert gate < results[product]["total_kgco2e"]  # distribution, end of life left out
        assert "end-of-life stage: not included" in v3["boundaryProcessesDescription"]


def test_primary_data_share_counts_the_emissions_of_primary_activities(built):
    _, files = built
    diesel = 0.15 * DIESEL_KG_PER_T / 406  # zw32's production diesel, made secondary
    gate = ((17175 + 28022) * 0.5366 + 0.55 * DIESEL_KG_PER_T) / 406
    v3 = files["T4100013.zw32.pact-v3.json"]["pcf"]
    v2 = files["T4100013.zw32.pact-v2.json"]["pcf"]
    assert float(v3["primaryDataShare"]) == pytest.approx(100 * (gate - diesel) / gate)
    assert v2["primaryDataShare"] == pytest.approx(100 * (gate - diesel) / gate)
    assert files["T4100013.yy-aimv.pact-v3.json"]["pcf"]["primaryDataShare"] == "100"
    assert "dqi" not in v3  # the study has no data-quality ratings: none invented


def test_primary_data_share_by_hand():
    rows = [{"stage": "production", "data_type": "primary", "kgco2e": 3.0},
            {"stage": "production", "data_type": "secondary", "kgco2e": 1.0},
            {"stage": "use", "data_type": "secondary", "kgco2e": 96.0}]
    assert primary_data_share(rows, ["production"]) == 75
    assert primary_data_share(rows) == 3
    assert primary_data_share(rows, ["storage"]) is None


def test_ids_dates_and_words_come_from_the_study(built):
    _, files = built
    v2, v3 = files["T4100013.zw32.pact-v2.json"], files["T4100013.zw32.pact-v3.json"]
    assert v2["id"] == v3["id"] == str(uuid.uuid5(NAMESPACE, "T4100013\n1\nzw32"))
    assert v2["created"] == v3["created"] == "2025-02-26T00:00:00Z"  # the issue date
    assert (v3["pcf"]["referencePeriodStart"], v3["pcf"]["referencePeriodEnd"]) == (
        "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")  # the end is exclusive
    assert v2["version"] == 1 and "precedingPfIds" not in v2
    assert v3["companyName"] == "安徽源宇电力设备有限公司"
    assert "urn:pact:product:customcode:vendor-assigned:model:ZW32-12%2F630-20" in v3[
        "productIds"]
    assert v2["pcf"]["characterizationFactors"] == "AR5"
    assert v2["pcf"]["crossSectoralStandardsUsed"] == ["ISO Standard 14067"]
    assert v3["pcf"]["crossSectoralStandards"] == ["ISO14067", "PAS2050"]
    assert v2["productCategoryCpc"] == "unclassified"
    assert "PAS 2050" in v2["comment"] and "fossil carbon content was not" in v3["comment"]


def test_a_rebuild_is_byte_identical_and_a_revision_names_its_predecessors(tmp_path):
    study = with_masses(tmp_path)
    first = build_report(study, tmp_path / "a", ["pact"])
    again = build_report(study, tmp_path / "b", ["pact"])
    assert [p.read_bytes() for p in first.outputs.values()] == [
        p.read_bytes() for p in again.outputs.values()]
    raw = next(p for p in first.outputs.values()).read_bytes()
    assert "安徽源宇".encode() in raw  # UTF-8 text, not \\u escapes
    revised = build_report(with_masses(tmp_path, revision=3), tmp_path / "c", ["pact"])
    [v3] = [json.loads(p.read_text("utf-8")) for name, p in revised.outputs.items()
            if name.endswith("zw32.pact-v3.json")]
    assert v3["precedingPfIds"] == [str(uuid.uuid5(NAMESPACE, f"T4100013\n{r}\nzw32"))
                                    for r in (1, 2)]
    assert v3["id"] == str(uuid.uuid5(NAMESPACE, "T4100013\n3\nzw32"))
    assert errors(v3, "v3") == []
    assert "revision 3 (final)" in v3["comment"] and "Revised: 电力排放因子更新" in v3["comment"]
    assert sorted(revised.outputs) == ["T4100013-R3.yy-aimv.pact-v2.json",
                                       "T4100013-R3.yy-aimv.pact-v3.json",
                                       "T4100013-R3.zw32.pact-v2.json",
                                       "T4100013-R3.zw32.pact-v3.json"]
    [v2] = [json.loads(p.read_text("utf-8")) for name, p in revised.outputs.items()
            if name.endswith("zw32.pact-v2.json")]
    assert (v2["version"], v2["statusComment"]) == (3, "电力排放因子更新")
    assert errors(v2, "v2") == []


def test_a_product_without_its_mass_is_refused_by_line_and_nothing_written(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(StudyError) as caught:
        build_report(YUANYU, out, ["json", "pact"])
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert re.match(r".*study\.yaml:67:\d+ products\[0\]\.mass_kg: a PACT footprint "
                    r"needs the mass of one functional unit \(1 台\) in kg", lines[0])
    assert "products[1].mass_kg" in lines[1]
    assert not out.exists() or not any(out.glob("T4100013*"))


def test_the_sample_with_a_mass_validates(tmp_path):
    record = build_report(RING_MAIN_UNIT, tmp_path, ["pact"])
    assert len(record.outputs) == 2
    for name, path in record.outputs.items():
        version = "v2" if name.endswith("v2.json") else "v3"
        assert errors(json.loads(path.read_text("utf-8")), version) == []


def test_a_batch_writes_lists_and_keeps_every_pact_file(tmp_path):
    studies = tmp_path / "studies"
    shutil.copytree(with_masses(tmp_path).parent, studies / "yuanyu")
    out = tmp_path / "out"
    [outcome] = list(run_batch([studies], out, formats=("json", "pact"), jobs=1))
    assert outcome.status == "built"
    pact_names = sorted(p.name for p in out.glob("*.pact-v*.json"))
    assert len(pact_names) == 4 and sorted(
        name for name in outcome.outputs if "pact" in name) == pact_names
    with (out / "summary.csv").open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 2  # one per product, each listing every file of the report
    assert all(set(row["files"].split("; ")) == {"T4100013.json", *pact_names} for row in rows)
    [again] = list(run_batch([studies], out, formats=("json", "pact"), jobs=1))
    assert again.status == "skipped" and set(again.outputs) == set(outcome.outputs)
    (out / pact_names[0]).unlink()
    [rebuilt] = list(run_batch([studies], out, formats=("json", "pact"), jobs=1))
    assert (rebuilt.status, rebuilt.reason) == ("built", f"{pact_names[0]} was deleted")


def test_a_study_that_scores_its_activities_gives_pact_its_data_quality(tmp_path):
    study = with_masses(tmp_path)
    scores = {"电力": dict(reliability=1, completeness=2, temporal=1, geographical=1,
                         technological=3),
              "柴油": dict(reliability=2, completeness=2, temporal=2, geographical=2,
                         technological=2)}
    text = study.read_text("utf-8")
    for label, scored in scores.items():
        pedigree = ", ".join(f"{key}: {value}" for key, value in scored.items())
        text = text.replace(f"label: {label}, data_type: primary}}",
                            f"label: {label}, data_type: primary, pedigree: {{{pedigree}}}}}")
    study.write_text(text, "utf-8")
    record = build_report(study, tmp_path / "out", ("json", "pact"))
    results = json.loads(record.outputs["json"].read_text("utf-8"))
    zw32 = next(product for product in results["products"] if product["id"] == "zw32")
    gate = [a for a in zw32["activities"] if a["stage"] in GATE_STAGES]
    by_hand = {}
    for name in ("technological", "geographical", "temporal", "completeness", "reliability"):
        weighted = [(a["kgco2e"], scores[a["label"]][name]) for a in gate]
        by_hand[name] = sum(kg * score for kg, score in weighted) / sum(kg for kg, _ in weighted)
    v3 = json.loads(record.outputs["T4100013.zw32.pact-v3.json"].read_text("utf-8"))
    v2 = json.loads(record.outputs["T4100013.zw32.pact-v2.json"].read_text("utf-8"))
    assert errors(v3, "v3") == [] and errors(v2, "v2") == []
    for name in ("technological", "geographical", "temporal"):
        assert float(v3["pcf"]["dqi"][f"{name}DQR"]) == pytest.approx(by_hand[name])
    for name, score in by_hand.items():  # PACT 2.3 rates 1 to 3: 1 + (score - 1) / 2
        assert v2["pcf"]["dqi"][f"{name}DQR"] == pytest.approx(1 + (score - 1) / 2)
    assert v2["pcf"]["dqi"]["coveragePercent"] == 100
    assert 2 < by_hand["technological"] < 3  # electricity's 3 and diesel's 2, weighted


def test_default_scores_are_not_passed_on_as_data_quality(built):
    _, files = built
    assert all("dqi" not in files[name]["pcf"] for name in files if "pact" in name)
