#!/usr/bin/env bash
# Set the platform up as a service on a Debian 12 server, behind nginx over HTTPS; run it again at will.
#
#   sudo scripts/deploy.sh [--name jiaoyu.aohan.local]… [--cert FILE --key FILE] [--https-port 443]
#                          [--http-port 80] [--app-port 8501] [--user aohan-monitor]
#                          [--backup-dir /var/backups/aohan-monitor] [--keep 14]
#
# Run from the project's folder where it will stay (e.g. /opt/aohan-monitor). The choices are kept in
# /etc/default/aohan-monitor: a later run without options keeps them. What it does (docs/county-it.md, "Serving it
# to the offices"): Debian packages and .venv (scripts/setup.sh); an unprivileged user that owns data/;
# the certificate (the office's, or a self-signed one); nginx's site; the app's systemd unit and the
# nightly backup timer; the `aohan-monitor` command; a rebuild of the warehouse; a check through HTTPS.
set -euo pipefail
umask 022  # the service user must be able to read the code and .venv that root installs
APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
SETTINGS=/etc/default/aohan-monitor
SSL_DIR=/etc/ssl/aohan-monitor

say() { printf '\n== %s\n' "$*"; }
fail() { printf '部署中止：%s\n' "$*" >&2; exit 1; }

# Earlier choices first, then the command line's.
APP_USER=aohan-monitor APP_PORT=8501 HTTPS_PORT=443 HTTP_PORT=80 BACKUP_DIR=/var/backups/aohan-monitor BACKUP_KEEP=14
SERVER_NAMES=""
# shellcheck disable=SC1090
[ -f "$SETTINGS" ] && . "$SETTINGS"
CERT_IN="" KEY_IN="" NAMES_IN=()
while [ $# -gt 0 ]; do
  case "$1" in
    --name) NAMES_IN+=("$2"); shift 2 ;;
    --cert) CERT_IN=$2; shift 2 ;;
    --key) KEY_IN=$2; shift 2 ;;
    --https-port) HTTPS_PORT=$2; shift 2 ;;
    --http-port) HTTP_PORT=$2; shift 2 ;;
    --app-port) APP_PORT=$2; shift 2 ;;
    --user) APP_USER=$2; shift 2 ;;
    --backup-dir) BACKUP_DIR=$2; shift 2 ;;
    --keep) BACKUP_KEEP=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) fail "无法识别的参数：$1（--help 查看用法）" ;;
  esac
done
[ "$(id -u)" = 0 ] || fail "请以 root 运行：sudo scripts/deploy.sh"
command -v apt-get >/dev/null || fail "这个脚本用于 Debian（apt-get）服务器"
[ ${#NAMES_IN[@]} -gt 0 ] && SERVER_NAMES="${NAMES_IN[*]}"
if [ -z "$SERVER_NAMES" ]; then
  # The server's name and its addresses, as the offices' browsers will type them.
  SERVER_NAMES="$(hostname -f 2>/dev/null || hostname) $(hostname -I 2>/dev/null || true)"
fi
SERVER_NAMES=$(echo "$SERVER_NAMES" | xargs)
for port in "$APP_PORT" "$HTTPS_PORT" "$HTTP_PORT" "$BACKUP_KEEP"; do
  [[ "$port" =~ ^[1-9][0-9]*$ ]] || fail "端口和保留份数应为正整数：$port"
done
[[ "$APP_USER" =~ ^[a-z_][a-z0-9_-]*$ ]] || fail "用户名不合适：$APP_USER"
{ [ -n "$CERT_IN" ] && [ -z "$KEY_IN" ]; } || { [ -z "$CERT_IN" ] && [ -n "$KEY_IN" ]; } && fail "--cert 和 --key 要一起给出"

say "1/9 系统软件包与 Python 环境（scripts/setup.sh）"
need=()
for pkg in nginx openssl curl python3-venv; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The service's Python is Debian's: a .venv made from a Python under /root (pyenv) is one it cannot run.
PYTHON=${PYTHON:-/usr/bin/python3}
if [ -e "$APP_DIR/.venv/bin/python" ] && [[ "$(readlink -f "$APP_DIR/.venv/bin/python")" == /root/* ]]; then
  echo "现有 .venv 的 Python 在 /root 之下，服务账号无法运行：用 $PYTHON 重建 .venv"
  rm -rf "$APP_DIR/.venv"
fi
PYTHON=$PYTHON "$APP_DIR/scripts/setup.sh"

say "2/9 服务账号 $APP_USER（拥有 data/，不能登录）"
if ! id "$APP_USER" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "/var/lib/$APP_USER" --shell /usr/sbin/nologin "$APP_USER"
  echo "已新建系统账号 $APP_USER"
fi
install -d -o "$APP_USER" -g "$APP_USER" -m 750 "/var/lib/$APP_USER"
chown -R "$APP_USER:$APP_USER" "$APP_DIR/data"
chmod 750 "$APP_DIR/data"
# data/ is the service user's: a link planted there as accounts.json (or the sign-in state) is refused, never
# followed by root's chmod (deploy/private_file.py opens each with O_NOFOLLOW).
python3 "$APP_DIR/deploy/private_file.py" "$APP_DIR/data/accounts.json" "$APP_DIR/data/signin_state.json" || exit 1
runuser -u "$APP_USER" -- test -r "$APP_DIR/app.py" ||
  fail "$APP_USER 读不到 $APP_DIR（它的上级目录不对其他用户开放？）。请把项目放在 /opt/aohan-monitor 之类的位置"
runuser -u "$APP_USER" -- "$APP_DIR/.venv/bin/python" -c "import pipelines, streamlit" ||
  fail "$APP_USER 运行不了 $APP_DIR/.venv/bin/python（指向 $(readlink -f "$APP_DIR/.venv/bin/python")）"
install -d -o "$APP_USER" -g "$APP_USER" -m 700 "$BACKUP_DIR"

say "3/9 设置写入 $SETTINGS"
cat > "$SETTINGS" <<EOF
# 敖汉旗教育高质量发展监测平台: written by scripts/deploy.sh. Change a value and run the script again.
APP_USER=$APP_USER
APP_PORT=$APP_PORT
HTTPS_PORT=$HTTPS_PORT
HTTP_PORT=$HTTP_PORT
SERVER_NAMES="$SERVER_NAMES"
BACKUP_DIR=$BACKUP_DIR
BACKUP_KEEP=$BACKUP_KEEP
EOF
cat "$SETTINGS"

say "4/9 证书（$SSL_DIR）"
install -d -m 755 "$SSL_DIR"
CERT=$SSL_DIR/fullchain.pem KEY=$SSL_DIR/privkey.pem
same_key() { [ "$(openssl x509 -noout -pubkey -in "$1")" = "$(openssl pkey -pubout -in "$2")" ]; }
if [ -n "$CERT_IN" ]; then
  # Checked before anything is replaced: a wrong pair must not take the working one's place.
  same_key "$CERT_IN" "$KEY_IN" || fail "证书 $CERT_IN 与私钥 $KEY_IN 不匹配，未作更改"
  openssl x509 -checkend 0 -noout -in "$CERT_IN" >/dev/null || fail "证书 $CERT_IN 已过期，未作更改"
  install -m 644 "$CERT_IN" "$CERT"
  install -m 600 "$KEY_IN" "$KEY"
  echo "已安装单位的证书 $CERT_IN"
elif [ ! -f "$CERT" ] || [ ! -f "$KEY" ]; then
  first=${SERVER_NAMES%% *}
  san=""
  for n in $SERVER_NAMES; do
    if [[ "$n" =~ ^[0-9.]+$ || "$n" == *:* ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
  done
  # The command of docs/county-it.md for a self-signed certificate, with every name and address of the server.
  openssl req -x509 -newkey rsa:3072 -sha256 -days 825 -nodes -keyout "$KEY" -out "$CERT" \
    -subj "/CN=$first" -addext "subjectAltName=${san%,}" 2>/dev/null
  chmod 600 "$KEY"
  echo "已生成自签名证书（有效期 825 天）：$first；包含 ${san%,}"
else
  echo "沿用已有证书"
fi
same_key "$CERT" "$KEY" || fail "证书 $CERT 与私钥 $KEY 不匹配"
openssl x509 -noout -subject -enddate -ext subjectAltName -in "$CERT" | sed 's/^/  /'
FINGERPRINT=$(openssl x509 -noout -fingerprint -sha256 -in "$CERT" | cut -d= -f2)
# The key that signs backups (pipelines/backup_signing.py): outside data/raw and the backups, readable by root
# and the service user; made once and kept (restore refuses backups signed with another key).
BACKUP_KEY=/etc/aohan-monitor/backup.key
install -d -m 750 -o root -g "$APP_USER" /etc/aohan-monitor
if [ ! -s "$BACKUP_KEY" ] || [ -L "$BACKUP_KEY" ]; then
  rm -f -- "$BACKUP_KEY"
  (umask 077 && head -c 32 /dev/urandom | base64 > "$BACKUP_KEY")
  echo "已生成备份签名密钥 $BACKUP_KEY：请另存一份到安全处（换服务器后恢复这些备份时需要它）"
fi
chown root:"$APP_USER" "$BACKUP_KEY" && chmod 640 "$BACKUP_KEY"

say "5/9 nginx 站点"
render() { python3 "$APP_DIR/deploy/render.py" "$@"; }
SCRIPT_HASHES=$("$APP_DIR/.venv/bin/python" "$APP_DIR/deploy/csp.py")
render "$APP_DIR/deploy/nginx-site.conf" APP_PORT="$APP_PORT" HTTPS_PORT="$HTTPS_PORT" HTTP_LISTEN="$HTTP_PORT" \
  HTTPS_LISTEN="$HTTPS_PORT" LOG_DIR=/var/log/nginx CERT="$CERT" KEY="$KEY" SCRIPT_HASHES="$SCRIPT_HASHES" \
  > /etc/nginx/sites-available/aohan-monitor.conf
ln -sfn /etc/nginx/sites-available/aohan-monitor.conf /etc/nginx/sites-enabled/aohan-monitor.conf
if [ -e /etc/nginx/sites-enabled/default ]; then
  rm /etc/nginx/sites-enabled/default  # it also claims to be port 80's default server
  echo "已停用 Debian 的默认站点（/etc/nginx/sites-available/default 仍在）"
fi
nginx -t 2>&1 | sed 's/^/  /'

say "6/9 systemd 单元与 aohan-monitor 命令"
render "$APP_DIR/deploy/aohan-monitor.service" APP_DIR="$APP_DIR" APP_USER="$APP_USER" APP_PORT="$APP_PORT" \
  > /etc/systemd/system/aohan-monitor.service
render "$APP_DIR/deploy/aohan-monitor-backup.service" APP_DIR="$APP_DIR" APP_USER="$APP_USER" BACKUP_DIR="$BACKUP_DIR" \
  > /etc/systemd/system/aohan-monitor-backup.service
install -m 644 "$APP_DIR/deploy/aohan-monitor-backup.timer" /etc/systemd/system/aohan-monitor-backup.timer
render "$APP_DIR/deploy/aohan-monitor-cli" APP_DIR="$APP_DIR" APP_USER="$APP_USER" > /usr/local/bin/aohan-monitor
chmod 755 /usr/local/bin/aohan-monitor
echo "已安装 /etc/systemd/system/aohan-monitor.service、aohan-monitor-backup.service、aohan-monitor-backup.timer、/usr/local/bin/aohan-monitor"

say "7/9 结束示例数据，重建数据仓库（以 $APP_USER 身份）"
CLI=/usr/local/bin/aohan-monitor
# A served installation holds real data only: the demo ends here, for good and audited (the demo workbooks
# stay in the archive, marked, and no build loads them again).
"$CLI" demo remove --source 部署
"$CLI" build --no-demo
"$CLI" health | sed 's/^/  /' || true
rule=$(runuser -u "$APP_USER" -- "$APP_DIR/.venv/bin/python" -c \
  "from pipelines.accounts import AccountStore; print(repr(AccountStore().settings()['sign_in_required_for_all_pages']))")
case "$rule" in
  True) echo "阅读须登录：每个页面都要先登录（data/accounts.json 的默认设置）" ;;
  False) echo "警告：data/accounts.json 中 sign_in_required_for_all_pages 为 false，任何能访问本机的人不登录即可阅读全部数据。若非有意，请改为 true。" ;;
  *) echo "阅读须登录（设置值 $rule 不是 false，按默认的安全选择处理：每个页面都要先登录）" ;;
esac

say "8/9 启动服务"
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --quiet nginx aohan-monitor.service aohan-monitor-backup.timer
  systemctl restart aohan-monitor.service  # picks up new code after an update
  systemctl start aohan-monitor-backup.timer
  systemctl reload-or-restart nginx
  STARTED=1
else
  STARTED=0
  echo "systemd 没有在运行（容器中？）：单元文件已安装，但无法启用和启动。在正常的 Debian 服务器上重新运行本脚本即可。"
  if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then nginx -s reload; else nginx; fi
  echo "nginx 已直接启动（或重新加载）。应用可以前台试运行："
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' /etc/systemd/system/aohan-monitor.service | sed 's/^ExecStart=//; s/\\$//' | tr -s ' \n' ' ')
  echo "  cd $APP_DIR && runuser -u $APP_USER -- env HOME=/var/lib/$APP_USER $exec_start"
fi

say "9/9 经 HTTPS 检查"
ok=0
for _ in $(seq 1 $((STARTED ? 60 : 3))); do
  if [ "$(curl -fsSk --max-time 3 "https://127.0.0.1:$HTTPS_PORT/_stcore/health" 2>/dev/null)" = ok ]; then ok=1; break; fi
  sleep 1
done
if [ "$ok" = 1 ]; then
  echo "https://127.0.0.1:$HTTPS_PORT/_stcore/health 回答 ok：nginx 与应用都在运行"
elif [ "$STARTED" = 1 ]; then
  fail "经 HTTPS 访问不到应用。查看：systemctl status aohan-monitor；journalctl -u aohan-monitor -n 50；/var/log/nginx/aohan-monitor.error.log"
else
  echo "应用未启动（没有 systemd），经 HTTPS 暂时访问不到，这是预期的"
fi

port_suffix=$([ "$HTTPS_PORT" = 443 ] && echo "" || echo ":$HTTPS_PORT")
echo
echo "完成。各单位在浏览器中打开："
for n in $SERVER_NAMES; do
  [[ "$n" == *:* ]] && n="[$n]"
  echo "  https://$n$port_suffix/"
done
echo "证书 SHA-256 指纹（自签名证书时，请用户核对浏览器显示的指纹）：$FINGERPRINT"
accounts=$("$CLI" user list)
if ! grep -q $'\t管理\t' <<< "$accounts"; then
  # No fixed name: a name everyone knows (admin) is one an attacker can aim at. The operator chooses it.
  echo "还没有管理账号。请自选一个不易猜到的账号名（1–32 个文字、字母、数字或 _ . -），不要用 admin 之类的常见名称。"
  if [ -t 0 ]; then
    read -r -p "第一个管理账号的名称（直接回车则稍后再建）：" ADMIN_NAME
    if [ -n "$ADMIN_NAME" ]; then
      "$CLI" user add "$ADMIN_NAME" --role 管理 && echo "第一个管理账号：$ADMIN_NAME（请记下这个名称）"
    fi
  else
    echo "新建：sudo aohan-monitor user add 自选账号名 --role 管理"
  fi
else
  echo "管理账号：$(awk -F'\t' '$2 == "管理" {print $1}' <<< "$accounts" | xargs)"
fi
echo "每夜备份到 $BACKUP_DIR（保留最近 $BACKUP_KEEP 个）；状态检查：sudo aohan-monitor health"
