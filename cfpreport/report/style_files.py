"""Read a style's binary files: the Word reference document, the logo and the seal.

Each is checked as a study's images are (:mod:`cfpreport.input.image_checks`): its size
first, then its header, then its content, before anything large is decoded or unpacked.
A file that cannot be used is a :class:`~cfpreport.errors.StyleError` naming it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from cfpreport.errors import StyleError
from cfpreport.input.image_checks import ImageProblem, open_image, truncated_images_refused
from cfpreport.report.blocks import Picture

#: A reference document is styles, a page and a header; pictures in its header (a logo)
#: make it larger, but not this large.
MAX_REFERENCE_BYTES = 20_000_000
MAX_REFERENCE_UNPACKED = 100_000_000
#: The logo on the cover: this tall, unless that would make it wider than the maximum.
LOGO_HEIGHT_MM, LOGO_MAX_WIDTH_MM = 18.0, 80.0
#: The seal: as wide as a Chinese official seal (42 mm), no taller.
SEAL_SIZE_MM = 40.0
#: Pictures are kept at 300 dpi of the size they are shown at: a logo is line art.
DPI = 300
PICTURE_FORMATS = {"logo": ("PNG", "JPEG"), "seal": ("PNG",)}
SIGNATURES = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}


def check_reference_document(data: bytes, shown: str) -> None:
    """Refuse a reference document that is not a Word document python-docx can open."""
    if len(data) > MAX_REFERENCE_BYTES:
        raise StyleError(shown, None, f"is {len(data) / 1e6:.0f} MB; a reference document "
                         f"may be at most {MAX_REFERENCE_BYTES // 1_000_000} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(entry.file_size for entry in package.infolist())
    except zipfile.BadZipFile:
        raise StyleError(shown, None, "is not a Word document (.docx); save the reference "
                         "document from Word as .docx") from None
    if unpacked > MAX_REFERENCE_UNPACKED:
        raise StyleError(shown, None, f"unpacks to {unpacked / 1e6:.0f} MB; a reference "
                         f"document may hold at most {MAX_REFERENCE_UNPACKED // 1_000_000} MB")
    open_reference_document(data, shown)


def open_reference_document(data: bytes, shown: str):
    """Open a reference document with python-docx; a file it cannot read is a StyleError."""
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many types for a broken package
        raise StyleError(shown, None, "is not a Word document (.docx) cfpreport can read: "
                         f"{error}") from None


def read_logo(path: Path, shown: str) -> Picture:
    """The logo as PNG, sized for the cover (LOGO_HEIGHT_MM tall, at most as wide as
    LOGO_MAX_WIDTH_MM)."""
    image = _decoded(path, shown, "logo")
    width, height = image.size
    height_mm = min(LOGO_HEIGHT_MM, LOGO_MAX_WIDTH_MM * height / width)
    return _picture(image, height_mm * width / height, height_mm)


def read_seal(path: Path, shown: str) -> Picture:
    """The seal as PNG (keep its background transparent), SEAL_SIZE_MM at its longer side."""
    image = _decoded(path, shown, "seal")
    width, height = image.size
    scale = SEAL_SIZE_MM / max(width, height)
    return _picture(image, width * scale, height * scale)


def _decoded(path: Path, shown: str, role: str):
    """Decode a style's picture after the checks a study's images get; RGB(A) pixels."""
    formats = PICTURE_FORMATS[role]
    named = " or ".join(formats)
    with path.open("rb") as stream:
        head = stream.read(8)
    if not any(head.startswith(SIGNATURES[name]) for name in formats):
        raise StyleError(shown, None, f"is not a {named} picture; the {role} must be one")
    try:
        with open_image(path, shown) as image:
            if image.format not in formats:  # a PNG signature on another format's data
                raise StyleError(shown, None, f"is not a {named} picture; the {role} must "
                                 "be one")
            with truncated_images_refused():
                image.load()
            alpha = image.mode in ("RGBA", "LA", "P", "PA")
            return image.convert("RGBA" if alpha else "RGB")
    except ImageProblem as problem:  # too many pixels, a mode the report cannot show ...
        reason = str(problem).removeprefix(f"{shown!r} ")
        raise StyleError(shown, None, f"cannot be the {role}: it {reason}") from None
    except (OSError, SyntaxError, ValueError) as error:  # PIL's ways of saying "broken"
        raise StyleError(shown, None, f"is a {named} picture that is damaged or cut short "
                         f"({error}); save it again") from None


def _picture(image, width_mm: float, height_mm: float) -> Picture:
    """Scale down to DPI at the shown size and encode as PNG."""
    box = (max(1, round(width_mm / 25.4 * DPI)), max(1, round(height_mm / 25.4 * DPI)))
    image.thumbnail(box)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Picture(buffer.getvalue(), round(width_mm, 2), round(height_mm, 2))
