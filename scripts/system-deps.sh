#!/bin/sh
# Install the Debian/Ubuntu packages cfpreport needs.
#
# - libharfbuzz-subset0: not pulled in by `pip install weasyprint`; without it WeasyPrint
#   falls back to fontTools for font subsetting and every PDF takes ~13 s instead of ~0.6 s.
# - the Pango libraries WeasyPrint loads, and poppler-utils (pdftotext, used by the tests).
# - with an argument PYTHON (the interpreter about to create the project's .venv): the
#   distribution's venv support (python3-venv, python3.X-venv) when PYTHON cannot make a
#   venv with pip yet (Debian and Ubuntu ship ensurepip separately), and python3 itself
#   when PYTHON is python3 and there is none.
set -eu
PYTHON="${1:-}"
PACKAGES="libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils"

can_make_venv() {
    "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1
}

if [ "$PYTHON" = python3 ] && ! command -v python3 >/dev/null 2>&1; then
    PACKAGES="$PACKAGES python3 python3-venv"   # a minimal image without any Python
elif [ -n "$PYTHON" ]; then
    if ! "$PYTHON" -c 'import sys' >/dev/null 2>&1; then
        echo "cfpreport: cannot run '$PYTHON'; install Python >= 3.11 (Debian/Ubuntu: python3)" >&2
        exit 1
    fi
    if ! can_make_venv; then
        if [ "$("$PYTHON" -c 'import sys; print(sys.base_prefix)')" != /usr ]; then
            echo "cfpreport: '$PYTHON' cannot create a virtual environment with pip" \
                 "(no ensurepip); use another Python: make PYTHON=/path/to/python3.11 ..." >&2
            exit 1
        fi
        version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        PACKAGES="$PACKAGES python3-venv python$version-venv"
    fi
fi

missing=""
for package in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $package"
done
if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "cfpreport: please install:$missing (Debian/Ubuntu package names)" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        SUDO="sudo"
        # No terminal (CI, cron): fail at once instead of waiting for a password.
        [ -t 0 ] || SUDO="sudo -n"
    fi
    echo "cfpreport: installing$missing" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

if [ -n "$PYTHON" ] && ! can_make_venv; then
    echo "cfpreport: '$PYTHON' still cannot create a virtual environment with pip" \
         "(no ensurepip); use another Python: make PYTHON=/path/to/python3.11 ..." >&2
    exit 1
fi
