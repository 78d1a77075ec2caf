"""`cfpreport doctor`: what the machine has that the reports depend on."""

from __future__ import annotations

from dataclasses import dataclass

from cfpreport.assets import FONT_FILES, LATIN_FONT_FILES, fonts_dir, templates_dir


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run_checks() -> list[Check]:
    return [check_weasyprint(), check_harfbuzz_subset(), check_pango(), *check_fonts(),
            check_templates()]


def check_weasyprint() -> Check:
    try:
        import weasyprint
    except Exception as err:  # missing system libraries raise OSError, not ImportError
        return Check("WeasyPrint", False, f"cannot be imported: {err}")
    return Check("WeasyPrint", True, weasyprint.__version__)


def check_harfbuzz_subset() -> Check:
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except Exception as err:
        return Check("HarfBuzz subset", False, f"unknown ({err})")
    if harfbuzz_subset is None:
        return Check("HarfBuzz subset", False,
                     "libharfbuzz-subset0 is missing: PDFs fall back to fontTools subsetting "
                     "(~10x slower); run `sh scripts/system-deps.sh` or apt-get install "
                     "libharfbuzz-subset0")
    return Check("HarfBuzz subset", True, "libharfbuzz-subset found (fast font subsetting)")


def check_pango() -> Check:
    try:
        from weasyprint.text.ffi import pango
    except Exception as err:
        return Check("Pango", False, f"cannot be loaded: {err}")
    number = pango.pango_version()  # encoded as major * 10000 + minor * 100 + micro
    version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return Check("Pango", number >= 14400, f"{version} (WeasyPrint needs >= 1.44)")


def check_fonts() -> list[Check]:
    from fontTools.ttLib import TTFont

    checks = []
    for role, name in FONT_FILES.items():
        path = fonts_dir() / name
        if not path.is_file():
            checks.append(Check(f"font {role}", False, f"{path} is missing"))
            continue
        font = TTFont(path, lazy=True)
        family = font["name"].getDebugName(1)
        has_glyph = 0x9AA8 in font.getBestCmap()  # 骨: one of the glyphs JP faces draw differently
        is_sc = " SC" in family and "fvar" not in font
        checks.append(Check(f"font {role}", is_sc and has_glyph,
                            f"{name}: {family}, {'static' if 'fvar' not in font else 'VARIABLE'}"
                            f", {path.stat().st_size / 1e6:.1f} MB"))
    for role, name in LATIN_FONT_FILES.items():  # the English edition's Latin faces
        path = fonts_dir() / name
        if not path.is_file():
            checks.append(Check(f"font {role}", False, f"{path} is missing"))
            continue
        font = TTFont(path, lazy=True)
        static = "fvar" not in font
        checks.append(Check(f"font {role}", static and ord("g") in font.getBestCmap(),
                            f"{name}: {font['name'].getDebugName(1)}, "
                            f"{'static' if static else 'VARIABLE'}"))
    return checks


def check_templates() -> Check:
    path = templates_dir()
    found = len(list(path.rglob("*.j2")))
    return Check("templates", found > 0, f"{found} templates in {path}")
