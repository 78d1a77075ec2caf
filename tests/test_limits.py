"""The supported sizes (README, "Limits"; cfpreport/input/limits.py): a study at every
limit validates, one past a limit is refused before any work is done, a large report
builds, and files (the study, images) are read no further than the checks need.

Studies of hostile size are generated here; the refusals with their exact messages are
rows of tests/test_bad_inputs.py.
"""

from __future__ import annotations

import io
import json
import resource
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from cfpreport.build import build_report
from cfpreport.cli import main
from cfpreport.errors import BuildError, StudyError
from cfpreport.input import limits
from cfpreport.input.image_checks import image_problem
from cfpreport.pipeline import check_study, load_and_calculate
from cfpreport.report.facts import gather_facts
from cfpreport.report.images import BOX_PIXELS, MAX_PNG_BYTES, read_image
from tests.test_bad_inputs import png_of_size

HEADER = """\
report:
  number: L-001
  issued: 2025-02-26
  issuer: {name: 示例认证有限公司}
  standards: [%s]
company:
  name: 示例电气有限公司
study:
  period: {start: 2024-01-01, end: 2024-12-31}
  factor_set: cn-2022
products:
"""
KINDS = ("gas: SF6, amount: 0.01, unit: kg", "factor: diesel, amount: 0.2, unit: t",
         "factor: electricity, amount: 120, unit: kWh")
STAGES = ("raw_material_acquisition", "production", "distribution", "use", "end_of_life")


def study_text(products: int, activities: int, label: int = 8) -> str:
    """``products`` products sharing ``activities`` activities, each with a distinct label
    of ``label`` characters, and as many standards as a list may have."""
    lines = [HEADER % ", ".join(f"GB/T {n}" for n in range(limits.MAX_LIST_ITEMS))]
    number = 0
    for index in range(products):
        lines.append(f"  - id: p{index}\n    name: 产品{index}\n    activities:\n")
        for _ in range(activities // products + (index < activities % products)):
            text = f"{number:04d}活动".ljust(label, "x")
            lines.append(f"      - {{stage: {STAGES[number % len(STAGES)]}, "
                         f"{KINDS[number % len(KINDS)]}, data_type: primary, label: {text}}}\n")
            number += 1
    return "".join(lines)


@pytest.mark.parametrize(("products", "activities"), [
    pytest.param(limits.MAX_PRODUCTS, limits.MAX_ACTIVITIES, id="most-products-and-activities"),
    pytest.param(2, limits.MAX_ACTIVITIES_PER_PRODUCT * 2, id="most-activities-per-product"),
])
def test_a_study_at_the_limits_validates(tmp_path: Path, products: int, activities: int) -> None:
    label = limits.MAX_LABEL_CHARACTERS // activities  # the label budget spent, exactly
    path = tmp_path / "study.yaml"
    path.write_text(study_text(products, activities, label), encoding="utf-8")
    checked = check_study(path)
    assert len(checked.study.products) == products
    assert sum(len(p.activities) for p in checked.study.products) == activities
    assert len(checked.study.report.standards) == limits.MAX_LIST_ITEMS


def at_most(limit: str) -> dict:
    """Plain study data exactly at one limit (the others far from theirs)."""
    activity = {"stage": "use", "gas": "SF6", "amount": 1, "unit": "kg"}
    product = {"id": "p", "name": "产品", "activities": [activity]}
    images = {"photo": "a.png", "process": "b.png"}
    data = {"report": {"standards": ["GB/T 24067"]}, "products": [product]}
    if limit == "products":
        data["products"] = [dict(product) for _ in range(limits.MAX_PRODUCTS)]
    elif limit == "activities per product":
        product["activities"] = [activity] * limits.MAX_ACTIVITIES_PER_PRODUCT
    elif limit == "activities":
        data["products"] = [dict(product, activities=[activity] * 100)
                            for _ in range(limits.MAX_ACTIVITIES // 100)]
    elif limit == "list items":
        data["report"]["standards"] = ["GB/T 24067"] * limits.MAX_LIST_ITEMS
    elif limit == "text":
        used = sum(len(text) for _, text in limits.texts(data))
        product["functions"] = "说" * (limits.MAX_TEXT_CHARACTERS - used)
    elif limit == "labels":
        product["activities"] = [dict(activity, label=f"{n:05d}{'x' * 95}")
                                 for n in range(limits.MAX_LABEL_CHARACTERS // 100)]
    elif limit == "images":
        data["products"] = [dict(product, images=images)
                            for _ in range(limits.MAX_IMAGES // 2)]
    return data


def one_past(data: dict, limit: str) -> dict:
    """The same data with one product, activity, item, character or image more."""
    product = data["products"][-1]
    if limit in ("products", "images"):
        data["products"].append(dict(product, images={"photo": "c.png"}))
    elif limit in ("activities per product", "activities"):
        product["activities"] = [*product["activities"], product["activities"][0]]
    elif limit == "list items":
        data["report"]["standards"].append("GB/T 24067")
    elif limit == "text":
        product["functions"] += "说"
    elif limit == "labels":
        product["activities"][-1] = dict(product["activities"][-1], label="y" * 101)
    return data


LIMITS = ["products", "activities per product", "activities", "list items", "text", "labels",
          "images"]


@pytest.mark.parametrize("limit", LIMITS)
def test_each_limit_holds_exactly_at_its_value(limit: str) -> None:
    data = at_most(limit)
    assert limits.beyond_limits(data) == []
    past = limits.beyond_limits(one_past(data, limit))
    assert len(past) == 1, past


def test_a_study_beyond_the_limits_is_refused_before_its_fields_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is validated, priced or drawn: every problem is a limit, however many
    other things are wrong with the file."""
    path = tmp_path / "study.yaml"
    text = study_text(limits.MAX_PRODUCTS + 1, limits.MAX_ACTIVITIES + 1)
    path.write_text(text.replace("gas: SF6", "gas: SF7").replace("issued: 2025-02-26",
                                                               "issued: soon"), encoding="utf-8")
    with pytest.raises(StudyError) as refused:
        check_study(path)
    assert [p.field for p in refused.value.problems] == ["products", "products"]
    assert [p.message.split(";")[0] for p in refused.value.problems] == [
        f"{limits.MAX_PRODUCTS + 1} products", f"{limits.MAX_ACTIVITIES + 1} activities in all"]


def test_a_huge_study_file_is_refused_without_being_read(tmp_path: Path) -> None:
    """A 2 GiB file (sparse: it takes no disk) is refused from its size alone."""
    path = tmp_path / "study.yaml"
    with path.open("wb") as stream:
        stream.truncate(2 << 30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = CliRunner().invoke(main, ["validate", str(path)])
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.exit_code == 1
    assert (f"file is {2 << 30} bytes; an input file is at most {limits.MAX_FILE_BYTES} bytes "
            "(1 MiB)") in result.output
    assert after - before < 100_000  # kB: not a gigabyte read


def test_a_study_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    text = study_text(1, 3)
    path = tmp_path / "study.yaml"
    path.write_bytes(text.encode() + b"#" * (limits.MAX_FILE_BYTES - len(text.encode())))
    assert len(check_study(path).study.products) == 1
    path.write_bytes(path.read_bytes() + b"#")
    with pytest.raises(StudyError, match="an input file is at most"):
        check_study(path)


def noisy_photo(width: int, height: int) -> Image.Image:
    """A photo-like picture: a gradient with noise, which compresses as badly as a photo."""
    y, x = np.mgrid[0:height, 0:width]
    gradient = np.stack([x * 255 // width, y * 255 // height, (x + y) * 255 // (width + height)],
                        axis=-1)
    noise = np.random.default_rng(7).integers(-12, 12, gradient.shape)
    return Image.fromarray((gradient + noise).clip(0, 255).astype(np.uint8))


def test_an_image_is_embedded_at_200_dpi_and_at_most_a_megabyte(tmp_path: Path) -> None:
    noisy_photo(3000, 2000).save(tmp_path / "photo.jpg", quality=92)
    png, width_mm = read_image(tmp_path, "photo.jpg")
    embedded = Image.open(io.BytesIO(png))
    assert embedded.format == "PNG" and embedded.mode == "RGB"
    assert embedded.width <= BOX_PIXELS[0] and embedded.height <= BOX_PIXELS[1]
    assert len(png) <= MAX_PNG_BYTES
    assert width_mm == 150.0  # 3:2 fills the width of the 150 x 110 mm box


def test_an_image_swapped_after_validate_is_refused_unread_at_build(tmp_path: Path) -> None:
    """The build reads images through the same checks: a file that grew to 169 MP since
    `validate` is refused from its header, without decoding 2.2 GB."""
    noisy_photo(300, 200).save(tmp_path / "photo.png")
    assert image_problem(tmp_path / "photo.png", "photo.png") is None
    (tmp_path / "photo.png").write_bytes(png_of_size(13000, 13000))
    with pytest.raises(BuildError, match=r"image 'photo.png' is 13000x13000 pixels \(169 MP\); "
                                         "images may have at most 25 MP"):
        read_image(tmp_path, "photo.png")


def test_each_product_s_activities_are_its_own_in_study_order(tmp_path: Path) -> None:
    """Activities are looked up per product from one pass over the results; the rows are
    those that filtering the whole table would give."""
    path = tmp_path / "study.yaml"
    path.write_text(study_text(4, 22), encoding="utf-8")
    calculated = load_and_calculate(path)
    facts = gather_facts(calculated.study, calculated.results)
    activities = calculated.results.activities
    for product in facts.products:
        rows = facts.activities_of(product)
        expected = activities[activities["product"] == product.product.id]
        assert [row.label for row in rows] == list(expected["label"])
        assert [row.shown for row in rows] == list(expected["shown"])


def test_a_report_of_many_products_builds(tmp_path: Path) -> None:
    """The path a large report takes, at a moderate size: 18 products (17 once broke the
    Word writer) with 36 activities, in PDF, Word and JSON."""
    study = tmp_path / "study.yaml"
    study.write_text(study_text(18, 36), encoding="utf-8")
    record = build_report(study, tmp_path / "out")
    results = json.loads(record.outputs["json"].read_text("utf-8"))
    assert [p["id"] for p in results["products"]] == [f"p{n}" for n in range(18)]
    assert record.outputs["pdf"].stat().st_size > 0
    assert record.outputs["docx"].stat().st_size > 0


def test_a_cut_short_photo_is_refused_even_where_weasyprint_is_loaded(tmp_path: Path) -> None:
    """WeasyPrint tells Pillow to accept truncated images, for the whole process; the
    checks (at validate as at build, which loads WeasyPrint first) do not."""
    import weasyprint  # noqa: F401 - imported for its side effect on Pillow
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    buffer = io.BytesIO()
    noisy_photo(400, 300).save(buffer, "JPEG")
    (tmp_path / "photo.jpg").write_bytes(buffer.getvalue()[:-400])
    assert "is damaged or cut short" in image_problem(tmp_path / "photo.jpg", "photo.jpg")
    with pytest.raises(BuildError, match=r"image 'photo\.jpg' cannot be read: image file "
                                         "is truncated"):
        read_image(tmp_path, "photo.jpg")
