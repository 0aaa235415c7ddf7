"""Masthead settings: everything lives here, driven by environment variables.

Profiles (``demo``, ``test``) register fallbacks for missing variables and swap
backends; production sets the variables (see README "Configuration").
"""

from __future__ import annotations

from pathlib import Path

from . import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir("MASTHEAD_DATA_DIR", "./masthead-data")

SECRET_KEY = env.required(
    "SECRET_KEY",
    "set a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')",
)
DEBUG = env.boolean("DEBUG", False)
SITE_URL = env.site_url("SITE_URL")
ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS") or []
if not ALLOWED_HOSTS:
    raise env.SettingError(
        "ALLOWED_HOSTS is not set: list the host names, e.g. news.example.org,www.news.example.org"
    )
CSRF_TRUSTED_ORIGINS = env.csv("CSRF_TRUSTED_ORIGINS", [SITE_URL])
CSRF_FAILURE_VIEW = "masthead.core.views.csrf_failure"  # the site's own styled page
WAGTAILADMIN_BASE_URL = SITE_URL

# Demo-only pieces (the captured-email mailbox page) are served only when this is on.
MASTHEAD_DEMO = env.boolean("MASTHEAD_DEMO", False)

INSTALLED_APPS = [
    "masthead.core",
    "masthead.content",
    "masthead.pagecache",
    "masthead.demo",
    "masthead.accounts",
    "masthead.mail",
    "masthead.metering",
    "masthead.newsletters",
    "masthead.runtime",
    "masthead.comments",
    "masthead.analytics",
    "masthead.recommendations",
    "masthead.alerts",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "masthead.core.csp.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "masthead.core.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "masthead.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "masthead.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.raw("CACHE_KEY_PREFIX", "masthead"),
            "TIMEOUT": 3600,
            # A Redis that stops answering costs a request at most this long
            # before it is served without the cache (core/cache.py fails open).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Shared by every web and worker process on this machine, unlike an
    # in-process cache, so an edit in one process invalidates pages in all.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email"],
        # Task ids that sort by time: new rows go at the end of the primary key index.
        "OPTIONS": {"id_function": "masthead.core.ids.uuid7"},
    }
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email = env.email("EMAIL_URL")
if not _email and not MASTHEAD_DEMO:
    raise env.SettingError(
        "EMAIL_URL is not set: give your SMTP server, e.g. smtp://user:password@smtp.example.org:587?starttls=1"
    )
globals().update(_email)
if not _email and MASTHEAD_DEMO:
    # The demo keeps every email in the database and shows it at /mailbox/.
    EMAIL_BACKEND = "masthead.mail.backends.MailboxBackend"
DEFAULT_FROM_EMAIL = env.raw("DEFAULT_FROM_EMAIL", "Masthead <news@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# django-anymail (EMAIL_URL=anymail://<provider>): every ANYMAIL_<NAME> variable becomes
# ANYMAIL["<NAME>"], e.g. ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_WEBHOOK_SECRET=user:password.
ANYMAIL = env.prefixed("ANYMAIL_")
# Bulk sending (mail/bulk.py, mail/sending.py; README "Bulk sending").
MAIL_RATE = env.integer("MAIL_RATE", 0, minimum=0)  # messages/s per worker process; 0: no limit
MAIL_BULK_CONNECTIONS = env.integer("MAIL_BULK_CONNECTIONS", 16, minimum=1)
MAIL_BULK_BATCH_SIZE = env.integer("MAIL_BULK_BATCH_SIZE", 2000, minimum=1)
MAIL_BULK_LEASE_SECONDS = env.integer("MAIL_BULK_LEASE_SECONDS", 60, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.raw("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The theme (masthead/static) belongs to the package, not to one app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.raw("MEDIA_ROOT", str(DATA_DIR / "media")) or "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

_EMBED_ORIGINS = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]

# Security: secure headers everywhere, secure cookies when served over https.
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.boolean("BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # the Wagtail admin previews pages in a same-origin frame
# Content-Security-Policy (django-csp; why these sources: masthead/core/csp.py).
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:", *env.csv("CSP_MEDIA_ORIGINS", [])],
        "media-src": [_SELF, *env.csv("CSP_MEDIA_ORIGINS", [])],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        # Story embeds (Wagtail's oEmbed) show the provider's player in a frame.
        "frame-src": [_SELF, *env.csv("CSP_FRAME_ORIGINS", _EMBED_ORIGINS)],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_SELF],
    }
}
# The Wagtail admin's directives (it inlines scripts and styles of its own).
MASTHEAD_ADMIN_CSP = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [_SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": [_SELF, "'unsafe-inline'"],
    "img-src": [_SELF, "data:", "blob:", *env.csv("CSP_MEDIA_ORIGINS", [])],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "/accounts/login/"

# Our forms' rate limits, one spelling: RATELIMIT_<FORM>_<SCOPE>, per connection (IP)
# and per address (EMAIL), as "count/period": 5/h, 30/10m, 20/3600 (core/ratelimit.py).
# Load tests raise them through the environment. The set-up link's "send me a new
# link" form counts against the wall's limits.
RATELIMIT_WALL_IP = env.rate("RATELIMIT_WALL_IP", "30/10m")
RATELIMIT_WALL_EMAIL = env.rate("RATELIMIT_WALL_EMAIL", "5/h")
RATELIMIT_SIGNIN_LINK_IP = env.rate("RATELIMIT_SIGNIN_LINK_IP", "20/3600")
RATELIMIT_SIGNIN_LINK_EMAIL = env.rate("RATELIMIT_SIGNIN_LINK_EMAIL", "5/3600")
# The names before RATELIMIT_<FORM>_<SCOPE> stop the start with the new name.
for _old, _new in (
    ("RATE_LIMIT_SIGNIN_LINK_IP", "RATELIMIT_SIGNIN_LINK_IP"),
    ("RATE_LIMIT_SIGNIN_LINK_ADDRESS", "RATELIMIT_SIGNIN_LINK_EMAIL"),
    ("RATE_LIMIT_LOGIN", "RATELIMIT_LOGIN"),
    ("RATE_LIMIT_LOGIN_FAILED", "RATELIMIT_LOGIN_FAILED"),
    ("RATE_LIMIT_SIGNUP", "RATELIMIT_SIGNUP"),
    ("RATE_LIMIT_RESET_PASSWORD", "RATELIMIT_RESET_PASSWORD"),
):
    env.renamed(_old, _new)
# Comments posted and reported, per signed-in account and per connection.
RATELIMIT_COMMENT_ACCOUNT = env.rate("RATELIMIT_COMMENT_ACCOUNT", "10/10m")
RATELIMIT_COMMENT_IP = env.rate("RATELIMIT_COMMENT_IP", "30/10m")
# Newsletter sign-up boxes and series follow boxes (newsletters/, alerts/).
RATELIMIT_NEWSLETTER_IP = env.rate("RATELIMIT_NEWSLETTER_IP", "30/10m")
RATELIMIT_NEWSLETTER_EMAIL = env.rate("RATELIMIT_NEWSLETTER_EMAIL", "10/h")
RATELIMIT_FOLLOW_IP = env.rate("RATELIMIT_FOLLOW_IP", "30/10m")
RATELIMIT_FOLLOW_EMAIL = env.rate("RATELIMIT_FOLLOW_EMAIL", "10/h")

# Reader accounts (django-allauth): email only, no usernames. Verification is
# "mandatory" because only then does sign-up answer the same for a taken address
# (allauth emails "you already have an account" instead of saying so on screen).
# Readers created by the registration wall are verified when they finish set-up,
# and following an emailed sign-in link verifies the address too.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "masthead.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "masthead.accounts.forms.LoginForm",
    "signup": "masthead.accounts.forms.SignupForm",
    "add_email": "masthead.accounts.forms.ChangeEmailForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per reader: changing replaces it once confirmed
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming in the browser that signed up finishes signing in (allauth only does
# this for the pending sign-up in that session; anywhere else the reader signs in).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
LOGIN_REDIRECT_URL = "/account/"
# allauth's forms keep allauth's format, scopes included, in RATELIMIT_<FORM>:
# "<count>/<period><unit>/<key>": per IP and per address (key) where it applies.
ACCOUNT_RATE_LIMITS = {
    "login": env.raw("RATELIMIT_LOGIN", "30/m/ip"),
    "login_failed": env.raw("RATELIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "signup": env.raw("RATELIMIT_SIGNUP", "20/m/ip"),
    "reset_password": env.raw("RATELIMIT_RESET_PASSWORD", "20/m/ip,5/5m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}

# Discovery (masthead/analytics, masthead/recommendations; docs/decisions/0012-most-read-and-recommendations.md)
MOST_READ_WINDOW_HOURS = env.integer("MOST_READ_WINDOW_HOURS", 24, minimum=1)
MOST_READ_CACHE_SECONDS = env.integer("MOST_READ_CACHE_SECONDS", 30, minimum=1)
ANALYTICS_DEDUP_SECONDS = env.integer("ANALYTICS_DEDUP_SECONDS", 1800, minimum=0)
ANALYTICS_HISTORY_DAYS = env.integer("ANALYTICS_HISTORY_DAYS", 180, minimum=1)
ANALYTICS_FLUSH_SECONDS = 1.0
ANALYTICS_FLUSH_THREAD = True

# The anonymous meter's compiled hot path (masthead/metering/_fastmeter.c,
# decision 0017), used where the install built it; off, the meter runs in
# Python alone with the same answers (the bench measures both).
METER_COMPILED = env.boolean("METER_COMPILED", True)

WAGTAIL_SITE_NAME = "Masthead"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
# Off: the responsive wrapper is a style="" attribute, which the CSP refuses;
# site.css sizes embedded frames instead.
WAGTAILEMBEDS_RESPONSIVE_HTML = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: it would send editors' email hashes to a third
# party and show broken images on a machine without internet access.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILIMAGES_FORMAT_CONVERSION = {"avif": "avif", "webp": "webp"}

# How often each process re-reads the content generation from the shared cache
# (core/generation.py): the bound on how long another process's publish takes
# to show. 0: read it on every request instead (no background thread).
GENERATION_POLL_SECONDS = 0.05
# Each web process's own table of stored pages (pagecache/local.py).
PAGECACHE_LOCAL_ENTRIES = 1000
PAGECACHE_LOCAL_BYTES = 32 * 1024 * 1024
# Answers fetched after load that the page cache may keep per process for the seconds
# their own Cache-Control (public, s-maxage) allows (masthead/pagecache/fragments.py).
PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.raw("LOG_LEVEL", "WARNING")},
    "loggers": {
        "masthead": {"level": env.raw("LOG_LEVEL", "INFO"), "propagate": True},
        "django.request": {"level": "ERROR"},
    },
}
