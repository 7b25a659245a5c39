#!/usr/bin/env bash
# Set up (or reuse) .venv with the test dependencies and run the whole suite.
# Browser tests use Debian's chromium (/usr/bin/chromium); without it they
# skip, except in CI (CI=true), where they must run.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
# Two workers, tests dealt out one by one (--dist load: loadfile would fold the
# schemathesis tests, which share one node id per function); a later -n wins.
exec .venv/bin/python -m pytest -n 2 --dist load "$@"
