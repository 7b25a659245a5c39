#!/usr/bin/env bash
# Set up (or reuse) .venv with the test dependencies and run the whole suite.
# Browser tests use Debian's chromium (/usr/bin/chromium); without it they
# skip, except in CI (CI=true), where they must run.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
exec .venv/bin/python -m pytest "$@"
