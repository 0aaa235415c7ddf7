"""Tests: the base settings with fast, local backends swapped in.

``DATABASE_URL`` and ``REDIS_URL`` are honoured when set, so the same suite runs
on SQLite and on PostgreSQL + Redis."""

import tempfile

from . import env

_data = tempfile.mkdtemp(prefix="masthead-test-")
env.use_fallbacks(
    SECRET_KEY="test-secret-key-not-for-production-0123456789abcdef",
    DATABASE_URL=f"sqlite:///{_data}/test.sqlite3",
    SITE_URL="http://testserver",
    ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    MASTHEAD_DATA_DIR=_data,
    MASTHEAD_DEMO="true",
    EMAIL_URL="locmem:",
)

from .base import *  # noqa: E402,F403

if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES["default"]["KEY_PREFIX"] = f"masthead-test-{_data.rsplit('-', 1)[-1]}"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ANALYTICS_FLUSH_THREAD = False  # tests drain recorded views with analytics.ingest.views_flush()
# Tests read the generation directly unless they test the in-memory copy
# (tests/pagecache switch it on, with its poller).
GENERATION_POLL_SECONDS = 0
