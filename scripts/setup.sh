#!/usr/bin/env bash
# Set up dangan on a Debian machine: system packages, ./.venv, Python dependencies.
# Idempotent and fast when nothing changed. Usage: scripts/setup.sh [--test]
#   --test  also install what the test suite needs (Chromium for browser tests, pytest …)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Fonts: certified copies print Chinese footers; the sample generator draws with them.
# tesseract: the comparison OCR engine selectable in config.toml.
apt_pkgs=(fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-wqy-microhei
          tesseract-ocr tesseract-ocr-chi-sim python3-venv)
# postgresql: the tests run the records against a real server (a throwaway cluster).
[ $want_test = 1 ] && apt_pkgs+=(chromium postgresql)

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

py=${PYTHON:-python3}
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: dangan needs Python 3.11 or newer ($py is $("$py" --version 2>&1))" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv

# Reinstall only when the dependency list changed.
extras="" ; [ $want_test = 1 ] && extras="[test]"
hash=$(sha256sum pyproject.toml | cut -c1-16)
stamp=".venv/.dangan-deps-${hash}${extras:+-test}"
# An install with the test tools also satisfies a plain one.
if [ ! -f "$stamp" ] && [ ! -f ".venv/.dangan-deps-${hash}-test" ]; then
  echo "setup: installing Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras}"
  rm -f .venv/.dangan-deps-*
  touch "$stamp"
fi
