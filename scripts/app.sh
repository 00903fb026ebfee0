#!/usr/bin/env bash
# Run the dashboard on the embedded default data, building the warehouse first if it is missing (or was
# built by another version of the code, after an update).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m pipelines build --if-needed
# serve.py: app.py behind the session gate (dashboard/gate.py), as the service runs it.
exec .venv/bin/streamlit run serve.py "$@"
