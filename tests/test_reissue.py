"""`cfpreport reissue`: the next revision from a final PDF's embedded study, or from a
study file; the issued study kept byte for byte; the new one edited minimally.

The final PDF's attachments follow the contract of ``cfpreport.attachments/1``; here
they are attached with pypdf to a one-page PDF, so the reader is tested on its own.
"""

from __future__ import annotations

import io
import json
import shutil

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from cfpreport.cli import main
from cfpreport.input.yaml_reader import parse_yaml
from tests.conftest import YUANYU


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def final_pdf(path, files: dict[str, bytes]) -> None:
    """A one-page PDF embedding ``files`` (with a manifest, when one is given)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    for name, data in files.items():
        writer.add_attachment(name, data)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def issued_pdf(tmp_path):
    """T4100013 as issued (cn-2022), its study, factor set and results embedded."""
    study = YUANYU.read_bytes()
    results = invoke("calc", YUANYU, "--json").output.encode("utf-8")
    factors = invoke("factors", "export", "cn-2022").output.encode("utf-8")
    manifest = {"schema": "cfpreport.attachments/1", "study": "study.yaml", "images": [],
                "factors": "cn-2022.yaml", "results": "T4100013.json"}
    final_pdf(tmp_path / "T4100013.pdf", {
        "cfpreport-manifest.json": json.dumps(manifest).encode("utf-8"),
        "study.yaml": study, "cn-2022.yaml": factors, "T4100013.json": results})
    return tmp_path / "T4100013.pdf"


def changed_keys(before: dict, after: dict) -> dict[str, tuple]:
    """The keys of report: and study: whose values differ (other sections compared whole)."""
    assert {k: v for k, v in before.items() if k not in ("report", "study")} == \
        {k: v for k, v in after.items() if k not in ("report", "study")}
    return {f"{section}.{key}": (before[section].get(key), after[section].get(key))
            for section in ("report", "study")
            for key in before[section].keys() | after[section].keys()
            if before[section].get(key) != after[section].get(key)}


def test_reissue_of_a_final_pdf_makes_revision_2(issued_pdf, tmp_path):
    out = tmp_path / "re"
    result = invoke("reissue", issued_pdf, "--factor-set", "cn-2024", "-o", out,
                    "--reason", "电力碳足迹因子更新为 2024 年值")
    assert result.exit_code == 0, result.output
    assert (out / "previous" / "study.yaml").read_bytes() == YUANYU.read_bytes()
    assert (out / "previous" / "cn-2022.yaml").is_file()
    assert json.loads((out / "previous" / "T4100013.json").read_text())["factor_set"][
        "name"] == "cn-2022"
    old_text = YUANYU.read_text(encoding="utf-8")
    new_text = (out / "study.yaml").read_text(encoding="utf-8")
    changed = changed_keys(parse_yaml(old_text, "old").data, parse_yaml(new_text, "new").data)
    assert changed == {"report.revision": (None, 2),
                       "report.revision_reason": (None, "电力碳足迹因子更新为 2024 年值"),
                       "report.previous": (None, "previous/T4100013.json"),
                       "study.factor_set": ("cn-2022", "cn-2024")}
    # A minimal edit: every line of the issued study is still there but the set's.
    kept = [line for line in old_text.splitlines() if "factor_set: cn-2022" not in line]
    new_lines = new_text.splitlines()
    assert [line for line in new_lines if line in kept] == kept
    assert len(new_lines) == len(kept) + 4
    names = sorted(path.name for path in out.iterdir() if path.is_file())
    assert names == ["T4100013-R2.docx", "T4100013-R2.json", "T4100013-R2.pdf", "study.yaml"]
    document = json.loads((out / "T4100013-R2.json").read_text())
    assert document["revision"] == 2 and document["factor_set"]["name"] == "cn-2024"
    text = "\n".join(page.extract_text() for page in PdfReader(out / "T4100013-R2.pdf").pages)
    assert "版本变更说明" in text and "第 2 版" in text
    assert "0.5366 kgCO2/kWh" in text and "0.5777 kgCO2e/kWh" in text
    assert "issued study kept" in result.output and "revision 2" in result.output


def test_reissue_keeps_the_issue_date_unless_one_is_given(issued_pdf, tmp_path):
    kept = invoke("reissue", issued_pdf, "--factor-set", "cn-2024", "-o", tmp_path / "a")
    assert kept.exit_code == 0, kept.output
    study = parse_yaml((tmp_path / "a" / "study.yaml").read_text(encoding="utf-8"), "s").data
    assert str(study["report"]["issued"]) == "2025-02-26"
    assert "revision_reason" not in study["report"]
    help_text = " ".join(invoke("reissue", "-h").output.split())
    assert "report.issued is kept: today's date is never used unasked" in help_text
    dated = invoke("reissue", tmp_path / "a" / "study.yaml", "--factor-set", "cn-2022",
                   "-o", tmp_path / "b", "--issued", "2026-03-18")
    assert dated.exit_code == 0, dated.output
    study = parse_yaml((tmp_path / "b" / "study.yaml").read_text(encoding="utf-8"), "s").data
    assert str(study["report"]["issued"]) == "2026-03-18"
    assert study["report"]["revision"] == 3  # a re-issue of revision 2


def test_reissue_of_a_study_file_prices_it_with_its_own_set_first(tmp_path):
    shutil.copy(YUANYU, tmp_path / "study.yaml")
    out = tmp_path / "re"
    result = invoke("reissue", tmp_path / "study.yaml", "--factor-set", "cn-2024", "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "previous" / "study.yaml").read_bytes() == YUANYU.read_bytes()
    previous = json.loads((out / "previous" / "T4100013.json").read_text())
    assert previous == json.loads(invoke("calc", YUANYU, "--json").output)
    assert (out / "T4100013-R2.pdf").is_file()


@pytest.mark.parametrize("case, message", [
    ("no-manifest", "has no embedded study: only final reports made by cfpreport carry one"),
    ("unknown-set", "cn-1999"),
    ("missing", "nowhere.pdf: no such file"),
])
def test_reissue_errors_are_one_line(tmp_path, issued_pdf, case, message):
    pdf = issued_pdf
    factor_set = "cn-1999" if case == "unknown-set" else "cn-2024"
    if case == "no-manifest":
        pdf = tmp_path / "plain.pdf"
        final_pdf(pdf, {"study.yaml": YUANYU.read_bytes()})
    if case == "missing":
        pdf = tmp_path / "nowhere.pdf"
    result = invoke("reissue", pdf, "--factor-set", factor_set, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_reissue_refuses_to_overwrite_the_issued_study(tmp_path):
    shutil.copy(YUANYU, tmp_path / "study.yaml")
    result = invoke("reissue", tmp_path / "study.yaml", "--factor-set", "cn-2024", "-o",
                    tmp_path)
    assert result.exit_code == 1
    assert "would overwrite the issued study" in result.output
    assert (tmp_path / "study.yaml").read_bytes() == YUANYU.read_bytes()


def test_a_final_pdf_built_by_cfpreport_reissues_twice(tmp_path):
    """End to end, with the attachments `build` embeds in a final PDF: revision 2 from
    the original, then revision 3 from revision 2's own PDF."""
    shutil.copy(YUANYU, tmp_path / "study.yaml")
    built = invoke("build", tmp_path / "study.yaml", "-o", tmp_path / "v1", "-f", "pdf")
    assert built.exit_code == 0, built.output
    second = invoke("reissue", tmp_path / "v1" / "T4100013.pdf", "--factor-set", "cn-2024",
                    "-o", tmp_path / "r2", "--reason", "电力碳足迹因子更新")
    assert second.exit_code == 0, second.output
    assert (tmp_path / "r2" / "previous" / "study.yaml").read_bytes() == YUANYU.read_bytes()
    third = invoke("reissue", tmp_path / "r2" / "T4100013-R2.pdf", "--factor-set", "cn-2022",
                   "-o", tmp_path / "r3", "--reason", "回到 2022 年电网因子")
    assert third.exit_code == 0, third.output
    assert (tmp_path / "r3" / "previous" / "study.yaml").read_bytes() == \
        (tmp_path / "r2" / "study.yaml").read_bytes()
    study = parse_yaml((tmp_path / "r3" / "study.yaml").read_text(encoding="utf-8"), "s").data
    assert study["report"]["revision"] == 3
    assert study["report"]["previous"] == "previous/T4100013-R2.json"
    assert study["report"]["revision_reason"] == "回到 2022 年电网因子"
    text = "\n".join(page.extract_text() for page in
                     PdfReader(tmp_path / "r3" / "T4100013-R3.pdf").pages)
    joined = "".join(text.split())
    assert "本报告为报告T4100013（第2版，排放因子集cn-20242024.2）的第3版" in joined
    assert "0.5777 kgCO2e/kWh" in text and "0.5366 kgCO2/kWh" in text
    assert "-7.11%" in text  # 0.5366 / 0.5777 - 1, the electricity-only stages


def test_a_signed_final_report_reissues_from_its_embedded_study(tmp_path):
    pytest.importorskip("pyhanko")
    from tests.test_signing import PASSPHRASE, certificate

    shutil.copy(YUANYU, tmp_path / "study.yaml")
    assert invoke("build", tmp_path / "study.yaml", "-o", tmp_path / "v1", "-f",
                  "pdf").exit_code == 0
    p12, _ = certificate(tmp_path, "Test Signer")
    signed = tmp_path / "signed.pdf"
    result = invoke("sign", tmp_path / "v1" / "T4100013.pdf", "--p12", p12, "--passphrase",
                    PASSPHRASE, "-o", signed)
    assert result.exit_code == 0, result.output
    result = invoke("reissue", signed, "--factor-set", "cn-2024", "-o", tmp_path / "r2")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r2" / "previous" / "study.yaml").read_bytes() == YUANYU.read_bytes()
    assert json.loads((tmp_path / "r2" / "T4100013-R2.json").read_text())["revision"] == 2
