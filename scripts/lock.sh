#!/usr/bin/env bash
# Re-pin every Python dependency, with hashes, after a change to pyproject.toml's dependencies:
#   requirements.lock       what the archive's PC runs (setup without --test, the wheelhouse)
#   requirements-test.lock  the same plus the test tools (setup --test, CI)
# scripts/setup.sh installs from these and nothing else; commit them with the pyproject change.
# Uses uv's resolver from a throwaway venv (it is not a dependency of dangan).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${TMPDIR:-/tmp}/dangan-lock-tool
[ -x "$tool/bin/uv" ] || { python3 -m venv "$tool" && "$tool/bin/pip" install -q uv; }
compile() {
  "$tool/bin/uv" pip compile pyproject.toml --generate-hashes --python-version 3.11 \
    --custom-compile-command "scripts/lock.sh" "$@"
}
compile -o requirements.lock
compile --extra test -o requirements-test.lock
echo "lock: wrote requirements.lock and requirements-test.lock"
