"""How large a study cfpreport supports (README, "Limits"), checked right after parsing.

A study beyond a limit is refused at once, with the place, before anything expensive
(validating every field, pricing, drawing, laying out hundreds of pages) is done.

Why these numbers: within them every report builds in under a minute and 1 GB on a
2-core machine (measured with ``benchmarks/large_report.py``). The PDF's layout
(WeasyPrint, in the PDF worker) is what bounds a report: a page takes it about 0.1 s
and 3 MB until the PDF is written, an embedded photo about 10 MB. A report has about
one page per fifteen activities in each of the two tables of chapter 4, one to one and a
half pages per product besides (its sections in chapters 2, 3, 4 and 6; from ten
products on, chapter 5 shows all products in two tables) and twenty pages of its own.
The largest studies within the limits (100 products, 1 200 activities, 20 photos, the
text budget nearly spent) make about 300 pages; the PDF worker takes 0.93 GB and 40 s of
CPU. A study of 200 products and 5 000 activities makes 506 pages: 80 s of the worker's
CPU and 2.1 GB, which is why it is refused.

Every limit is still generous for a real study: the seeds have one to three products,
six to twelve activities each and one image.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cfpreport.errors import Problem, StudyError
from cfpreport.input import loading  # as a module: loading calls this one

#: A study or factor-set file is text; a study at every limit below is about 0.4 MB.
#: Reading 1 MiB of study takes about 1 s and 50 MB (libyaml; 5 s without it).
MAX_FILE_BYTES = 1_048_576
#: A workbook (README, "Spreadsheets") holds many reports: it may be larger, but its
#: size and the size of its unpacked parts are checked before it is opened, so that a
#: zip bomb is refused unread. A report at every limit above is about 0.5 MB unpacked.
MAX_WORKBOOK_BYTES = 10_000_000
MAX_WORKBOOK_UNPACKED_BYTES = 50_000_000
MAX_PRODUCTS = 100
MAX_ACTIVITIES_PER_PRODUCT = 300
MAX_ACTIVITIES = 1_200
#: All the text of a study together (every text value, in characters). Each field has
#: its own cap (cfpreport.input.text_checks); this one bounds the pages they fill.
MAX_TEXT_CHARACTERS = 100_000
#: The distinct activity labels together: the system boundary lists every one of them
#: in a table cell and in the diagram, besides the tables of chapter 4.
MAX_LABEL_CHARACTERS = 10_000
#: Any other list (factors, team, standards, limitations, ...).
MAX_LIST_ITEMS = 100
#: Images in a report (company and product images, each time one is named).
MAX_IMAGES = 20
#: An image file is decoded whole before it is scaled down: 25 MP of RGBA is 100 MB.
MAX_IMAGE_PIXELS = 25_000_000
MAX_IMAGE_BYTES = 50_000_000

SPLIT = "split the study into several reports"
IMAGE_FIELDS = {"company": ("overview", "layout"), "products": ("photo", "process")}

FieldPath = tuple[str | int, ...]


def refuse_beyond_limits(data: Any, positions: dict, name: str) -> None:
    """Raise a StudyError listing every limit the parsed study (plain data) goes beyond.

    Only lengths are counted, so this is fast for any file that could be parsed; it runs
    before the fields are validated.
    """
    problems = [Problem(name, *loading.locate(path, positions), loading.format_path(path),
                        message) for path, message in beyond_limits(data)]
    if problems:
        raise StudyError(problems)


def beyond_limits(data: Any) -> list[tuple[FieldPath, str]]:
    """Each limit the study goes beyond: where (a list's key, or the field at which a
    budget runs out) and what to say."""
    if not isinstance(data, dict):
        return []
    found = product_problems(data.get("products"))
    found += [(("#key", *path), f"{len(items)} items; a list may have at most "
                                f"{MAX_LIST_ITEMS}") for path, items in long_lists(data)]
    where = text_budget_exceeded(data)
    if where is not None:
        found.append((where, f"the study's text passes {MAX_TEXT_CHARACTERS} characters here; "
                             f"a study may have at most {MAX_TEXT_CHARACTERS} characters of "
                             f"text in all (shorten the longest texts, or {SPLIT})"))
    where = label_budget_exceeded(data)
    if where is not None:
        found.append((where, f"the distinct activity labels pass {MAX_LABEL_CHARACTERS} "
                             f"characters here; a study's labels may have at most "
                             f"{MAX_LABEL_CHARACTERS} characters in all, each different label "
                             "counted once (the system boundary lists every one)"))
    image = image_budget_exceeded(data)
    if image is not None:
        found.append((image, f"image {MAX_IMAGES + 1} of the report; a report may have at "
                             f"most {MAX_IMAGES} images"))
    return found


def product_problems(products: Any) -> list[tuple[FieldPath, str]]:
    """Too many products, too many activities in a product or in all."""
    if not isinstance(products, list):
        return []
    found = []
    if len(products) > MAX_PRODUCTS:
        found.append((("#key", "products"), f"{len(products)} products; a report may have "
                                             f"at most {MAX_PRODUCTS} ({SPLIT})"))
    total = 0
    for index, activities in enumerate(activity_lists(products)):
        total += len(activities)
        if len(activities) > MAX_ACTIVITIES_PER_PRODUCT:
            found.append((("#key", "products", index, "activities"), (
                f"{len(activities)} activities; a product may have at most "
                f"{MAX_ACTIVITIES_PER_PRODUCT}")))
    if total > MAX_ACTIVITIES:
        found.append((("#key", "products"), f"{total} activities in all; a report may have "
                                             f"at most {MAX_ACTIVITIES} ({SPLIT})"))
    return found


def activity_lists(products: list) -> Iterator[list]:
    """Each product's list of activities ([] where the file has none, or not a list)."""
    for product in products:
        activities = product.get("activities") if isinstance(product, dict) else None
        yield activities if isinstance(activities, list) else []


def long_lists(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, list]]:
    """The lists other than products and activities that have too many items."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from long_lists(item, (*path, key))
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS and path[-1:] not in (("products",), ("activities",)):
            yield path, value
        for index, item in enumerate(value):
            yield from long_lists(item, (*path, index))


def text_budget_exceeded(data: Any) -> FieldPath | None:
    """The field at which the study's text, counted in file order, passes the budget."""
    return budget_exceeded(texts(data), MAX_TEXT_CHARACTERS)


def label_budget_exceeded(data: dict) -> FieldPath | None:
    """The label at which the distinct activity labels, in file order, pass the budget."""
    seen: set[str] = set()
    labels = []
    products = data.get("products")
    for index, activities in enumerate(activity_lists(products if isinstance(
            products, list) else [])):
        for number, activity in enumerate(activities):
            label = activity.get("label") if isinstance(activity, dict) else None
            if isinstance(label, str) and label not in seen:
                seen.add(label)
                labels.append((("products", index, "activities", number, "label"), label))
    return budget_exceeded(labels, MAX_LABEL_CHARACTERS)


def budget_exceeded(texts_in_order, budget: int) -> FieldPath | None:
    """The path of the text at which the running total of characters passes ``budget``."""
    used = 0
    for path, text in texts_in_order:
        used += len(text)
        if used > budget:
            return path
    return None


def texts(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every text value with its path, in file order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, (*path, index))


def image_budget_exceeded(data: dict) -> FieldPath | None:
    """The image field (in file order) that names one image more than a report may have."""
    fields: list[FieldPath] = []
    company = data.get("company")
    if isinstance(company, dict):
        fields += [("company", "images", key) for key in IMAGE_FIELDS["company"]
                   if image_named(company, key)]
    products = data.get("products")
    for index, product in enumerate(products if isinstance(products, list) else []):
        if isinstance(product, dict):
            fields += [("products", index, "images", key) for key in IMAGE_FIELDS["products"]
                       if image_named(product, key)]
    return fields[MAX_IMAGES] if len(fields) > MAX_IMAGES else None


def image_named(owner: dict, key: str) -> bool:
    images = owner.get("images")
    return isinstance(images, dict) and isinstance(images.get(key), str) and bool(images[key])
