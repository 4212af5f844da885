"""Django settings for motcua.

Everything that differs between a laptop and production comes from the environment:
MOTCUA_DEBUG, MOTCUA_SECRET_KEY, DATABASE_URL, MOTCUA_ALLOWED_HOSTS, MOTCUA_HTTPS,
MOTCUA_DATA_DIR. The defaults run the product on an embedded SQLite database with no set-up.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("MOTCUA_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("MOTCUA_DEBUG", False)


def _secret_key() -> str:
    """A key from the environment; without one, a random key kept in the data folder.

    The file fallback keeps `make run` zero-config without shipping a known key.
    """
    key = os.environ.get("MOTCUA_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("MOTCUA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "motcua.core",
    "motcua.accounts",
    "motcua.directory",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.portal",
    "motcua.queueing",
    "motcua.workflow",
    "motcua.payments",
    "motcua.reports",
    "motcua.ratings",
    "motcua.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "motcua.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}",
        conn_max_age=int(os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI each request runs its sync code in a fresh thread, so per-thread persistent
    # connections are never reused; a process-wide pool avoids a new connection per request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("MOTCUA_DB_POOL_MIN", "2")),
        "max_size": int(os.environ.get("MOTCUA_DB_POOL_MAX", "10")),
        "timeout": 10,
    }
    # No JIT compilation: its 70–200 ms per query (triggered by the cost estimate of a list
    # over many rows) is more than the whole query takes; the reads here are short OLTP ones.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the write lock
    # up front, so two counters writing at once wait for each other instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not in-memory) so concurrency tests see real SQLite locking; one per process so
    # parallel test runs do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "portal:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; the source strings are Vietnamese (docs/decisions/0002-i18n-source-language.md).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# HTTPS is the default outside development; `make run` on a laptop says MOTCUA_HTTPS=0.
HTTPS = env_bool("MOTCUA_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less template tag instead
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "3600"))
    SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", False)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The covering index of the worklists' per-agency counts (workflow.StepRun, decision 0011)
# INCLUDEs columns on PostgreSQL; SQLite builds it without them, which is all it can do.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Working sessions used for a center that has none configured (giờ làm việc mặc định).
MOTCUA_DEFAULT_WORKING_SESSIONS = [("07:00", "11:30"), ("13:00", "17:00")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "motcua.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Uploaded scans (bytes): per file and per dossier.
MOTCUA_MAX_FILE_SIZE = int(os.environ.get("MOTCUA_MAX_FILE_SIZE", str(10 * 1024 * 1024)))
MOTCUA_MAX_DOSSIER_SIZE = int(os.environ.get("MOTCUA_MAX_DOSSIER_SIZE", str(50 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get(
    "MOTCUA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or not os.environ.get("MOTCUA_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("MOTCUA_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_FROM_EMAIL", "motcua@localhost")
MOTCUA_SMS_GATEWAY = os.environ.get("MOTCUA_SMS_GATEWAY", "logging")
# Decision 766 points and thresholds per index, as the province reads them in the Decision
# (JSON, e.g. {"2.1": {"points": 20, "threshold": "1"}}); unset ones stay "not given".
MOTCUA_INDEX_766 = os.environ.get("MOTCUA_INDEX_766") or "{}"
# The API takes files inside JSON (base64, 4/3 of their size): allow a whole dossier's worth.
DATA_UPLOAD_MAX_MEMORY_SIZE = MOTCUA_MAX_DOSSIER_SIZE * 4 // 3 + 1024 * 1024
