"""Security headers: a Content Security Policy that allows scripts only from the app's own
files, and no template with an inline script or event handler (which that policy would
block)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2] / "src" / "sejahtera"
# The session's reference data needs the test database even for the tests that do not.
pytestmark = pytest.mark.django_db


def test_pages_carry_the_policy(client: Client, make_user: Any) -> None:
    from sejahtera.accounts.roles import Role

    for url in ("/akun/masuk/", "/cek-bansos/", "/layanan/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    client.force_login(make_user(Role.OPERATOR_DINAS))
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script() -> None:
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{template}: inline event handler")
        if "javascript:" in text:
            offenders.append(f"{template}: javascript: URL")
    assert not offenders, offenders


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    """`manage.py check --deploy` with the settings a production installation sets."""
    import os
    import secrets
    import subprocess
    import sys

    env = {
        **os.environ,
        "SEJAHTERA_PRODUCTION": "1",
        "SEJAHTERA_SECRET_KEY": secrets.token_urlsafe(50),
        "SEJAHTERA_ALLOWED_HOSTS": "sejahtera.example.go.id",
        "SEJAHTERA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sejahtera.config.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a test setting, never a production one
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Without a secret key, production refuses to start.
    env.pop("SEJAHTERA_SECRET_KEY")
    refused = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "SEJAHTERA_SECRET_KEY" in refused.stderr
