"""`cfpreport sign` and `cfpreport verify` with a certificate made here (self-signed)."""

from __future__ import annotations

import datetime
import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader, PdfWriter

from cfpreport.build import build_report
from cfpreport.cli import main
from cfpreport.final.signing import BOX_MM, SIGNATURE_FIELD, signature_placement
from tests.conftest import RING_MAIN_UNIT, YUANYU
from tests.test_final import pdfa_problems

PASSPHRASE = "test-passphrase"


def certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed RSA key and certificate: (PKCS#12 file, PEM certificate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "三信国际检测认证有限公司")])
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    p12 = folder / f"{name}.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    pem = folder / f"{name}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return p12, pem


def cli(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> dict[str, Path]:
    """The yuanyu sample built as a final report, a key pair, and the signed report."""
    base = tmp_path_factory.mktemp("signing")
    shutil.copytree(YUANYU.parent, base / "study")
    record = build_report(base / "study" / YUANYU.name, base / "out", formats=("pdf",))
    p12, pem = certificate(base, "Test Signer")
    result = cli("sign", record.outputs["pdf"], "--p12", p12, "--passphrase", PASSPHRASE,
                 "-o", base / "signed.pdf")
    assert result.exit_code == 0, result.output
    return {"report": record.outputs["pdf"], "signed": base / "signed.pdf", "p12": p12,
            "pem": pem, "base": base}


def verify_lines(path: Path, *args: object) -> tuple[int, list[str]]:
    result = cli("verify", path, *args)
    return result.exit_code, result.output.splitlines()


def test_a_signed_final_report_verifies(signed):
    code, lines = verify_lines(signed["signed"])
    assert code == 0, lines
    assert lines[:3] == [
        "[ok] signature: valid, by Organization: 三信国际检测认证有限公司, Common Name: "
        "Test Signer",
        "[ok] unchanged: the signature covers the whole file",
        "[ok] reproduced: the embedded study and factors give the 2 printed totals and "
        "their stages"]
    assert lines[3].startswith("[note] signature: the signer's certificate was not checked")


def test_trust_names_the_anchor_and_refuses_another(signed, tmp_path):
    code, lines = verify_lines(signed["signed"], "--trust", signed["pem"])
    assert code == 0
    assert lines[0].startswith("[ok] signature: valid and trusted, by ")
    _, other = certificate(tmp_path, "Somebody Else")
    code, lines = verify_lines(signed["signed"], "--trust", other)
    assert code == 1
    assert "[FAIL] signature: valid, but Organization: 三信国际检测认证有限公司, Common Name: " \
           "Test Signer is not trusted by Somebody Else.pem" in lines


def test_the_signature_sits_in_the_summary_sheets_box_and_keeps_pdfa(signed):
    placement = signature_placement(signed["report"].read_bytes())
    reader = PdfReader(signed["signed"])
    assert placement.page == 1  # the summary sheet, the second page
    [field] = [a.get_object() for a in reader.pages[1]["/Annots"]
               if a.get_object().get("/T") == SIGNATURE_FIELD]
    rect = [float(x) for x in field["/Rect"]]
    assert rect == pytest.approx(list(placement.box), abs=0.01)
    assert rect[2] - rect[0] == pytest.approx(BOX_MM * 72 / 25.4, abs=0.01)
    assert "签名" in reader.pages[1].extract_text()
    assert pdfa_problems(signed["signed"]) == []  # the field's font is embedded too


def test_a_seal_image_is_the_fields_appearance(signed, tmp_path):
    from PIL import Image, ImageDraw

    seal = tmp_path / "seal.png"
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((5, 5, 195, 195), outline=(200, 0, 0, 255), width=8)
    image.save(seal)
    out = tmp_path / "sealed.pdf"
    result = cli("sign", signed["report"], "--p12", signed["p12"], "--passphrase",
                 PASSPHRASE, "--seal", seal, "-o", out)
    assert result.exit_code == 0, result.output
    field = next(a.get_object() for a in PdfReader(out).pages[1]["/Annots"]
                 if a.get_object().get("/T") == SIGNATURE_FIELD)
    appearance = field["/AP"]["/N"].get_object()
    assert "/Image" in str(appearance["/Resources"]) or "/XObject" in appearance["/Resources"]
    assert verify_lines(out)[0] == 0
    assert pdfa_problems(out) == []


def flipped_page_byte(data: bytes, page_index: int = 1) -> bytes:
    """The file with one byte of a page's content stream changed (same length)."""
    reader = PdfReader(io.BytesIO(data))
    contents = reader.pages[page_index].raw_get("/Contents")
    number = (contents[0] if isinstance(contents, list) else contents).idnum
    start = re.search(rb"(?<![0-9])%d 0 obj" % number, data).end()
    offset = data.index(b"stream", start) + len(b"stream\n") + 20
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1:]


def test_one_byte_of_page_content_changed_fails_the_signature(signed, tmp_path):
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(flipped_page_byte(signed["signed"].read_bytes()))
    code, lines = verify_lines(tampered)
    assert code == 1
    assert "[FAIL] signature: INVALID: the signed bytes do not match their digest (the file " \
           "was altered)" in lines


def edited_study(reader: PdfReader, writer: PdfWriter) -> None:
    """Double the first amount of the embedded study.yaml, in the writer."""
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for name, spec in zip(names[::2], names[1::2], strict=True):
        if name == "study.yaml":
            stream = spec.get_object()["/EF"]["/F"].get_object()
            text = stream.get_data().decode("utf-8")
            stream.set_data(text.replace("amount: 17175,", "amount: 34350,", 1).encode())
            return
    raise AssertionError("no study.yaml")


def test_a_study_edited_in_an_incremental_update_fails(signed, tmp_path):
    writer = PdfWriter(signed["signed"], incremental=True)
    edited_study(PdfReader(signed["signed"]), writer)
    out = tmp_path / "edited.pdf"
    with out.open("wb") as file:
        writer.write(file)
    assert out.read_bytes().startswith(signed["signed"].read_bytes())  # appended to
    code, lines = verify_lines(out)
    assert code == 1
    assert any(line.startswith("[FAIL] unchanged: NO: the file was changed after it was "
                               "signed") for line in lines), lines
    assert any(line.startswith("[FAIL] reproduced: NO: zw32: total 0.0677 tCO2e printed, "
                               "the study gives ") for line in lines), lines


def test_a_study_edited_in_a_rewritten_file_fails(signed, tmp_path):
    writer = PdfWriter(clone_from=signed["signed"])
    edited_study(PdfReader(signed["signed"]), writer)
    out = tmp_path / "rewritten.pdf"
    with out.open("wb") as file:
        writer.write(file)
    code, lines = verify_lines(out)
    assert code == 1
    assert any(line.startswith("[FAIL] signature: ") for line in lines), lines
    assert any(line.startswith("[FAIL] reproduced: NO: zw32: total 0.0677") for line in lines)


def test_an_unsigned_final_report_fails_only_the_signature(signed):
    code, lines = verify_lines(signed["report"])
    assert code == 1
    assert lines == ["[ok] reproduced: the embedded study and factors give the 2 printed "
                     "totals and their stages",
                     "[FAIL] signature: the report is not signed",
                     "[FAIL] unchanged: cannot tell (no signature)"]


def test_a_draft_cannot_be_signed(signed):
    draft = build_report(RING_MAIN_UNIT, signed["base"] / "draft", formats=("pdf",))
    result = cli("sign", draft.outputs["pdf"], "--p12", signed["p12"], "--passphrase",
                 PASSPHRASE, "-o", signed["base"] / "draft-signed.pdf")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: {draft.outputs['pdf']}: is a draft, or not a final cfpreport report (it "
        "embeds no cfpreport-manifest.json): only a final report can be signed")
    assert not (signed["base"] / "draft-signed.pdf").exists()


def test_a_wrong_passphrase_is_one_line(signed):
    result = cli("sign", signed["report"], "--p12", signed["p12"], "--passphrase", "wrong",
                 "-o", signed["base"] / "never.pdf")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {signed['p12']}: cannot open it as a PKCS#12")
    assert len(result.output.strip().splitlines()) == 1


def test_without_pyhanko_sign_and_verify_say_how_to_install_it(signed, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pyhanko", None)
    for args in (["sign", signed["report"], "--p12", signed["p12"]],
                 ["verify", signed["signed"]]):
        result = cli(*args)
        assert result.exit_code == 1
        assert result.output == (f"error: cfpreport {args[0]} needs pyHanko, which is not "
                                 "installed: pip install 'cfpreport[sign]' (make install "
                                 "does)\n")


def test_a_file_that_is_not_a_pdf_fails_every_check(tmp_path):
    other = tmp_path / "notes.pdf"
    other.write_text("not a PDF\n")
    code, lines = verify_lines(other)
    assert code == 1
    assert [line.split(":")[0] for line in lines] == [
        "[FAIL] signature", "[FAIL] unchanged", "[FAIL] reproduced"]


def test_a_second_signature_after_ours_is_a_change(signed, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    p12, _ = certificate(tmp_path, "Later Signer")
    signer = signers.SimpleSigner.load_pkcs12_data(p12.read_bytes(), [],
                                                   PASSPHRASE.encode())
    out = tmp_path / "cosigned.pdf"
    with signed["signed"].open("rb") as source, out.open("wb") as target:
        writer = IncrementalPdfFileWriter(source)
        fields.append_signature_field(writer, fields.SigFieldSpec("later", box=(0, 0, 0, 0)))
        signers.PdfSigner(signers.PdfSignatureMetadata(field_name="later"),
                          signer=signer).sign_pdf(writer, output=target)
    code, lines = verify_lines(out)
    assert code == 1
    assert lines[0] == ("[ok] signature: valid, by Organization: 三信国际检测认证有限公司, "
                        "Common Name: Test Signer")
    assert any(line.startswith("[FAIL] unchanged: NO: the file was changed after it was "
                               "signed") for line in lines), lines
