"""The embedded demo: SQLite in the data folder, one process, email captured to
the mailbox page. ``masthead demo`` writes a stable SECRET_KEY into the data
folder and points ``MASTHEAD_DATA_DIR`` at it before Django starts."""

from . import env

_data = env.data_dir("MASTHEAD_DATA_DIR", "./masthead-data")
env.use_fallbacks(
    SECRET_KEY="demo-only-" + (env.raw("MASTHEAD_DEMO_SECRET") or "insecure"),
    DATABASE_URL=f"sqlite:///{_data / 'masthead.sqlite3'}",
    SITE_URL="http://127.0.0.1:8000",
    ALLOWED_HOSTS="127.0.0.1,localhost,[::1]",
    MASTHEAD_DEMO="true",
)

from .base import *  # noqa: E402,F403

DEBUG = env.boolean("DEBUG", False)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 3600}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
