"""Production settings: the deploy checks pass, secrets are required, security headers are sent."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A clean environment as a production server would have it (no DEBUG, real secrets)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "cordee.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "EMAIL_URL": "smtp://mail.example.org:587",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_with_production_env(tmp_path):
    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


@pytest.mark.parametrize(("value", "expected"), [(None, "0 False"), ("60", "60 True")])
def test_persistent_database_connections_are_opt_in(tmp_path, value, expected):
    env = production_env(tmp_path, DATABASE_CONN_MAX_AGE=value)
    result = run_manage(
        env,
        "shell",
        "-c",
        "from django.db import connection as c;"
        " print(c.settings_dict['CONN_MAX_AGE'], c.settings_dict['CONN_HEALTH_CHECKS'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_mail_server_fails_the_deploy_check(tmp_path):
    env = production_env(tmp_path)
    del env["EMAIL_URL"]  # falls back to the console backend: nobody would get their mail
    result = run_manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_public_pages_send_strict_csp_with_nonce_and_security_headers(client, site_tree):
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def page_with_nonced_script(request):
    template = engines["django"].from_string(
        '<!DOCTYPE html><script nonce="{{ csp_nonce }}" src="/static/x.js"></script>'
    )
    return HttpResponse(template.render({}, request))


urlpatterns = [path("nonced/", page_with_nonced_script)]


@pytest.mark.urls(__name__)
def test_nonce_in_csp_header_matches_the_one_in_the_page(client):
    # Django only adds the nonce to the header when a template used it.
    response = client.get("/nonced/")
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert len(nonce) >= 16
    assert f'nonce="{nonce}"' in response.content.decode()
    assert client.get("/nonced/")["Content-Security-Policy"] != csp  # fresh for each response


@pytest.mark.django_db
def test_wagtail_admin_gets_its_own_policy(admin_client, site_tree):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" in csp  # Wagtail's admin needs it
    assert "frame-ancestors 'self'" in csp  # page previews are framed by the admin itself
    assert "nonce-" not in csp  # a nonce would make browsers ignore 'unsafe-inline'
