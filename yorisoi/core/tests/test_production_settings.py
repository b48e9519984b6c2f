"""Production mode: `check --deploy` is clean, missing secrets stop the start, and a database that
is down gives a 503 JSON health answer and calm pages. Each case runs in a fresh process, because
settings are read once at start."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
import textwrap

import pytest

from yorisoi.core.crypto import generate_key

UNREACHABLE_DB = "postgres://postgres@127.0.0.1:1/yorisoi"


def _run(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("YORISOI_", "DJANGO_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    base.update({"YORISOI_VAR_DIR": str(tmp_path / "var"), **env})
    # -P: the working directory must not shadow modules; tmp_path holds nothing importable.
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-P", *args],
        env=base,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(**overrides: str) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        "YORISOI_PRODUCTION": "true",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "YORISOI_ENCRYPTION_KEY": generate_key(),
        "ALLOWED_HOSTS": "example.org",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _run(
        ["-m", "yorisoi", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(),
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_would_catch_an_insecure_setting(tmp_path):
    # The check above can fail: turning HTTPS redirection off is reported.
    result = _run(
        ["-m", "yorisoi", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(YORISOI_SSL_REDIRECT="false"),
        tmp_path,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set to a random value of at least 50 characters"),
        ("YORISOI_ENCRYPTION_KEY", "YORISOI_ENCRYPTION_KEY or an existing"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must list the host names"),
    ],
)
def test_production_refuses_to_start_without(missing, message, tmp_path):
    env = _production_env()
    del env[missing]
    result = _run(["-m", "yorisoi", "check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path):
    env = _production_env(SECRET_KEY="django-insecure-" + "a" * 50)
    result = _run(["-m", "yorisoi", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_accepts_an_encryption_key_file(tmp_path):
    key_file = tmp_path / "yorisoi.key"
    key_file.write_text(generate_key() + "\n")
    env = _production_env(YORISOI_ENCRYPTION_KEY=None, YORISOI_ENCRYPTION_KEY_FILE=str(key_file))
    result = _run(["-m", "yorisoi", "check"], env, tmp_path)
    assert result.returncode == 0, result.stderr


DATABASE_DOWN_SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client

    out = {}
    client = Client(raise_request_exception=False)
    r = client.get("/healthz")
    out["healthz"] = [r.status_code, r["Content-Type"], r.content.decode()]
    # A signed-in browser: its session must be read from the database before any view runs.
    client.cookies["sessionid"] = "x" * 32
    r = client.get("/")
    out["home"] = [r.status_code, r.content.decode()]
    r = client.post("/accounts/login/", {"username": "worker1", "password": "whatever"})
    out["login"] = [r.status_code, r.content.decode()]
    print("RESULT" + json.dumps(out))
    """
)


def test_database_down_gives_503_health_and_calm_pages(tmp_path):
    env = {"DATABASE_URL": UNREACHABLE_DB, "DJANGO_SETTINGS_MODULE": "yorisoi.settings"}
    result = _run(["-c", DATABASE_DOWN_SCRIPT], env, tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.split("RESULT", 1)[1])

    status, content_type, body = out["healthz"]
    assert status == 503
    assert content_type == "application/json"
    assert json.loads(body) == {"status": "error", "database": "unavailable"}

    for page in ("home", "login"):
        status, html = out[page]
        assert status == 503, page
        assert "ただいまご利用いただけません" in html
        assert "もう一度お試しください" in html
        assert "Traceback" not in html
        assert "OperationalError" not in html
        assert "127.0.0.1" not in html
