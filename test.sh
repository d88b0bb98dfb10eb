#!/usr/bin/env bash
# Quick start 2: set up (with test tools and Chromium) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
.venv/bin/ruff check .
# Test modules run in parallel (pytest-xdist), a module's tests together on one worker: they
# share module fixtures (servers, archives), modules share nothing but the run's one OCR of
# the sample (tests/conftest.py). DANGAN_TEST_WORKERS=0 runs everything in this process.
exec .venv/bin/python -m pytest -n "${DANGAN_TEST_WORKERS:-2}" --dist loadfile "$@"
