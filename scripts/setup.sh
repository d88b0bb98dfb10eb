#!/usr/bin/env bash
# Set up dangan on a Debian machine: system packages, ./.venv, Python dependencies.
# Idempotent and fast when nothing changed. Usage: scripts/setup.sh [--test] [--wheelhouse DIR]
#   --test        also install what the test suite needs (Chromium, PostgreSQL, pytest …) and
#                 install dangan editable (development, CI)
#   --wheelhouse  install the Python packages offline from DIR (made by scripts/wheelhouse.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
wheelhouse=""
while [ $# -gt 0 ]; do
  case "$1" in
    --test) want_test=1 ;;
    --wheelhouse) wheelhouse=$(cd "$2" && pwd); shift ;;
    *) echo "setup: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# Fonts: certified copies print Chinese footers; the sample generator draws with them.
# tesseract: the comparison OCR engine selectable in config.toml.
apt_pkgs=(fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-wqy-microhei
          tesseract-ocr tesseract-ocr-chi-sim python3-venv)
# postgresql: the tests run the records against a real server (a throwaway cluster).
# nginx, openssl, systemd: tests/test_deploy.py runs deploy/'s nginx site in front of dangan
# (a throwaway certificate) and checks deploy/'s units with systemd-analyze verify.
[ $want_test = 1 ] && apt_pkgs+=(chromium postgresql nginx openssl systemd)

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

# Python dependencies come from the lock files only (every version pinned, every file
# hash-checked): the same set on every PC and in CI. Re-pin with scripts/lock.sh.
# --wheelhouse DIR installs offline from a folder made by scripts/wheelhouse.sh.
lock=requirements.lock ; [ $want_test = 1 ] && lock=requirements-test.lock
pip_src=() ; [ -n "$wheelhouse" ] && pip_src=(--no-index --find-links "$wheelhouse")
lock_hash() { sha256sum "$1" | cut -c1-16; }
plain_stamp=".venv/.dangan-deps-$(lock_hash requirements.lock)"
test_stamp=".venv/.dangan-deps-$(lock_hash requirements-test.lock)-test"
want=$plain_stamp ; [ $want_test = 1 ] && want=$test_stamp
# An install with the test tools also satisfies a plain one (the test lock is a superset).
if [ ! -f "$want" ] && ! { [ $want_test = 0 ] && [ -f "$test_stamp" ]; }; then
  echo "setup: installing Python dependencies into .venv from $lock"
  [ -z "$wheelhouse" ] && .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q "${pip_src[@]}" --require-hashes -r "$lock"
  rm -f .venv/.dangan-deps-*
  touch "$want"
fi

# dangan itself. With --test (development, CI) an editable install: edits take effect at once.
# Without (run.sh, an archive PC) a normal install: the service runs a fixed copy, not
# whatever the checkout holds at the moment; re-run setup after pulling a new version.
if [ $want_test = 1 ]; then
  mode=editable ; src=$(sha256sum pyproject.toml | cut -c1-16)
else
  mode=release
  src=$(find dangan indexer web pyproject.toml README.md LICENSE -type f \
          ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum |
        sha256sum | cut -c1-16)
fi
pkg_stamp=".venv/.dangan-pkg-$mode-$src"
if [ ! -f "$pkg_stamp" ]; then
  echo "setup: installing dangan ($mode) into .venv"
  if [ $mode = editable ]; then
    # setuptools always adds an "Editable installation" notice (its meta path finder); the log
    # is kept and shown only if the install fails.
    .venv/bin/python -m pip install -q --no-deps -e . > .venv/editable-install.log 2>&1 ||
      { cat .venv/editable-install.log >&2; exit 1; }
  else
    .venv/bin/python -m pip install -q --no-deps "${pip_src[@]}" .
  fi
  rm -f .venv/.dangan-pkg-*
  touch "$pkg_stamp"
fi
