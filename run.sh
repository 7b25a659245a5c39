#!/usr/bin/env bash
# Set up (or reuse) .venv, create and seed the database on first run, and start
# the web server and the feed scheduler. Extra arguments go to `timeline serve`.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
exec .venv/bin/timeline serve "$@"
