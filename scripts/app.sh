#!/usr/bin/env bash
# Run the dashboard on the embedded default data, building the warehouse first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -f data/warehouse.duckdb ]; then
  .venv/bin/python -m pipelines build
fi
exec .venv/bin/streamlit run app.py "$@"
