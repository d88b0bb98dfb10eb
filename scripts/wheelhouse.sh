#!/usr/bin/env bash
# Build a wheelhouse: every Python package dangan runs on, as pinned and hash-checked in
# requirements.lock, plus dangan's own wheel and the build tools, in one folder to carry to an
# archive PC without Internet (a USB stick). Usage: scripts/wheelhouse.sh [DIR]  (default
# dist/wheelhouse). Build it on the same Debian release and CPU type as the archive PC: the
# wheels are for this machine's Python version and platform.
#
# On the archive PC, from a copy of this repository (or the folder alone, see its INSTALL.txt):
#   scripts/setup.sh --wheelhouse /media/usb/wheelhouse
# The Debian packages setup installs (fonts, tesseract, python3-venv) come from the archive's
# Debian mirror or installation media, as any other system package there.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/wheelhouse}
mkdir -p "$out"
py=${PYTHON:-python3}
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
"$py" -m venv "$tool/venv"
pip=("$tool/venv/bin/python" -m pip)
"${pip[@]}" install -q --upgrade pip
# Exactly the locked files (hashes checked on download); sdists stay sdists so their hashes
# still match the lock, and the build tools come along to build them offline.
"${pip[@]}" download -q --require-hashes -r requirements.lock -d "$out"
"${pip[@]}" download -q "setuptools>=77" wheel -d "$out"
"${pip[@]}" wheel -q --no-deps . -w "$out"
cp requirements.lock "$out/"
cat > "$out/INSTALL.txt" <<'TXT'
dangan wheelhouse: install without Internet.

With a copy of the dangan repository (recommended: it also installs the Debian packages):
    scripts/setup.sh --wheelhouse /path/to/this/folder

Into a virtual environment of your own:
    python3 -m venv /opt/dangan/venv
    /opt/dangan/venv/bin/pip install --no-index --find-links /path/to/this/folder \
        --require-hashes -r /path/to/this/folder/requirements.lock
    /opt/dangan/venv/bin/pip install --no-index --find-links /path/to/this/folder --no-deps dangan
TXT
echo "wheelhouse: $(ls "$out" | wc -l) files, $(du -sh "$out" | cut -f1) in $out"
