#!/usr/bin/env bash
# One backup of data/raw and the accounts file into BACKUP_DIR (with a .sha256 beside it), then keep only
# the newest BACKUP_KEEP. Run by aohan-monitor-backup.service every night; by hand: sudo -u aohan-monitor …
# Signed when the backup key exists (/etc/aohan-monitor/backup.key, or MONITOR_BACKUP_KEY). A run that is
# stopped or fails removes its own half-written files; the backup command removes those of a killed one.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKUP_DIR=${BACKUP_DIR:-/var/backups/aohan-monitor}
BACKUP_KEEP=${BACKUP_KEEP:-14}
PYTHON=${PYTHON:-.venv/bin/python}
if ! [[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]]; then
  echo "BACKUP_KEEP 应为正整数（现为 $BACKUP_KEEP）" >&2
  exit 2
fi
umask 077
mkdir -p "$BACKUP_DIR"
# A backup killed while it was written leaves its `.partial`: nobody finishes it, so it goes (only ours,
# only one older than an hour, so that a backup being written by hand right now is left alone).
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'aohan-monitor-*.tar.gz.partial' -mmin +60 -print -delete |
  sed 's|^|已删除未写完的备份 |'
name="aohan-monitor-$(date +%Y%m%dT%H%M%S).tar.gz"
cleanup() { rm -f -- "$BACKUP_DIR/$name.partial" "$BACKUP_DIR/$name.sha256.partial"; }
trap cleanup EXIT
trap 'exit 143' TERM INT
# A checksum file a killed run left half-written (no run writes one for long: no lock needed).
find "$BACKUP_DIR" -maxdepth 1 -name 'aohan-monitor-*.tar.gz.sha256.partial' -delete
"$PYTHON" -m pipelines backup --out "$BACKUP_DIR/$name" "$@"
(cd "$BACKUP_DIR" && sha256sum "$name" > "$name.sha256.partial" && mv -f -- "$name.sha256.partial" "$name.sha256")
# Only after this backup succeeded: drop the oldest beyond BACKUP_KEEP (the names sort by time).
mapfile -t backups < <(find "$BACKUP_DIR" -maxdepth 1 -name 'aohan-monitor-*.tar.gz' -printf '%f\n' | sort)
for ((i = 0; i < ${#backups[@]} - BACKUP_KEEP; i++)); do
  rm -f -- "$BACKUP_DIR/${backups[i]}" "$BACKUP_DIR/${backups[i]}.sha256"
  echo "已删除较早的备份 ${backups[i]}"
done
echo "共保留 $(( ${#backups[@]} < BACKUP_KEEP ? ${#backups[@]} : BACKUP_KEEP )) 个备份，在 $BACKUP_DIR"
