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
    """nginx's body limit is Streamlit's: the 5 MB file limit plus Streamlit's 1 MB of multipart framing."""
    from streamlit.web.server.starlette.starlette_routes import _MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES

    site = (DEPLOY / "nginx-site.conf").read_text(encoding="utf-8")
    streamlit_toml = (config.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert config.MAX_UPLOAD_BYTES == 5 * 1024 * 1024 and "maxUploadSize = 5" in streamlit_toml
    limit_mb = (config.MAX_UPLOAD_BYTES + _MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES) // (1024 * 1024)
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
