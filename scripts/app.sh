#!/usr/bin/env bash
# Run the dashboard on the embedded default data, building the warehouse first if it is missing (or was
# built by another version of the code, after an update).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m pipelines build --if-needed
# Reading needs an account (docs/county-it.md, Accounts). On a machine with none yet, ask for the first 管理
# account here, at a terminal, so that the app can be signed in to; without a terminal, say how.
if ! .venv/bin/python -c "import sys; from pipelines.records.accounts import AccountStore; sys.exit(0 if AccountStore().all() else 1)"; then
  if [ -t 0 ]; then
    echo "还没有任何账号。先建立第一个管理账号（名称自定，不要用别人猜得到的名称），之后用它登录。"
    read -r -p "管理账号名：" first
    .venv/bin/python -m pipelines user add "$first" --role 管理
  else
    echo "还没有任何账号，网页只显示登录。请先运行：.venv/bin/python -m pipelines user add 账号名 --role 管理" >&2
  fi
fi
# serve.py: app.py behind the session gate (dashboard/gate.py), as the service runs it.
exec .venv/bin/streamlit run serve.py "$@"
