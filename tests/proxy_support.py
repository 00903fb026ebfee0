"""Debian's nginx on 127.0.0.1, serving deploy/nginx-site.conf over HTTPS with a throw-away certificate.

The site file is rendered by deploy/render.py exactly as scripts/deploy.sh renders it for a server; only
the listening addresses, the log folder and the certificate differ. Runs as root (CI) or as any user.
"""

import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from pipelines.core import config
from tests.browser_support import free_port, stop

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = config.ROOT / "deploy"
HOST = "monitor.test"  # a name, not 127.0.0.1, so that Streamlit's same-origin check is really exercised


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate and key made by the same openssl command as docs/county-it.md."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "2", "-nodes", "-keyout", key, "-out", cert,
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


def site_conf(app_port: int, https_port: int, http_port: int, folder: Path, cert: Path, key: Path) -> str:
    from deploy.csp import inline_script_sources
    from deploy.render import render

    return render((DEPLOY / "nginx-site.conf").read_text(encoding="utf-8"), {
        "APP_PORT": str(app_port), "HTTPS_PORT": str(https_port),
        "HTTP_LISTEN": f"127.0.0.1:{http_port}", "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "LOG_DIR": str(folder), "CERT": str(cert), "KEY": str(key), "SCRIPT_HASHES": inline_script_sources(),
    })


def unverified() -> ssl.SSLContext:
    """For the throw-away self-signed certificate only."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@contextmanager
def nginx_proxy(app_port: int):
    """nginx in front of 127.0.0.1:app_port; yields (https_port, http_port, folder)."""
    folder = Path(tempfile.mkdtemp(prefix="aohan-nginx-"))
    folder.chmod(0o755)  # nginx's workers run as nobody when the master is root: they need to reach tmp/
    https_port, http_port = free_port(), free_port()
    cert, key = self_signed(folder, HOST)
    (folder / "site.conf").write_text(site_conf(app_port, https_port, http_port, folder, cert, key), encoding="utf-8")
    (folder / "nginx.conf").write_text(f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {folder}/site.conf;
}}
""", encoding="utf-8")
    (folder / "tmp").mkdir()
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "w"))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"https://127.0.0.1:{https_port}/_stcore/health", timeout=2, context=unverified())
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "stderr.log").read_text() + (folder / "error.log").read_text()
                    raise RuntimeError(f"nginx did not start (exit {proc.poll()}):\n{log}") from None
                time.sleep(0.1)
        yield https_port, http_port, folder
    finally:
        stop(proc)
        if not os.environ.get("KEEP_NGINX_FOLDER"):
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"nginx folder kept: {folder}", file=sys.stderr)
