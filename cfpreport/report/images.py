"""Read a study's images (only from inside its folder) as PNG bytes for both renderers."""

from __future__ import annotations

import io
from pathlib import Path

from cfpreport.errors import BuildError
from cfpreport.input.loading import image_path_problem

MAX_WIDTH_MM = 150.0
MAX_HEIGHT_MM = 110.0


def read_image(folder: Path, relative: str) -> tuple[bytes, float]:
    """Return (PNG bytes, display width in mm) of an image inside the study folder.

    The path is checked again here, at the point of reading, so that nothing outside
    the study's folder can be read even if a study object was built by hand.
    """
    problem = image_path_problem(folder, relative)
    if problem:
        raise BuildError(f"image {relative!r}: {problem}")
    from PIL import Image  # matplotlib's dependency; imported here to keep startup fast

    try:
        with Image.open(folder / relative) as image:
            image.load()
            converted = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            converted.thumbnail((1800, 1800))  # print resolution; keeps the PDF small
    except Exception as err:  # PIL raises many types for broken files
        raise BuildError(f"image {relative!r} cannot be read: {err}") from None
    buffer = io.BytesIO()
    converted.save(buffer, format="PNG", optimize=True)
    width, height = converted.size
    width_mm = min(MAX_WIDTH_MM, MAX_HEIGHT_MM * width / height)
    return buffer.getvalue(), round(width_mm, 1)
