"""The deployment of docs/server.md, checked with the tools themselves: the systemd unit by
``systemd-analyze verify``, the nginx site by ``nginx -t`` (each skipped where the tool is
not installed), and the container definition for what it runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs" / "server.md"
MEDTRACE_BIN = "/opt/medtrace/venv/bin/medtrace"


def block(heading: str, language: str) -> str:
    """The first ``language`` code block after ``### heading`` in docs/server.md."""
    text = DOCS.read_text("utf-8")
    section = text[text.index(f"### {heading}\n") :]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found is not None, f"no {language} block under {heading}"
    return found.group(1)


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    unit = block("systemd unit", "ini")
    assert MEDTRACE_BIN in unit
    medtrace = Path(sys.executable).parent / "medtrace"
    path = tmp_path / "medtrace.service"
    path.write_text(unit.replace(MEDTRACE_BIN, str(medtrace)), "utf-8")
    done = subprocess.run([tool, "verify", str(path)], capture_output=True, text=True)
    complaints = [line for line in done.stderr.splitlines() if "medtrace.service" in line]
    assert done.returncode == 0, done.stderr
    assert complaints == []
    assert "server run --workers 4" in unit
    assert "server migrate" in unit


def test_a_misspelt_unit_is_caught(tmp_path: Path) -> None:
    """The check above can fail: systemd-analyze names an unknown key."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    path = tmp_path / "medtrace.service"
    path.write_text("[Service]\nExecStrat=/bin/true\n", "utf-8")
    done = subprocess.run([tool, "verify", str(path)], capture_output=True, text=True)
    assert "ExecStrat" in done.stderr


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    tool = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if tool is None:
        pytest.skip("nginx is not installed")
    site = block("nginx site", "nginx")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=medtrace.example.org", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = site.replace("/etc/ssl/certs/medtrace.pem", str(certificate))
    site = site.replace("/etc/ssl/private/medtrace.key", str(key))
    (tmp_path / "site.conf").write_text(site, "utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        "utf-8",
    )
    done = subprocess.run(
        [tool, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site


def test_the_container_runs_the_server_with_https_and_a_health_check() -> None:
    container = block("Container image", "dockerfile")
    assert "'medtrace[server]'" in container
    assert '"server", "run", "--host", "0.0.0.0", "--https"' in container
    assert "HEALTHCHECK" in container
    assert "/health/" in container
    assert "USER medtrace" in container
