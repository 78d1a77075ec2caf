"""``cfpreport sign``: sign a final report (PAdES baseline B-B) with pyHanko.

The signature is a visible field on the summary sheet, exactly over the empty box the
final PDF keeps for it (``id="cfp-signature"``, 40 x 40 mm, beside the signature lines,
where the seeds stamp the issuer's seal): WeasyPrint writes a named destination for every
element with an id, which gives the box's page and its top-left corner after layout.
With ``--seal`` the field shows the seal image; without, the signer's name and the time.

B-B, not B-T: a signature time-stamp needs a time-stamp server, which this machine
cannot reach; the signing time in the signature is the signer's clock's claim.

pyHanko appends the signature as an incremental update, so the PDF/A-3b file and its
attachments stay as they were. The signed file is written whole (temporary + rename).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from cfpreport.errors import CfpError
from cfpreport.output import replace_file

SIGNATURE_BOX_ID = "cfp-signature"
SIGNATURE_FIELD = "cfpreport-signature"
BOX_MM = 40.0  # templates/report.css .signature-box
MM = 72 / 25.4
STAMP_FONT = "NotoSansSC-Regular.otf"


class SigningError(CfpError):
    """A report cannot be signed: a draft, a bad key file or passphrase, a bad seal."""


def require_pyhanko(command: str) -> None:
    """Say how to install pyHanko when the ``sign`` extra is not installed."""
    try:
        import pyhanko  # noqa: F401
    except ImportError:
        raise CfpError(f"cfpreport {command} needs pyHanko, which is not installed: pip "
                       "install 'cfpreport[sign]' (make install does)") from None


@dataclass(frozen=True)
class Placement:
    """Where the signature goes: a page (from 0) and a box in PDF points (x1, y1, x2, y2)."""

    page: int
    box: tuple[float, float, float, float]


def signature_placement(pdf: bytes, name: str = "report") -> Placement:
    """Find the summary sheet's signature box; a PDF without one is a draft (or not a
    cfpreport final report) and cannot be signed."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    destination = reader.named_destinations.get(SIGNATURE_BOX_ID)
    if destination is None:
        raise SigningError(f"{name}: is a draft, or not a final cfpreport report (it has no "
                           "signature box): only a final report can be signed")
    page = reader.get_destination_page_number(destination)
    left, top = float(destination.left), float(destination.top)
    size = BOX_MM * MM
    return Placement(page, (left, top - size, left + size, top))


def sign_report(report: Path, p12: Path, passphrase: str | None, output: Path,
                seal: Path | None = None) -> Path:
    """Sign a final report with the key and certificate of a PKCS#12 file; write the
    signed file whole to ``output`` (which may be ``report`` itself)."""
    require_pyhanko("sign")
    from pyhanko.sign import fields, signers

    try:
        data = report.read_bytes()
    except OSError as error:
        raise SigningError(f"cannot read {report}: {error.strerror or error}") from None
    from cfpreport.final.attachments import MANIFEST_NAME, read_embedded

    try:
        read_embedded(report)
    except CfpError:
        raise SigningError(f"{report}: is a draft, or not a final cfpreport report (it "
                           f"embeds no {MANIFEST_NAME}): only a final report can be "
                           "signed") from None
    placement = signature_placement(data, str(report))
    signer = load_signer(p12, passphrase)
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD,
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    spec = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=placement.page, box=placement.box)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp_style(seal),
                                   new_field_spec=spec)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if SIGNATURE_FIELD in {field.get("/T") for field in existing_fields(writer)}:
        raise SigningError(f"{report}: is signed already")
    signed = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=signed)
    replace_file(output, signed.getvalue())
    return output


def existing_fields(writer) -> list:
    """The form fields the PDF has already (a signed report has ours)."""
    form = writer.root.get("/AcroForm")
    if form is None:
        return []
    return [field.get_object() for field in form.get_object().get("/Fields", [])]


def load_signer(p12: Path, passphrase: str | None):
    """The key and certificate of a PKCS#12 file, or a SigningError saying why not."""
    from pyhanko.sign import signers

    try:
        data = p12.read_bytes()
    except OSError as error:
        raise SigningError(f"cannot read {p12}: {error.strerror or error}") from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode() if passphrase else None)
    except (ValueError, TypeError) as error:
        raise SigningError(f"{p12}: cannot open it as a PKCS#12 key file (wrong "
                           f"passphrase?): {error}") from None
    if signer is None or signer.signing_cert is None:
        raise SigningError(f"{p12}: holds no key and certificate to sign with")
    return signer


def stamp_style(seal: Path | None):
    """The field's appearance: the seal image, or the signer and the signing time."""
    from pyhanko import stamp

    if seal is None:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
        from pyhanko.pdf_utils.text import TextBoxStyle

        from cfpreport.assets import fonts_dir

        # A font of ours, embedded (PDF/A): pyHanko's default Courier is not, and has no
        # Chinese for a signer's name.
        font = GlyphAccumulatorFactory(str(fonts_dir() / STAMP_FONT), font_size=8)
        return stamp.TextStampStyle(stamp_text="%(signer)s\n%(ts)s", border_width=1,
                                    text_box_style=TextBoxStyle(font=font))
    from PIL import Image, UnidentifiedImageError
    from pyhanko.pdf_utils.images import PdfImage

    try:
        image = Image.open(seal)
        image.load()
    except (OSError, UnidentifiedImageError) as error:
        raise SigningError(f"--seal {seal}: cannot read it as an image: {error}") from None
    return stamp.StaticStampStyle(background=PdfImage(image), border_width=0,
                                  background_opacity=1.0)
