"""Build records: what each report was made from, so that a rerun builds only what changed.

Every build writes ``OUTDIR/.cfpreport/<file stem>.json`` (``cfpreport.build/1``; the
stem is the report number, with ``-R2`` for revision 2) beside its files: the hashes of
the report's inputs (:mod:`.inputs`: the study file, its images, the factors it uses, the
style and templates, the fonts, cfpreport), what the study uses, the formats built, the
hash of each file written, the number of warnings and, for batch summaries, each
product's shown numbers and the factor set.

A rerun skips a report when its inputs hash as recorded, every format asked for was
built, and each of those files is still there with the bytes written (and, with
``--strict``, when it had no warnings). Hashes, never file times: a copied or touched file
that did not change keeps its report, an edited one of the same size and time does not.
The inputs are hashed before the build reads them, so a file that changes during a build
makes the next run build it again; a record is written after its report's files, so a
kill between the two makes the next run build that report again, never skip a stale one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from cfpreport.batch.inputs import Inputs, hash_file
from cfpreport.output import replace_file
from cfpreport.render import MULTI_FILE, format_of
from cfpreport.revisions.naming import report_stem

RECORD_FORMAT = "cfpreport.build/1"
RECORDS = ".cfpreport"  # the folder of records inside the output folder
#: Each input's name in a reason to rebuild, in the order they are compared.
CHANGED = {"study": "the study file changed", "images": "an image changed",
           "factors": "the factors it uses changed", "style": "the style or templates changed",
           "fonts": "the fonts changed", "cfpreport": "cfpreport or its libraries changed"}
REQUIRED = {"report_number", "revision", "uses", "inputs", "warnings", "outputs",
            "factor_set", "products"}
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.tmp$")  # output.replace_file's


@dataclass(frozen=True)
class Decision:
    """Whether to build a study, and why."""

    inputs: Inputs | None
    reason: str  # "unchanged", "new", "the study file changed", ...
    record: dict | None = None  # the matching record, when it is skipped

    @property
    def skip(self) -> bool:
        return self.record is not None


class RecordBook:
    """The build records of an output folder, read once, by report number and by study."""

    def __init__(self, out_dir: str | Path) -> None:
        self.folder = Path(out_dir) / RECORDS
        self._by_number: dict[str, dict] | None = None
        self._by_study: dict[str, dict] = {}

    def records(self) -> dict[str, dict]:
        if self._by_number is None:
            self._by_number = {}
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
                    if entry.name.endswith(".json") and not entry.name.startswith("."):
                        record = read_record(Path(entry.path))
                        if record is not None:
                            self.remember(record)
        return self._by_number

    def remember(self, record: dict) -> None:
        self.records()[record.get("stem", record["report_number"])] = record
        self._by_study[record["inputs"].get("study")] = record

    def for_study(self, digest: str) -> dict | None:
        self.records()
        return self._by_study.get(digest)

    def for_stem(self, stem: str) -> dict | None:
        """The record of the report whose files are named ``stem`` (see
        :func:`cfpreport.revisions.naming.report_stem`)."""
        return self.records().get(stem)

    def write(self, record: dict) -> None:
        """Write a record whole (under its report number's lock)."""
        self.folder.mkdir(exist_ok=True)
        replace_file(self.folder / f"{record.get('stem', record['report_number'])}.json",
                     json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
        if self._by_number is not None:
            self.remember(record)

    def decide(self, inputs: Inputs | None, formats: tuple[str, ...], strict: bool = False,
               force: bool = False) -> Decision:
        """Skip a study only if its record matches and its files are as written."""
        if force or inputs is None:
            return Decision(inputs, "--force" if force else "it cannot be read")
        stem = inputs.uses.stem
        record = self.for_stem(stem)
        if record is None:
            return Decision(inputs, "new")
        changed = [CHANGED[key] for key in CHANGED
                   if record["inputs"].get(key) != inputs.hashes[key]]
        if changed:
            return Decision(inputs, changed[0])
        names = format_names(record["outputs"], stem, formats)
        missing = [name for name in names if name not in record["outputs"]]
        if missing:
            return Decision(inputs, f"{', '.join(missing)} not built before")
        if strict and record.get("warnings"):
            return Decision(inputs, "it has warnings (--strict)")
        out = self.folder.parent
        for name in names:
            found = hash_file(out / name)
            if found != record["outputs"][name]:
                return Decision(inputs, f"{name} was {'deleted' if found is None else 'changed'}")
        return Decision(inputs, "unchanged", record)


def format_names(outputs: dict[str, str], stem: str, formats: tuple[str, ...]) -> list[str]:
    """The names of the files of ``formats`` a report named ``stem`` has: one per format,
    or, for a format of several files (pact: one per product), those its record lists;
    a format of several files it has none of counts as one missing file."""
    names = []
    for fmt in formats:
        recorded = [name for name in outputs if fmt in MULTI_FILE
                    and name.startswith(f"{stem}.") and format_of(name) == fmt]
        names += recorded or [f"{stem}.{fmt}"]
    return names


def read_record(path: Path) -> dict | None:
    """A record this module wrote, or None (a damaged or foreign file is ignored)."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    valid = (isinstance(record, dict) and record.get("format") == RECORD_FORMAT
             and set(record) >= REQUIRED
             and record.get("stem", record["report_number"]) == path.stem
             and isinstance(record["inputs"], dict) and isinstance(record["outputs"], dict)
             and isinstance(record["products"], list))
    return record if valid else None


def new_record(inputs: Inputs, study: str | Path, number: str, revision: int,
               files: dict[str, bytes], document: dict, warnings: int) -> dict:
    """The record of a build: its inputs, its files' hashes, what the summary shows."""
    return {
        "format": RECORD_FORMAT,
        "report_number": number,
        "revision": revision,
        "stem": report_stem(number, revision),
        "study": str(study),
        "uses": asdict(replace(inputs.uses, number=number)),
        "inputs": inputs.hashes,
        "warnings": warnings,
        "outputs": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "factor_set": {key: document["factor_set"][key] for key in ("name", "version")},
        "products": summary_products(document),
    }


def summary_products(document: dict) -> list[dict]:
    """Each product's row of a batch summary, from the results JSON: the shown values."""
    return [{"id": product["id"], "name": product["name"], "model": product["model"],
             "functional_unit": product["functional_unit"],
             "unit": product["display"]["unit"], "total": product["display"]["total"],
             "stages": {stage: shown["value"]
                        for stage, shown in product["display"]["stages"].items()}}
            for product in document["products"]]


def remove_temporaries(out_dir: Path, names: tuple[str, ...] = ()) -> None:
    """Remove the temporary files a killed run left writing its records, and those of
    the files ``names`` of the output folder (a batch's summary)."""
    folders = {out_dir / RECORDS: None, out_dir: names}
    for folder, only in folders.items():
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entry in os.scandir(folder):
                match = TEMPORARY.match(entry.name)
                if match and (only is None or match["name"] in only):
                    Path(entry.path).unlink(missing_ok=True)
