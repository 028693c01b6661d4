"""The one settings module of Sejahtera. Everything that differs between installations is read
from the environment (or a `.env` file in the project root); defaults give a working demo on
SQLite with nothing else running."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = Path(__file__).resolve().parents[3]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("SEJAHTERA_DEBUG", default=False)
PRODUCTION = env.bool("SEJAHTERA_PRODUCTION", default=False)
VAR_DIR = Path(env.str("SEJAHTERA_VAR_DIR", default=str(BASE_DIR / "var")))
DATA_DIR = Path(env.str("SEJAHTERA_DATA_DIR", default=str(BASE_DIR / "data")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and uploads live here

if PRODUCTION:
    SECRET_KEY = env.str("SEJAHTERA_SECRET_KEY")  # no default: refuse to start without it
else:
    SECRET_KEY = env.str(
        "SEJAHTERA_SECRET_KEY", default="insecure-dev-key-only-for-demo-and-tests-0123456789"
    )

ALLOWED_HOSTS = env.list("SEJAHTERA_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("SEJAHTERA_CSRF_TRUSTED_ORIGINS", default=[])
# In production the app is reached only over HTTPS (TLS ends at the reverse proxy, which sets
# X-Forwarded-Proto): plain HTTP is redirected and browsers are told to stay on HTTPS.
SECURE_SSL_REDIRECT = env.bool("SEJAHTERA_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SEJAHTERA_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SEJAHTERA_HSTS_SUBDOMAINS", default=False)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS for subdomains and the browsers' preload list are the decision of whoever runs the
# parent domain (an office's app usually lives under the regency's domain), not the app's.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# The office that runs this installation: its kabupaten/kota code (Kemendagri) and name.
OFFICE_WILAYAH_CODE = env.str("SEJAHTERA_OFFICE_WILAYAH", default="35.16")
OFFICE_NAME = env.str("SEJAHTERA_OFFICE_NAME", default="Dinas Sosial Kabupaten Mojokerto")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_filters",
    "django_tables2",
    # Before django_tasks_db: its `db_worker` command is ours, which first marks the jobs a
    # killed worker left running as interrupted (sejahtera.jobs.services.mark_interrupted).
    "sejahtera.jobs",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "sejahtera.common",
    "sejahtera.wilayah",
    "sejahtera.accounts",
    "sejahtera.registry",
    "sejahtera.linkage",
    "sejahtera.planning",
    "sejahtera.programs",
    "sejahtera.services",
    "sejahtera.partners",
    "sejahtera.disasters",
    "sejahtera.cemeteries",
    "sejahtera.audit",
    "sejahtera.retention",
    "sejahtera.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sejahtera.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sejahtera.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sejahtera.common.middleware.RequestContextMiddleware",
    "sejahtera.accounts.middleware.ReadOnlyRoleMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sejahtera.config.urls"
WSGI_APPLICATION = "sejahtera.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sejahtera.common.context_processors.office",
                "sejahtera.common.context_processors.navigation",
            ],
        },
    },
]

# Form widgets are rendered with Django's Jinja2 templates (the same HTML): a select of a
# district's 300 desa takes 6 ms instead of 18 ms with the Django template engine, and the
# forms of a page carry several of them.
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sejahtera.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets the web server read while the task worker writes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # A file, not memory, so that a task worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-sejahtera.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("SEJAHTERA_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles any statement it expects to be costly; for the district-wide
    # eligibility statements the compiling took longer (1.4 s) than running them.
    if "postgresql" in DATABASES["default"]["ENGINE"] and not env.bool(
        "SEJAHTERA_PG_JIT", default=False
    ):
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"]["options"] = (
            DATABASES["default"]["OPTIONS"].get("options", "") + " -c jit=off"
        ).strip()

# The public pages' rate limits count in the cache. One process (the embedded default) can
# count in its own memory; several (gunicorn workers, several servers) must share a Redis,
# or each worker would count alone and let through workers × the limit.
REDIS_URL = env.str("SEJAHTERA_REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before the password
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout: after SEJAHTERA_LOGIN_FAILURES failed attempts for one user name from one
# address, that pair is locked for SEJAHTERA_LOCKOUT_MINUTES (a success resets the count).
AXES_FAILURE_LIMIT = env.int("SEJAHTERA_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("SEJAHTERA_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Addresses of the reverse proxies in front of the app (e.g. 127.0.0.1 for nginx on the same
# machine). Only for requests from these is X-Forwarded-For believed, for the rate limits,
# the lockout and the audit trail; see common/ratelimit.client_address.
TRUSTED_PROXIES = env.list("SEJAHTERA_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "sejahtera.common.ratelimit.client_address"

# Roles that must use a second factor (a code from an authenticator app) at sign-in; any
# user may turn it on for themselves. Comma-separated role codes; empty turns the
# requirement off (the demo does, so its accounts open with the printed password only).
OTP_REQUIRED_ROLES = env.list("SEJAHTERA_2FA_ROLES", default=["administrator"])
OTP_TOTP_ISSUER = env.str("SEJAHTERA_OFFICE_NAME", default="Dinas Sosial Kabupaten Mojokerto")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env.int("SEJAHTERA_SESSION_SECONDS", default=60 * 60 * 8)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: expiry on inactivity
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts only from our own static files (no inline
# script anywhere: tests/security/test_headers.py), no framing, no plug-ins. Inline style
# attributes are allowed (a few templates and htmx's indicator style use them); images may
# be data: URIs (the QR codes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("Inggris"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = env.str("SEJAHTERA_TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks here even before collectstatic
STATICFILES_DIRS = [SRC_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploaded import files wait here (never served) between upload and the import task.
IMPORT_DIR = VAR_DIR / "imports"
# How long each kind of record is kept (`sejahtera retention`): a reviewed file, by default
# data/retention.yaml; an office may keep its own reviewed copy elsewhere.
RETENTION_FILE = Path(env.str("SEJAHTERA_RETENTION_FILE", default=str(DATA_DIR / "retention.yaml")))
# The address citizens reach the public pages at (printed in letters' QR codes).
PUBLIC_BASE_URL = env.str("SEJAHTERA_PUBLIC_URL", default="http://127.0.0.1:8000")
# E-mail to heads of division about overdue requests and complaints. Without
# SEJAHTERA_EMAIL_URL (e.g. smtp+tls://user:pass@mail.example.go.id:587) mails are written to
# the console log.
EMAIL_CONFIG = env.email_url("SEJAHTERA_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("SEJAHTERA_EMAIL_FROM", default="sejahtera@localhost")
# The Spark master for `sejahtera linkage duplicates --engine spark` (the `spark` extra):
# local mode on this machine by default, or a cluster's address for a province.
LINKAGE_SPARK_MASTER = env.str("SEJAHTERA_SPARK_MASTER", default="local[*]")
IMPORT_MAX_BYTES = env.int("SEJAHTERA_IMPORT_MAX_BYTES", default=500 * 1024 * 1024)
# An uploaded file is written to disk up to the largest size any page accepts, then only
# counted: the page refuses it by its size (common/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "sejahtera.common.uploads.CappedUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "sejahtera.common.storage.StaticStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": env.str("SEJAHTERA_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A running job that gave no sign of life (start or progress) for this long is taken as
# interrupted and may be restarted; a job whose worker process on this host is gone, at once.
JOB_STALE_MINUTES = env.int("SEJAHTERA_JOB_STALE_MINUTES", default=60)
# Rows between two progress reports of an import (on PostgreSQL: rows per COPY); 0 for the
# importer's defaults.
IMPORT_PROGRESS_ROWS = env.int("SEJAHTERA_IMPORT_PROGRESS_ROWS", default=0)
# Processes that check the rows of a CSV file of at least IMPORT_PARALLEL_ROWS rows (on
# PostgreSQL); 1 checks every file in the importing process.
IMPORT_WORKERS = env.int("SEJAHTERA_IMPORT_WORKERS", default=min(os.cpu_count() or 1, 4))
IMPORT_PARALLEL_ROWS = env.int("SEJAHTERA_IMPORT_PARALLEL_ROWS", default=100_000)
# An import that adds at least this many persons, and at least as many as the registry holds,
# rebuilds the registry's indexes after the load instead of row by row (PostgreSQL; the
# registry tables stay locked until the import commits). See registry/imports/merge.py.
IMPORT_BULK_ROWS = env.int("SEJAHTERA_IMPORT_BULK_ROWS", default=100_000)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
PAGE_SIZE = 50
EXPORT_MAX_ROWS = env.int("SEJAHTERA_EXPORT_MAX_ROWS", default=200_000)
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("SEJAHTERA_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
