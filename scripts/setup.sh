#!/usr/bin/env bash
# Set up what the app and the tests need: Debian's Chromium and CJK fonts (as root), and .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx, openssl: the HTTPS proxy the tests put in front of the app (deploy/); systemd, shellcheck: checks
# of the deploy files. libreoffice-*, poppler-utils: the visual tests render the exports to look at.
APT_PACKAGES=(chromium fonts-noto-cjk libreoffice-impress libreoffice-writer libreoffice-calc poppler-utils nginx openssl
  systemd shellcheck)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包：${missing[*]}（请以 root 运行：apt-get install ${missing[*]}）" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  # The project itself, editable, so that `python -m pipelines` works from any folder.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
