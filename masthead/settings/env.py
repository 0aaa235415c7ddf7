"""The one reader of ``os.environ``.

Every setting that comes from the environment is parsed here, so a missing or
malformed value fails at start-up with a message that names the variable,
instead of surfacing later as an obscure error deep inside a request.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class SettingError(ImproperlyConfigured):
    """A setting read from the environment is missing or malformed."""


# Profiles (demo, test) register fallbacks here before importing ``base``;
# production has none, so a missing variable fails loudly.
FALLBACKS: dict[str, str] = {}


def use_fallbacks(**values: str) -> None:
    FALLBACKS.update(values)


def raw(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, FALLBACKS.get(name))
    if value is None or value.strip() == "":
        return default
    return value.strip()


def prefixed(prefix: str) -> dict[str, str]:
    """Every variable named ``<prefix><NAME>``, as ``{NAME: value}``."""
    return {
        key[len(prefix) :]: value.strip()
        for key, value in os.environ.items()
        if key.startswith(prefix) and value.strip()
    }


def required(name: str, hint: str) -> str:
    value = raw(name)
    if value is None:
        raise SettingError(f"{name} is not set: {hint}")
    return value


def boolean(name: str, default: bool = False) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false, not {value!r}")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise SettingError(f"{name} must be at least {minimum}, not {number}")
    return number


def rate(name: str, default: str) -> str:
    """A rate limit such as 5/h, 30/10m or 20/3600, checked now rather than at the first request."""
    from masthead.core.ratelimit import parse_rate

    value = raw(name, default)
    try:
        parse_rate(value)
    except ValueError:
        raise SettingError(
            f"{name} must be a rate such as 5/h, 30/10m or 20/3600, not {value!r}"
        ) from None
    return value


def csv(name: str, default: list[str] | None = None) -> list[str]:
    value = raw(name)
    if value is None:
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


def database(name: str, default: str | None = None) -> dict:
    """Parse ``DATABASE_URL`` (``sqlite:///path`` or ``postgres://...``)."""
    import dj_database_url

    value = raw(name, default)
    if value is None:
        raise SettingError(
            f"{name} is not set: give a database URL such as "
            "sqlite:////srv/masthead/db.sqlite3 or postgres://user@host:5432/masthead"
        )
    scheme = urlsplit(value).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(
            f"{name} must start with sqlite:// or postgres://, not {scheme or value!r}"
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=600, conn_health_checks=True)
    except ValueError as exc:
        raise SettingError(f"{name} is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise SettingError(f"{name} must name a SQLite file, e.g. sqlite:////srv/db.sqlite3")
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that runs no query (runtime/postgresql).
        config["ENGINE"] = "masthead.runtime.postgresql"
        config.setdefault("OPTIONS", {})["server_side_binding"] = True
    return config


def redis_url(name: str) -> str | None:
    value = raw(name)
    if value is None:
        return None
    if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise SettingError(f"{name} must start with redis://, rediss:// or unix://, not {value!r}")
    return value


def email(name: str) -> dict:
    """Parse ``EMAIL_URL``: ``smtp://user:pass@host:port`` (``smtps://`` for TLS,
    ``?starttls=1`` for STARTTLS), ``anymail://<provider>`` (a django-anymail
    backend, e.g. ``anymail://postmark``; its keys from ``ANYMAIL_*`` variables),
    ``console:`` or ``locmem:``."""
    from urllib.parse import parse_qs, unquote

    value = raw(name)
    if value is None:
        return {}
    parts = urlsplit(value)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme == "anymail":
        provider = parts.hostname or ""
        if not re.fullmatch(r"[a-z][a-z0-9_]*", provider):
            raise SettingError(f"{name} must name a provider, e.g. anymail://postmark")
        return {"EMAIL_BACKEND": f"anymail.backends.{provider}.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise SettingError(
            f"{name} must start with smtp://, smtps://, anymail://, console: or locmem:, "
            f"not {value!r}"
        )
    if not parts.hostname:
        raise SettingError(f"{name} must name a host, e.g. smtp://127.0.0.1:1025")
    try:
        port = parts.port
    except ValueError:
        raise SettingError(f"{name} has a malformed port: {value!r}") from None
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in {"1", "true"},
        "EMAIL_TIMEOUT": 20,
    }


def site_url(name: str, default: str | None = None) -> str:
    value = raw(name, default)
    if value is None:
        raise SettingError(
            f"{name} is not set: give the public address, e.g. https://news.example.org"
        )
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingError(f"{name} must be an http(s) address such as https://news.example.org")
    return value.rstrip("/")


def data_dir(name: str, default: str) -> Path:
    return Path(raw(name, default) or default).expanduser().resolve()
