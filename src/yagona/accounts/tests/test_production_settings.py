"""Production mode refuses insecure settings: each case starts the settings in a subprocess."""

import os
import secrets
import subprocess
import sys

import pytest

STRONG = secrets.token_urlsafe(50)


def load_settings(tmp_path, **env):
    """Import the settings module with this environment; (exit code, output)."""
    base = {k: v for k, v in os.environ.items()
            if k not in {"YAGONA_MODE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "YAGONA_TESTING",
                          "YAGONA_PUBLIC_URL"}}
    base.update(YAGONA_VAR=str(tmp_path), **env)
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='yagona.settings'; "
            "from django.conf import settings; settings.INSTALLED_APPS; "
            "print('MIDDLEWARE', settings.MIDDLEWARE); "
            "print('CSP', settings.CONTENT_SECURITY_POLICY)")
    done = subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout + done.stderr


def production(tmp_path, **env):
    return load_settings(tmp_path, **{"YAGONA_MODE": "production", "SECRET_KEY": STRONG,
                                      "ALLOWED_HOSTS": "portal.example",
                                      "YAGONA_PUBLIC_URL": "https://portal.example", **env})


def test_a_sound_production_configuration_starts_with_a_strict_csp(tmp_path):
    code, out = production(tmp_path)
    assert code == 0, out
    assert "csp.middleware.CSPMiddleware" in out
    assert "'default-src': [\"'self'\"]" in out


@pytest.mark.parametrize("url", ["", "http://portal.example"])
def test_production_needs_an_https_public_address(tmp_path, url):
    code, out = production(tmp_path, YAGONA_PUBLIC_URL=url)
    assert code != 0
    assert "YAGONA_PUBLIC_URL" in out


@pytest.mark.parametrize("hosts", ["*", "portal.example,*"])
def test_production_refuses_any_host(tmp_path, hosts):
    code, out = production(tmp_path, ALLOWED_HOSTS=hosts)
    assert code != 0
    assert "ALLOWED_HOSTS='*'" in out


@pytest.mark.parametrize("key", [
    "short-key-but-random-" + "x9Qz",  # too short
    "a" * 40 + "b" * 30,  # long but few distinct characters
    "django-insecure-" + secrets.token_urlsafe(50),  # Django's own placeholder prefix
    "changeme" * 8,  # low entropy
])
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    code, out = production(tmp_path, SECRET_KEY=key)
    assert code != 0
    assert "SECRET_KEY is too weak" in out


@pytest.mark.parametrize("mode", ["prod", "Production", "staging"])
def test_an_unknown_mode_is_refused_in_any_mode(tmp_path, mode):
    code, out = load_settings(tmp_path, YAGONA_MODE=mode)
    assert code != 0
    assert "YAGONA_MODE must be" in out


def test_embedded_mode_still_starts(tmp_path):
    code, out = load_settings(tmp_path, YAGONA_MODE="embedded")
    assert code == 0, out


def test_pages_carry_the_policy(client, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
