"""Settings, read from the environment (or `lindung.toml`, see lindung/config.py). Bad values fail at
start-up with a ConfigProblem that says what to do, not at the first request.

LINDUNG_DATABASE_URL  default: sqlite:///<working directory>/lindung.sqlite3
LINDUNG_SECRET_KEY    required when LINDUNG_DEBUG is off
LINDUNG_DEBUG         1/true/yes/on or 0/false/no/off (default off)
LINDUNG_HTTPS         cookies only over HTTPS (default: on unless LINDUNG_DEBUG); turn off only behind no TLS at all
LINDUNG_DATA_DIR      uploaded rosters, error workbooks and the cache (default: lindung-data in the working directory)
LINDUNG_ALLOWED_HOSTS comma-separated host names (default 127.0.0.1,localhost)
LINDUNG_FONT_DIR      where DejaVu Sans is (default: Debian's /usr/share/fonts/truetype/dejavu)
LINDUNG_PUBLIC_URL    the address in the QR codes, http(s)://host[:port] (default http://127.0.0.1:8000)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from lindung.config import Config, ConfigProblem, config_file

BASE_DIR = Path(__file__).resolve().parent
_config = Config(config_file())


def _flag(name: str, default: bool) -> bool:
    raw = _config.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigProblem(
        f"LINDUNG_{name.upper()}={raw!r}: pakai 1/0, true/false, yes/no atau on/off.",
        f"LINDUNG_{name.upper()}={raw!r}: use 1/0, true/false, yes/no or on/off.",
    )


DEBUG = _flag("debug", False)
_DEV_KEY = "lindung-development-key-not-for-production"
SECRET_KEY = _config.get("secret_key") or _DEV_KEY
if not DEBUG and SECRET_KEY == _DEV_KEY and os.environ.get("LINDUNG_ALLOW_DEV_KEY") != "1":
    # The tests set LINDUNG_ALLOW_DEV_KEY; `make run` writes lindung.toml; a real server sets its own key.
    raise ConfigProblem(
        "LINDUNG_SECRET_KEY belum diatur. Untuk mencoba: jalankan `make run` sekali di folder proyek (menulis "
        "lindung.toml dengan kunci pengembangan) dan jalankan lindung dari folder itu. Di server: "
        "export LINDUNG_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"",
        "LINDUNG_SECRET_KEY is not set. To try lindung: run `make run` once in the project folder (it writes "
        "lindung.toml with a development key) and run lindung from that folder. On a server: "
        "export LINDUNG_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"",
    )

ALLOWED_HOSTS = [h.strip() for h in (_config.get("allowed_hosts") or "127.0.0.1,localhost").split(",")]

_DEFAULT_DB = f"sqlite:///{Path.cwd() / 'lindung.sqlite3'}"
_db_url = _config.get("database_url") or _DEFAULT_DB
try:
    _db: dict[str, Any] = dict(dj_database_url.parse(_db_url, conn_max_age=60))
except Exception as exc:  # the library raises several types for a malformed URL
    _db = {"ENGINE": f"unreadable ({exc})"}
if _db["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ConfigProblem(
        "LINDUNG_DATABASE_URL bukan alamat basis data yang dikenal: tulis sqlite:////jalur/berkas.sqlite3 atau "
        "postgres://pengguna:sandi@host:5432/nama.",
        "LINDUNG_DATABASE_URL is not a database address lindung knows: write sqlite:////path/file.sqlite3 or "
        "postgres://user:password@host:5432/name.",
    )
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers work while an import writes; IMMEDIATE takes the write lock up front.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}

DATA_DIR = Path(_config.get("data_dir") or Path.cwd() / "lindung-data")
# The address printed in the QR codes of certificates and cards (their public verification page). Left at
# the default on a real server, `lindung serve`, `lindung check` and the documents page warn (preflight.py).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
PUBLIC_URL = (_config.get("public_url") or DEFAULT_PUBLIC_URL).strip().rstrip("/")
if not PUBLIC_URL.startswith(("http://", "https://")) or len(PUBLIC_URL) <= len("https://"):
    raise ConfigProblem(
        f"LINDUNG_PUBLIC_URL={PUBLIC_URL!r}: tulis alamat lengkap yang dibuka dari luar, mis. "
        "https://lindung.contoh.go.id (kode QR sertifikat dan kartu menunjuk ke sana).",
        f"LINDUNG_PUBLIC_URL={PUBLIC_URL!r}: write the full address opened from outside, e.g. "
        "https://lindung.example.go.id (the QR codes of certificates and cards point there).",
    )
# DejaVu Sans, embedded in every PDF (Debian's fonts-dejavu-core).
FONT_DIR = Path(_config.get("font_dir") or "/usr/share/fonts/truetype/dejavu")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "lindung.regions",
    "lindung.registry",
    "lindung.intake",
    "lindung.enrolment",
    "lindung.billing",
    "lindung.coverage",
    "lindung.documents",
    "lindung.accounts",
    "lindung.claims",
    "lindung.reconcile",
    "lindung.demo",
    "lindung.api",
    "lindung.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files under gunicorn, without a separate server
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.web.middleware.Language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lindung.web.middleware.SecurityHeaders",
    "lindung.web.middleware.LindungErrors",
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
                "django.template.context_processors.i18n",
                "lindung.web.context.scope",
            ],
            "builtins": ["lindung.web.templatetags.lindung"],
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
# Static files are served by WhiteNoise straight from the installed packages (no `collectstatic` step);
# a deployer who runs `collectstatic` sets LINDUNG_STATIC_ROOT.
STATIC_ROOT = _config.get("static_root") or None
WHITENOISE_USE_FINDERS = True

LOCALE_PATHS = [BASE_DIR / "locale"]

# Security. Cookies travel only over HTTPS unless LINDUNG_HTTPS=0 (the tests' plain-HTTP live server).
HTTPS = _flag("https", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script or style anywhere: htmx and the pages' own script come from /static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads hashes made before argon2
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Background jobs (large roster imports) run in `lindung db_worker`, which `lindung serve` starts beside the web.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Job progress is written outside the import's transaction, so it goes to a file cache every process reads.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Personal data (NIK, phone, birth date) must never reach a log: log records carry no row values.
# Every line carries its time with the UTC offset (Django sets the process's zone to TIME_ZONE: +0700).
_STAMP = "%Y-%m-%d %H:%M:%S%z"
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "stamped": {"format": "{asctime} {levelname} {name}: {message}", "style": "{", "datefmt": _STAMP},
        "server": {"format": "{asctime} {message}", "style": "{", "datefmt": _STAMP},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "stamped"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "lindung": {"level": "INFO"},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
