"""``cfpreport verify``: is a signed final report what it says it is?

Three checks, each reported on its own line, all of them run even when one fails:

1. **signature**: the report carries cfpreport's signature, and it is cryptographically
   valid (the signed bytes hash to what the signer signed, with the signer's key). With
   ``--trust CERT.pem`` the signer's certificate must also chain to that certificate;
   without it, trust is not judged (a self-signed certificate is "not checked"), and the
   line says who signed, so that a reader can decide.
2. **unchanged**: nothing was changed after signing: the signature covers the whole file,
   or what follows it is only validation data (pyHanko's modification level
   ``LTA_UPDATES``: DSS and document time-stamps, which change no content).
3. **reproduced**: the embedded study, priced by this cfpreport with the embedded factor
   set (from a temporary folder holding the attachments), gives the embedded results
   JSON's totals and stage values (exact numbers and the strings printed), and each
   product's printed total appears in the PDF's page text.

The report passes when all three hold.
"""

from __future__ import annotations

import io
import logging
import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfpreport.errors import CfpError


@dataclass
class Verdict:
    """What ``verify`` found: a line per check; passed when no check failed."""

    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def verify_report(report: Path, trust: Path | None = None) -> Verdict:
    """Run the three checks on a signed final report (see the module's docstring)."""
    from cfpreport.final.signing import require_pyhanko

    require_pyhanko("verify")
    try:
        data = report.read_bytes()
    except OSError as error:
        raise CfpError(f"cannot read {report}: {error.strerror or error}") from None
    verdict = Verdict()
    with quiet("pypdf"):  # a damaged file's warnings: the verdict says what is wrong
        check_signature(data, trust, verdict)
        check_reproduced(report, data, verdict)
    return verdict


# --- 1 and 2: the signature and what follows it ---------------------------------------

def check_signature(data: bytes, trust: Path | None, verdict: Verdict) -> None:
    """Checks 1 (valid, and trusted when asked) and 2 (unchanged after signing)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError) as error:
        verdict.failed += [f"signature: the PDF cannot be read: {error}",
                           "unchanged: cannot tell (the PDF cannot be read)"]
        return
    if not signatures:
        verdict.failed += ["signature: the report is not signed",
                           "unchanged: cannot tell (no signature)"]
        return
    roots = [load_certificate(trust)] if trust else []
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    # cfpreport's own field; any signature added after it is a change to the report
    from cfpreport.final.signing import SIGNATURE_FIELD

    ours = [sig for sig in signatures if sig.field_name == SIGNATURE_FIELD]
    signature = (ours or signatures)[0]
    try:
        with quiet("pyhanko", "pyhanko_certvalidator"):  # it logs an untrusted signer's
            status = validate_pdf_signature(signature, context)  # traceback; we say it
    except Exception as error:  # a damaged signature dictionary or CMS blob
        verdict.failed += [f"signature: cannot be validated: {error}",
                           "unchanged: cannot tell (the signature cannot be validated)"]
        return
    signer = signer_name(signature)
    if not (status.intact and status.valid):
        what = "the signed bytes do not match their digest" if not status.intact else (
            "the signature does not verify with the signer's key")
        verdict.failed.append(f"signature: INVALID: {what} (the file was altered)")
    elif trust is None:
        verdict.passed.append(f"signature: valid, by {signer}")
        verdict.notes.append("signature: the signer's certificate was not checked against a "
                             "trust anchor (give --trust CERT.pem)")
    elif status.trusted:
        verdict.passed.append(f"signature: valid and trusted, by {signer} ({trust.name})")
    else:
        verdict.failed.append(f"signature: valid, but {signer} is not trusted by "
                              f"{trust.name}")
    coverage, level = status.coverage, status.modification_level
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        verdict.passed.append("unchanged: the signature covers the whole file")
    elif (coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None
          and level <= ModificationLevel.LTA_UPDATES):
        verdict.passed.append("unchanged: after the signature only validation data was added")
    else:
        what = level.name.lower().replace("_", " ") if level is not None else "unknown"
        verdict.failed.append(f"unchanged: NO: the file was changed after it was signed "
                              f"(modification: {what})")


@contextmanager
def quiet(*names: str) -> Iterator[None]:
    """Silence these loggers for a while (their findings are in the status we read)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def load_certificate(path: Path):
    """A trust anchor from a PEM or DER certificate file."""
    from pyhanko.keys import load_cert_from_pemder

    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as error:
        raise CfpError(f"--trust {path}: cannot read a certificate from it: {error}") from None


def signer_name(signature) -> str:
    cert = signature.signer_cert
    return cert.subject.human_friendly if cert is not None else "an unknown signer"


# --- 3: the embedded study reproduces the printed totals ------------------------------

def check_reproduced(report: Path, data: bytes, verdict: Verdict) -> None:
    """Check 3: re-price the embedded study with the embedded factors; compare."""
    from cfpreport.final.attachments import read_embedded

    try:
        embedded = read_embedded(report)
        printed = embedded.results
    except (CfpError, ValueError) as error:
        verdict.failed.append(f"reproduced: NO: {error}")
        return
    try:
        repriced = reprice(embedded)
    except CfpError as error:
        first = str(error).splitlines()[0]
        verdict.failed.append(f"reproduced: NO: the embedded study does not price: {first}")
        return
    problems = compared(printed, repriced)
    problems += missing_from_pages(printed, data)
    if problems:
        verdict.failed += [f"reproduced: NO: {problem}" for problem in problems]
    else:
        count = len(printed.get("products", []))
        totals = "the printed total and its" if count == 1 else (
            f"the {count} printed totals and their")
        verdict.passed.append(f"reproduced: the embedded study and factors give "
                              f"{totals} stages")


def reprice(embedded) -> dict[str, Any]:
    """The results JSON of the embedded study priced with the embedded factor set, from a
    temporary folder (nothing of this machine's studies or sets is read)."""
    from cfpreport.calculation.results_json import results_document
    from cfpreport.pipeline import check_study

    with tempfile.TemporaryDirectory(prefix="cfpreport-verify-") as folder:
        study_path = embedded.unpack(Path(folder))
        factors = str(Path(folder) / embedded.manifest["factors"])
        calculated = check_study(study_path, factors)
        return results_document(calculated.study, calculated.results)


def compared(printed: dict[str, Any], repriced: dict[str, Any]) -> list[str]:
    """How the embedded results differ from the re-priced ones (totals and stages)."""
    problems = []
    old = {product["id"]: product for product in printed.get("products", [])}
    new = {product["id"]: product for product in repriced["products"]}
    if set(old) != set(new):
        problems.append(f"the results list products {sorted(old)}, the study "
                        f"{sorted(new)}")
    for pid in sorted(set(old) & set(new)):
        a, b = old[pid], new[pid]
        if not same(a.get("total_kgco2e"), b["total_kgco2e"]) or (
                a.get("display", {}).get("total") != b["display"]["total"]):
            problems.append(f"{pid}: total {a.get('display', {}).get('total')} "
                            f"{a.get('display', {}).get('unit', '')} printed, the study "
                            f"gives {b['display']['total']} {b['display']['unit']}")
        stages_a, stages_b = a.get("stages", {}), b["stages"]
        shown_a = a.get("display", {}).get("stages", {})
        for stage in sorted(set(stages_a) | set(stages_b)):
            if not same(stages_a.get(stage), stages_b.get(stage)) or (
                    shown_a.get(stage) != b["display"]["stages"].get(stage)):
                problems.append(f"{pid}: stage {stage} printed "
                                f"{(shown_a.get(stage) or {}).get('value')}, the study gives "
                                f"{(b['display']['stages'].get(stage) or {}).get('value')}")
    return problems


def same(a: Any, b: Any) -> bool:
    """Two exact results equal but for the last bits of a float's arithmetic."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def missing_from_pages(printed: dict[str, Any], data: bytes) -> list[str]:
    """The products whose printed total is not in the PDF's page text."""
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = "".join(text.split())
    return [f"{product['id']}: its total {product['display']['total']} is not printed in "
            "the report's pages"
            for product in printed.get("products", [])
            if "".join(str(product["display"]["total"]).split()) not in text]
