"""The deploy/ files: units that systemd accepts, templates filled completely, the nightly backup's rotation."""

import getpass
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.render import render
from pipelines import config

DEPLOY = config.ROOT / "deploy"


def rendered(tmp: Path, name: str, **values) -> Path:
    out = tmp / name
    out.write_text(render((DEPLOY / name).read_text(encoding="utf-8"), values), encoding="utf-8")
    return out


def test_the_units_are_ones_systemd_accepts(tmp_path):
    units = [
        rendered(tmp_path, "aohan-monitor.service", APP_DIR=str(config.ROOT), APP_USER="root", APP_PORT="8501"),
        rendered(tmp_path, "aohan-monitor-backup.service", APP_DIR=str(config.ROOT), APP_USER="root",
                 BACKUP_DIR=str(tmp_path)),
        rendered(tmp_path, "aohan-monitor-backup.timer"),
    ]
    done = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, cwd=tmp_path)
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if "aohan-monitor" in line]
    assert done.returncode == 0 and complaints == [], done.stderr
    service = units[0].read_text(encoding="utf-8")
    assert "Restart=on-failure" in service and "WantedBy=multi-user.target" in service
    assert "--server.address=127.0.0.1" in service and "--server.maxUploadSize=5" in service
    assert f"ReadWritePaths={config.ROOT}/data" in service
    # after an update, a warehouse of the previous version is rebuilt before the app starts
    assert f"ExecStartPre={config.ROOT}/.venv/bin/python -m pipelines build --if-needed" in service


def test_a_template_needs_every_value_and_uses_every_one():
    with pytest.raises(KeyError, match="APP_PORT"):
        render("port @APP_PORT@ user @APP_USER@", {"APP_USER": "x"})
    with pytest.raises(KeyError, match="EXTRA"):
        render("user @APP_USER@", {"APP_USER": "x", "EXTRA": "y"})
    assert render("user @APP_USER@, $host stays", {"APP_USER": "x"}) == "user x, $host stays"


def test_the_upload_limits_agree():
    """One limit, 5 MB = 5,000,000 bytes, wherever it is checked or said (issue 20: the app said 5,242,880 while
    Streamlit's uploader refused a file above 5,000,000 in English): the app's own check equals the smaller of
    the two byte counts Streamlit's browser code makes of server.maxUploadSize (× 1,000,000; × 1,048,576 on
    Windows), its server's (× 1,048,576) is not below it, and nginx's body limit holds the server's with
    Streamlit's 1 MB of multipart framing."""
    from streamlit.web.server.starlette.starlette_routes import _MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES

    site = (DEPLOY / "nginx-site.conf").read_text(encoding="utf-8")
    streamlit_toml = (config.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    service = (DEPLOY / "aohan-monitor.service").read_text(encoding="utf-8")
    mb = config.MAX_UPLOAD_MB
    assert f"maxUploadSize = {mb}" in streamlit_toml and f"--server.maxUploadSize={mb}" in service
    assert config.MAX_UPLOAD_BYTES == config.MAX_EVIDENCE_BYTES == mb * 1000 * 1000 <= mb * 1024 * 1024
    limit_mb = (mb * 1024 * 1024 + _MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES) // (1024 * 1024)
    assert f"client_max_body_size {limit_mb}m;" in site


def test_the_shell_scripts_pass_shellcheck():
    scripts = [*(config.ROOT / "scripts").glob("*.sh"), DEPLOY / "nightly-backup.sh", DEPLOY / "aohan-monitor-cli"]
    done = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def run_nightly(tmp_path, backups: Path, keep: str, raw: Path):
    env = {**os.environ, "BACKUP_DIR": str(backups), "BACKUP_KEEP": keep, "PYTHON": sys.executable,
           "MONITOR_RAW": str(raw), "PYTHONPATH": str(config.ROOT)}
    return subprocess.run([str(DEPLOY / "nightly-backup.sh")], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow  # runs the backup script (processes)
def test_the_nightly_backup_writes_a_checked_backup_and_keeps_the_newest(plan_raw, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for stamp in ("20260101T023000", "20260102T023000", "20260103T023000"):  # three earlier nights
        (backups / f"aohan-monitor-{stamp}.tar.gz").write_bytes(b"old")
        (backups / f"aohan-monitor-{stamp}.tar.gz.sha256").write_text("old")
    (backups / "其他文件.txt").write_text("not ours")

    done = run_nightly(tmp_path, backups, "2", plan_raw)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in backups.iterdir())
    new = [n for n in names if n.endswith(".tar.gz") and not n.startswith("aohan-monitor-2026010")]
    assert len(new) == 1
    assert names == sorted(["aohan-monitor-20260103T023000.tar.gz", "aohan-monitor-20260103T023000.tar.gz.sha256",
                            new[0], new[0] + ".sha256", "其他文件.txt"])
    digest, name = (backups / (new[0] + ".sha256")).read_text().split()
    assert name == new[0] and digest == hashlib.sha256((backups / new[0]).read_bytes()).hexdigest()
    assert (backups / new[0]).stat().st_mode & 0o777 == 0o600


def test_the_nightly_backup_refuses_a_bad_keep_and_deletes_nothing(plan_raw, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "aohan-monitor-20260101T023000.tar.gz").write_bytes(b"old")
    done = run_nightly(tmp_path, backups, "0", plan_raw)
    assert done.returncode == 2 and "BACKUP_KEEP" in done.stderr
    assert [p.name for p in backups.iterdir()] == ["aohan-monitor-20260101T023000.tar.gz"]


def test_the_command_wrapper_runs_the_pipelines_as_the_service_user(wh, tmp_path):
    raw, db = wh
    wrapper = rendered(tmp_path, "aohan-monitor-cli", APP_DIR=str(config.ROOT), APP_USER=getpass.getuser())
    wrapper.chmod(0o755)
    done = subprocess.run([str(wrapper), "health", "--raw", str(raw), "--db", str(db)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and "数据仓库与原始数据一致" in done.stdout, done.stdout + done.stderr


def test_deploy_sh_says_how_to_use_it():
    done = subprocess.run(["bash", str(config.ROOT / "scripts" / "deploy.sh"), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--cert FILE --key FILE" in done.stdout


# Issue 20, item 12.


def site_template() -> str:
    return (DEPLOY / "nginx-site.conf").read_text(encoding="utf-8")


def test_tls_offers_only_forward_secret_aead_suites():
    """Mozilla's intermediate profile: TLS 1.2 and 1.3, ECDHE with AES-GCM or ChaCha20-Poly1305 only, the
    client's order. (tests/test_session_binding.py tries the handshakes against the running nginx.)"""
    import re

    site = site_template()
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site and "ssl_prefer_server_ciphers off;" in site
    (suites,) = re.findall(r"^\s*ssl_ciphers ([^;]+);", site, re.M)
    suites = suites.split(":")
    assert len(suites) == 6
    assert all(s.startswith("ECDHE-") and (s.endswith("GCM-SHA256") or s.endswith("GCM-SHA384") or s.endswith("CHACHA20-POLY1305"))
               for s in suites)


def test_every_access_log_uses_the_format_without_ids():
    import re

    site = site_template()
    logs = re.findall(r"^\s*access_log ([^;]+);", site, re.M)
    assert logs and all(line == "off" or line.endswith(" aohan_monitor") for line in logs)
    log_format = site.split("log_format aohan_monitor", 1)[1].split(";", 1)[0]
    for leak in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer", '$request"'):
        assert leak not in log_format
    assert "$aohan_logged_path" in log_format and "$aohan_logged_referer" in log_format


def test_nginx_asks_the_apps_gate_before_uploads_media_and_other_stcore_endpoints():
    site = site_template()
    for prefix in ("/_stcore/", "/media/", "/component/"):
        block = site.split(f"location ^~ {prefix} {{", 1)[1].split("}", 1)[0]
        assert "auth_request /_aohan/gate;" in block
    gate = site.split("location = /_aohan/gate {", 1)[1].split("}", 1)[0]
    assert "internal;" in gate and "proxy_pass_request_body off;" in gate and "X-Original-URI $request_uri" in gate
    # Only these reach Streamlit without the gate: the page, its websocket, the health check, host-config.
    exact = {line.split()[2] for line in site.splitlines() if line.strip().startswith("location = ")}
    assert exact == {"/_stcore/stream", "/_stcore/health", "/_stcore/host-config", "/_aohan/gate"}


def test_the_service_runs_the_app_behind_the_session_gate(tmp_path):
    service = rendered(tmp_path, "aohan-monitor.service", APP_DIR="/opt/a", APP_USER="u", APP_PORT="8501").read_text()
    assert "streamlit run /opt/a/serve.py" in service and "/opt/a/app.py" not in service
    assert "streamlit run serve.py" in (config.ROOT / "scripts" / "app.sh").read_text(encoding="utf-8")


def test_private_file_refuses_a_planted_link_and_changes_nothing_it_points_to(tmp_path):
    target = tmp_path / "shadow"
    target.write_text("root's file")
    target.chmod(0o644)
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.json").symlink_to(target)
    done = subprocess.run([sys.executable, str(DEPLOY / "private_file.py"), str(data / "accounts.json")],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "是符号链接" in done.stderr and "部署中止" in done.stderr
    assert target.stat().st_mode & 0o777 == 0o644


def test_private_file_makes_a_plain_file_private_and_skips_a_missing_one(tmp_path):
    accounts = tmp_path / "accounts.json"
    accounts.write_text("{}")
    accounts.chmod(0o644)
    done = subprocess.run([sys.executable, str(DEPLOY / "private_file.py"), str(accounts), str(tmp_path / "missing.json")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert accounts.stat().st_mode & 0o777 == 0o600


def test_deploy_sh_never_chmods_a_data_file_by_its_path_and_names_no_admin():
    script = (config.ROOT / "scripts" / "deploy.sh").read_text(encoding="utf-8")
    assert 'deploy/private_file.py" "$APP_DIR/data/accounts.json"' in script
    assert "chmod 600 \"$APP_DIR/data" not in script
    assert "user add admin" not in script
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert "user add admin" not in readme


def test_the_nightly_backup_removes_what_a_killed_backup_left(plan_raw, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    stale = backups / "aohan-monitor-20260101T023000.tar.gz.partial"
    fresh = backups / "aohan-monitor-20260102T023000.tar.gz.partial"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    os.utime(stale, (0, 1_000_000_000))
    done = run_nightly(tmp_path, backups, "2", plan_raw)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and fresh.exists()
    assert f"已删除未写完的备份 {stale}" in done.stdout
