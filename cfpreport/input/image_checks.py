"""Check what an image file holds, reading as little of it as possible.

A study's images are checked when it is validated, so that a file that is not a
picture, is cut short, or would take gigabytes to decode is an error at its line,
not a failure (or a swapped-out machine) halfway through a build. The report reads
each image through :func:`open_image` again, so a file changed after ``validate``
is held to the same limits.

The pixel count comes from the file's header, before anything is decoded: a 690 KB
PNG can hold 13000 x 13000 pixels (169 MP, 2.2 GB once decoded). The limit,
:data:`cfpreport.input.limits.MAX_IMAGE_PIXELS` (25 MP), is well below Pillow's own
(89 MP warns, 179 MP refuses) and above any camera a study's photos come from.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cfpreport.input import limits

if TYPE_CHECKING:
    from PIL.Image import Image

FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
FORMAT_NAMES = "PNG, JPEG, GIF or WebP"
#: Pixel modes the report shows faithfully once converted to RGB(A). 16-bit and
#: floating-point greyscale ("I;16", "I", "F") would come out white or black.
MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"}
#: The first bytes of each format, to say what a file is that cannot be opened.
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
              (b"GIF89a", "GIF"))
MEGA = 1_000_000


class ImageProblem(ValueError):
    """What is wrong with an image file, said for the study's author."""


def image_problem(path: Path, shown: str) -> str | None:
    """Say what is wrong with the content of an image file, or None if the report can
    use it. ``shown`` is the path as the study writes it, for the message."""
    try:
        with open_image(path, shown) as image:
            verify(image, shown)
    except ImageProblem as problem:
        return str(problem)
    return None


def open_image(path: Path, shown: str) -> Image:
    """Open an image for its header only, refusing a file the report cannot use or
    should not decode (too large, too many pixels, an unsupported pixel mode)."""
    from PIL import Image, UnidentifiedImageError  # imported here to keep startup fast

    size = path.stat().st_size
    if size > limits.MAX_IMAGE_BYTES:
        raise ImageProblem(f"{shown!r} is {size / MEGA:.0f} MB; an image file may be at most "
                           f"{limits.MAX_IMAGE_BYTES // MEGA} MB")
    try:
        with warnings.catch_warnings():  # the explicit pixel check below says it better
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=FORMATS)
    except Image.DecompressionBombError as error:  # past 179 MP Pillow refuses to open
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        count = f" {int(pixels[1]) / MEGA:.0f} MP" if pixels else " more pixels than Pillow opens"
        raise ImageProblem(f"{shown!r} has{count}; images may have at most "
                           f"{limits.MAX_IMAGE_PIXELS // MEGA} MP") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageProblem(not_an_image(path, shown, size)) from None
    try:
        check_header(image, shown)
    except ImageProblem:
        image.close()
        raise
    return image


def check_header(image: Image, shown: str) -> None:
    """Refuse too many pixels or a pixel mode the report cannot show, before decoding."""
    width, height = image.size
    if width * height > limits.MAX_IMAGE_PIXELS:
        raise ImageProblem(f"{shown!r} is {width}x{height} pixels ({width * height / MEGA:.0f} "
                           f"MP); images may have at most {limits.MAX_IMAGE_PIXELS // MEGA} MP")
    if image.mode not in MODES:
        raise ImageProblem(f"{shown!r} has pixels of mode {image.mode} (16-bit or "
                           "floating-point), which the report cannot show; save it as an "
                           "8-bit RGB or greyscale image")


def verify(image: Image, shown: str) -> None:
    """Check that the image data is whole: a PNG's chunks and checksums (without
    decoding them), a JPEG decoded at 1/8 scale, GIF and WebP decoded (at most 25 MP)."""
    from PIL import Image

    try:
        with truncated_images_refused():
            if image.format == "PNG":
                image.verify()
            else:
                image.draft(None, (1, 1))  # JPEG: the smallest scale libjpeg decodes
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageProblem(f"{shown!r} is damaged or cut short ({error}); save it again "
                           f"as {FORMAT_NAMES}") from None


@contextmanager
def truncated_images_refused() -> Iterator[None]:
    """Make Pillow raise on a file that ends too soon, for the time of a load.

    WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES`` for the whole process when it
    is imported (as `cfpreport build` does first): a cut-short photo would then be
    shown half grey instead of refused.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def not_an_image(path: Path, shown: str, size: int) -> str:
    """Say what a file is that Pillow cannot open as an image."""
    if size == 0:
        return f"{shown!r} is empty; images must be {FORMAT_NAMES} files"
    with path.open("rb") as stream:
        head = stream.read(512)
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return f"{shown!r} is a {name} file that is damaged or cut short; save it again"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return f"{shown!r} is a WebP file that is damaged or cut short; save it again"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text:
        return (f"{shown!r} is an SVG drawing, not a picture; export it as PNG "
                "(images must be PNG, JPEG, GIF or WebP)")
    return f"{shown!r} is not an image; images must be {FORMAT_NAMES} files"
