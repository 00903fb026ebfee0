#!/usr/bin/env bash
# Run the tests. No option: the whole suite as CI runs it — lint, then every test (browser tests in headless
# Chromium included) in parallel with pytest-xdist, each under a time-out (pytest-timeout).
# --fast: the loop for every change — lint, then the pure in-process tests (not slow, browser, visual or faults).
# Further arguments go to pytest (scripts/test.sh -m "not browser", scripts/test.sh --fast tests/test_values.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
if [ "${1:-}" = "--fast" ]; then
  shift
  exec .venv/bin/python -m pytest -m "not slow and not browser and not visual and not faults" "$@"
fi
exec .venv/bin/python -m pytest -n auto --dist loadgroup "$@"
