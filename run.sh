#!/usr/bin/env bash
# Quick start 1: set up, index the shipped sample scans, serve the counter web app.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
.venv/bin/dangan index scans/
.venv/bin/dangan user ensure-admin   # first start only: prints the admin password once
exec .venv/bin/dangan serve
