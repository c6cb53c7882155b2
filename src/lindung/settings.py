"""Settings, read from the environment. Bad values fail at start-up, not at the first request.

LINDUNG_DATABASE_URL  default: sqlite:///<working directory>/lindung.sqlite3
LINDUNG_SECRET_KEY    required when LINDUNG_DEBUG is off
LINDUNG_DEBUG         1/true/yes/on or 0/false/no/off (default off)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use 1/0, true/false, yes/no or on/off")


DEBUG = _flag("LINDUNG_DEBUG", False)
_DEV_KEY = "lindung-development-key-not-for-production"
SECRET_KEY = os.environ.get("LINDUNG_SECRET_KEY") or _DEV_KEY
if not DEBUG and SECRET_KEY == _DEV_KEY and os.environ.get("LINDUNG_ALLOW_DEV_KEY") != "1":
    # `make run` and the tests set LINDUNG_ALLOW_DEV_KEY; a real deployment must set its own key.
    raise ImproperlyConfigured("LINDUNG_SECRET_KEY is not set (or set LINDUNG_DEBUG=1 for development)")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("LINDUNG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]

_DEFAULT_DB = f"sqlite:///{Path.cwd() / 'lindung.sqlite3'}"
_db_url = os.environ.get("LINDUNG_DATABASE_URL") or _DEFAULT_DB
try:
    _db: dict[str, Any] = dict(dj_database_url.parse(_db_url, conn_max_age=60))
except Exception as exc:  # the library raises several types for a malformed URL
    raise ImproperlyConfigured(f"LINDUNG_DATABASE_URL is not a database URL: {exc}") from exc
if _db["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ImproperlyConfigured("LINDUNG_DATABASE_URL must be sqlite:/// or postgres://")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers work while an import writes; IMMEDIATE takes the write lock up front.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lindung.regions",
    "lindung.registry",
    "lindung.intake",
    "lindung.enrolment",
    "lindung.billing",
    "lindung.coverage",
    "lindung.demo",
    "lindung.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lindung.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "lindung.wsgi.application"
ASGI_APPLICATION = "lindung.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path.cwd() / "staticfiles"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Personal data (NIK, phone, birth date) must never reach a log: log records carry no row values.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"lindung": {"level": "INFO"}},
}
