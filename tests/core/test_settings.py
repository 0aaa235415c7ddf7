"""Settings come from the environment; a missing or malformed one fails at start
with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from masthead.settings import env

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "sqlite:////tmp/masthead-settings-test.sqlite3",
    "SITE_URL": "https://news.example.org",
    "ALLOWED_HOSTS": "news.example.org",
    "EMAIL_URL": "smtp://127.0.0.1:1025",
}


def _load_production_settings(overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "REDIS_URL"
    }
    environment.update(PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    environment["DJANGO_SETTINGS_MODULE"] = "masthead.settings.base"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )


def test_complete_production_environment_loads():
    result = _load_production_settings({})
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECRET_KEY", None, "SECRET_KEY is not set"),
        ("DATABASE_URL", None, "DATABASE_URL is not set"),
        (
            "DATABASE_URL",
            "mysql://db/masthead",
            "DATABASE_URL must start with sqlite:// or postgres://",
        ),
        ("SITE_URL", None, "SITE_URL is not set"),
        ("SITE_URL", "news.example.org", "SITE_URL must be an http(s) address"),
        ("ALLOWED_HOSTS", None, "ALLOWED_HOSTS is not set"),
        ("EMAIL_URL", None, "EMAIL_URL is not set"),
        ("EMAIL_URL", "pigeon://coop", "EMAIL_URL must start with smtp://"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with redis://"),
        ("DEBUG", "perhaps", "DEBUG must be true or false"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be a whole number"),
        ("RATELIMIT_WALL_IP", "30 per minute", "RATELIMIT_WALL_IP must be a rate such as 5/h"),
        (
            "RATELIMIT_SIGNIN_LINK_EMAIL",
            "five an hour",
            "RATELIMIT_SIGNIN_LINK_EMAIL must be a rate such as 5/h",
        ),
        (
            "RATE_LIMIT_SIGNIN_LINK_ADDRESS",
            "5/3600",
            "RATE_LIMIT_SIGNIN_LINK_ADDRESS was renamed RATELIMIT_SIGNIN_LINK_EMAIL",
        ),
        ("RATE_LIMIT_LOGIN", "30/m/ip", "RATE_LIMIT_LOGIN was renamed RATELIMIT_LOGIN"),
    ],
)
def test_missing_or_malformed_variable_is_named(variable, value, message):
    result = _load_production_settings({variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_postgres_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://editor:s3cret@db.internal:6432/news")
    config = env.database("DATABASE_URL")
    assert config["ENGINE"] == "masthead.runtime.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        6432,
        "news",
        "editor",
    )


def test_sqlite_gets_wal_mode(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/masthead/db.sqlite3")
    config = env.database("DATABASE_URL")
    assert config["NAME"] == "/srv/masthead/db.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_email_url_forms(monkeypatch):
    monkeypatch.setenv(
        "EMAIL_URL", "smtp://user%40example.org:p%3Ass@mail.example.org:587?starttls=1"
    )
    config = env.email("EMAIL_URL")
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "user@example.org"
    assert config["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert config["EMAIL_USE_TLS"] is True
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example.org")
    assert env.email("EMAIL_URL")["EMAIL_PORT"] == 465
    monkeypatch.setenv("EMAIL_URL", "smtp://mail.example.org:notaport")
    with pytest.raises(env.SettingError, match="EMAIL_URL has a malformed port"):
        env.email("EMAIL_URL")


def test_integer_bounds(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "-4")
    with pytest.raises(env.SettingError, match="SOME_NUMBER must be at least 0"):
        env.integer("SOME_NUMBER", 1, minimum=0)


def test_https_site_gets_secure_cookies():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.CSRF_TRUSTED_ORIGINS)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "masthead.settings.base",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "['https://news.example.org']"]
