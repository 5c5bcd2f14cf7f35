"""Settings for Conversation Outcomes: one file, driven by environment variables.

See docs/deploy.md for the table of variables. Nothing secret is written here.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from outcomes_site.env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("OUTCOMES_TESTING", default=False)
PRODUCTION = env_bool("PRODUCTION", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only reachable with DEBUG or under tests; production refuses to start without a key.
    SECRET_KEY = "insecure-local-development-key-never-used-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    *(["bench"] if env_bool("BENCH_REFERENCES") else []),
    "campaigns",
    "workspace",
    "reporting",
    "django_tasks_db",
    "outcomes_site.security_log.SecurityLogConfig",  # sign-in and refusal logging (receivers)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "outcomes_site.middleware.HtmxAwareLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "outcomes_site.middleware.SessionTimeoutMiddleware",
    "outcomes_site.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outcomes_site.urls"
WSGI_APPLICATION = "outcomes_site.wsgi.application"

_loaders = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "outcomes_site.context_processors.navigation",
            ],
            # Cached loaders everywhere but local development, where templates change under us.
            "loaders": _loaders if DEBUG else [("django.template.loaders.cached.Loader", _loaders)],
            "builtins": ["django.templatetags.i18n", "outcomes_site.field_rows"],
        },
    }
]

# Database: SQLite next to the code unless DATABASE_URL names PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL and a busy timeout let the dev server, a worker and a shell share the file.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "campaigns.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins before the password check
    "outcomes_site.auth_backends.OneQueryModelBackend",  # ModelBackend, one query (Scaling)
]
# Brute force: 5 failed sign-ins for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # PBKDF2 costs about a second of CPU here; tests only need a hasher, not a slow one.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sign-ins end after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE
# seconds after sign-in whatever happens (outcomes_site.middleware.SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# Unambiguous dates ("20 Nov 2026, 17:55") instead of Django's "11/20/2026 5:55 p.m.".
FORMAT_MODULE_PATH = ["outcomes_site.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG or TESTING:
    # Manifest names 404 under live_server and the dev server: plain storage, served by finders.
    _static_backend = "django.contrib.staticfiles.storage.StaticFilesStorage"
    WHITENOISE_USE_FINDERS = True
    if not Path(STATIC_ROOT).is_dir():
        STATIC_ROOT = None  # nothing collected: whitenoise serves from the finders alone
else:
    _static_backend = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _static_backend},
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security headers. The policy forbids inline scripts and styles: behaviour lives in static/js.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # Only behind HTTPS: locally these would bounce plain HTTP requests with 301.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Tasks: background jobs (large CSV exports) run through Django's Tasks framework with the
# database backend; `manage.py db_worker` runs them. Tests run tasks at once, in the request.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
REPORT_EXPORTS_DIR = os.environ.get("REPORT_EXPORTS_DIR", str(BASE_DIR / "media" / "exports"))

# Personal data: events and transcripts older than this many months are deleted by
# `manage.py retention_purge` (run it daily from cron or a scheduler); 0 keeps them forever.
DATA_RETENTION_MONTHS = env_int("DATA_RETENTION_MONTHS", 24)

# Ingest API
# Requests per minute per connector key (0: no limit). Counted in CACHES["default"]: per process
# with the local-memory cache, shared by all workers when REDIS_URL configures Redis.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 600)
# Bodies over this are refused with 413, judged from Content-Length before reading.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)

# Scaling (docs/scaling.md): app servers keep no state of their own, so any number can run behind
# a load balancer; report reads may go to a PostgreSQL read replica; the goal tracker keeps a
# rollup on PostgreSQL. DB_POOL=1 uses psycopg's connection pool instead of persistent
# connections (the pool needs CONN_MAX_AGE 0).
REPORT_ROLLUP = env_bool("REPORT_ROLLUP", default=True)
if DATABASE_URL:
    # PostgreSQL's JIT compiles any query its planner prices high (a small rollup read over a
    # badly estimated CTE took 0.35 s to compile and 1 ms to run): off for this workload.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Server-side parameters let psycopg prepare repeated statements (bench/README.md: tried).
    if env_bool("DB_SERVER_SIDE_BINDING"):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
if DATABASE_URL and env_bool("DB_POOL"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 8),
    }
REPORTING_DATABASE_URL = os.environ.get("REPORTING_DATABASE_URL", "")
if REPORTING_DATABASE_URL:
    DATABASES["reporting"] = dj_database_url.parse(
        REPORTING_DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    DATABASES["reporting"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Tests read the replica's rows from the test database itself.
    DATABASES["reporting"]["TEST"] = {"MIRROR": "default"}
elif TESTING:
    # The alias exists in tests (a mirror of the test database) so that the router can be tested;
    # reads go there only when a test turns REPORT_READS_ON_REPLICA on.
    DATABASES["reporting"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
REPORT_READS_ON_REPLICA = bool(REPORTING_DATABASE_URL)
DATABASE_ROUTERS = ["outcomes_site.db_router.ReportingRouter"]
# Inputs, textareas and selects written in Python, not a template render per widget and option.
FORM_RENDERER = "outcomes_site.form_renderer.FastWidgetRenderer"
# Sessions live in the database, so a request may land on any app server; with Redis they are
# also cached there (cached_db: written through, read from the cache).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
