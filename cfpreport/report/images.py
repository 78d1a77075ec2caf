"""Read a study's images (only from inside its folder) as PNG bytes for both renderers."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from cfpreport.errors import BuildError
from cfpreport.input.image_checks import ImageProblem, open_image, truncated_images_refused
from cfpreport.input.loading import image_path_problem

MAX_WIDTH_MM = 150.0
MAX_HEIGHT_MM = 110.0
#: Images are scaled to fit the box they are shown in at 200 dpi, as the charts are:
#: at most 1181 x 866 pixels. Every pixel is carried three times (PNG in the model,
#: base64 in the HTML, re-compressed by WeasyPrint for the PDF); at 300 dpi a photo
#: cost the PDF worker 40 MB and a second.
DPI = 200
BOX_PIXELS = (round(MAX_WIDTH_MM / 25.4 * DPI), round(MAX_HEIGHT_MM / 25.4 * DPI))
#: The most an image may add to the report: a picture whose PNG is larger (a noisy
#: photo) is scaled down until it fits, so that every image costs a bounded amount.
MAX_PNG_BYTES = 1_000_000


def read_image(folder: Path, relative: str) -> tuple[bytes, float]:
    """Return (PNG bytes, display width in mm) of an image inside the study folder.

    The path is checked again here, at the point of reading, so that nothing outside
    the study's folder can be read even if a study object was built by hand; and the
    file is opened through the same checks as at ``validate`` (pixels, format, mode), so
    a file swapped since cannot make the build decode gigabytes.
    """
    problem = image_path_problem(folder, relative)
    if problem:
        raise BuildError(f"image {relative!r}: {problem}")
    path = (folder / relative).resolve()
    stat = path.stat()
    return scaled_png(path, relative, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def scaled_png(path: Path, relative: str, size: int, mtime_ns: int) -> tuple[bytes, float]:
    """Decode, scale and re-encode one image file; a file that several products show
    (a shared process flow) is done once. ``size`` and ``mtime_ns`` key the cache."""
    try:
        with open_image(path, relative) as image:
            image.draft(None, BOX_PIXELS)  # JPEG: decode at a smaller scale, still larger
            with truncated_images_refused():
                image.load()
            alpha = image.mode in ("RGBA", "LA", "P", "PA")
            converted = image.convert("RGBA" if alpha else "RGB")
            converted.thumbnail(BOX_PIXELS)
    except ImageProblem as problem:
        raise BuildError(f"image {problem}") from None
    except Exception as err:  # PIL raises many types for broken files
        raise BuildError(f"image {relative!r} cannot be read: {err}") from None
    png = png_bytes(converted)
    while len(png) > MAX_PNG_BYTES and min(converted.size) > 1:
        scale = 0.9 * (MAX_PNG_BYTES / len(png)) ** 0.5
        converted = converted.resize((max(1, int(converted.width * scale)),
                                      max(1, int(converted.height * scale))))
        png = png_bytes(converted)
    width, height = converted.size
    width_mm = min(MAX_WIDTH_MM, MAX_HEIGHT_MM * width / height)
    return png, round(width_mm, 1)


def png_bytes(image) -> bytes:
    """Encode as PNG. Level 1: a photo's PNG is 10-20 % larger than at the default
    level 6, and written five to ten times faster (0.1 s instead of 0.7-1.4 s for
    1181 x 866 pixels)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
