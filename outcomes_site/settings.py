"""Settings for Conversation Outcomes: one file, driven by environment variables.

See docs/deploy.md for the table of variables. Nothing secret is written here.
"""

import os
from datetime import timedelta
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

# Secrets that admins paste or that the app generates (webhook secrets, identity-provider client
# secrets) are stored encrypted with these Fernet keys (outcomes_site.secret_box). The first key
# encrypts; every key decrypts, so a new key goes first and an old one stays until re-encrypted.
# Without them a key is derived from SECRET_KEY; `check --deploy` asks for them in production.
SECRETS_ENCRYPTION_KEYS = env_list("SECRETS_ENCRYPTION_KEYS")

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
    "workspace.platforms",
    "workspace.webhooks",
    "workspace.embed",  # the widget as a panel inside agent desktops
    "reporting",
    "django_tasks_db",
    "outcomes_site.security_log.SecurityLogConfig",  # sign-in and refusal logging (receivers)
    # Single sign-on (docs/sso.md): django-allauth's OpenID Connect and SAML providers.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "campaigns.sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "workspace.embed.middleware.EmbedCookieMiddleware",  # the panel's own cookies, /embed/ only
    "outcomes_site.prepared.PlannedOnceMiddleware",  # workspace and API: statements prepared
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",  # single sign-on's login state
    "outcomes_site.middleware.PrivateResponseMiddleware",  # no-store when signed in, and on the API
    "outcomes_site.middleware.HtmxAwareLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "outcomes_site.middleware.DebugErrorPagesMiddleware",  # the product's 404/500 under DEBUG too
    "outcomes_site.middleware.SessionTimeoutMiddleware",
    "outcomes_site.middleware.WorkspaceTimeZoneMiddleware",  # the person's own zone, workspace only
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
    "campaigns.sso.backends.PasswordPolicyBackend",  # password sign-in off: break-glass only
    "outcomes_site.auth_backends.OneQueryModelBackend",  # ModelBackend, one query (Scaling)
]
# Single sign-on through django-allauth (campaigns.sso, docs/sso.md): providers are rows an
# admin edits, users are created at their first sign-in, nobody signs up with a password.
ACCOUNT_ADAPTER = "campaigns.sso.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "campaigns.sso.adapter.SocialAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by e-mail is campaigns.sso's rule
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in buttons POST, with the CSRF token
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# Brute force (docs/deploy.md, "Sign-in lockout"): 5 failed sign-ins for one username from one
# address lock that pair for 15 minutes, so a stranger cannot lock the owner out from elsewhere;
# 30 failures from one address, whatever the usernames, lock that address out
# (outcomes_site.login_lockout). The address is the client's, read through our own proxy.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "outcomes_site.login_lockout.AddressBudgetHandler"
AXES_CLIENT_IP_CALLABLE = "outcomes_site.client_address.client_address"
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
# Proxies whose X-Forwarded-For is believed (addresses or networks): the shipped nginx
# (deploy/nginx.conf) reaches gunicorn over loopback. Anyone else's X-Forwarded-For is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
# An htmx request with a refused token is answered in place (outcomes_site/csrf_failure.py).
CSRF_FAILURE_VIEW = "outcomes_site.csrf_failure.csrf_failure"
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

# The cache holds what every worker and host must share (the API rate limit's counters): Redis
# when REDIS_URL is set, else a table in the database (created by `migrate`), never one
# process's memory. Tests run in one process and keep the local-memory cache; tests/deploy
# runs gunicorn's workers against both shared backends.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "outcomes_site.cache.LockingDatabaseCache",
            "LOCATION": "outcomes_cache",  # outcomes_site/migrations/0001_cache_table.py
        }
    }

# Beside it, one process's memory ("local") for what may be a few minutes stale in one worker
# and costs a query to read from a shared cache: the currencies by use, the data indicator's last
# writes (workspace/services/events.py).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}

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

# E-mail (reports by e-mail; docs/deploy.md, "Scheduler and e-mail"). Django 6.1 configures mail
# with MAILERS (the EMAIL_* settings are deprecated); the environment variables keep the familiar
# EMAIL_* names. Under `make run` (DEBUG) mails are printed on the console unless EMAIL_HOST is
# set; otherwise they go through SMTP. Tests replace every mailer with the in-memory one.
if DEBUG and not os.environ.get("EMAIL_HOST"):
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
else:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": env_int("EMAIL_TIMEOUT", 30),
        },
    }
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Conversation Outcomes <reports@localhost>"
)
# The address people use to reach the app: links in e-mails (the report, the unsubscribe link).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Operations (docs/deploy.md, "Operations"): /metrics answers a bearer token equal to
# METRICS_TOKEN (empty: none accepted), or clients in METRICS_ALLOWED_NETWORKS (their address
# read through the trusted proxy, so the proxy's own loopback connection does not count).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1")

# Personal data: events and transcripts older than this many months are deleted by
# `manage.py retention_purge` (run it daily from cron or a scheduler); 0 keeps them forever.
DATA_RETENTION_MONTHS = env_int("DATA_RETENTION_MONTHS", 24)

# Outgoing webhooks (docs/integrations.md, "Outgoing webhooks"). Endpoints must be https on
# public addresses; WEBHOOKS_ALLOW_LOOPBACK also admits loopback (http or https), for tests and a
# receiver on the same machine. Retries wait these many seconds (the last one repeats); an
# endpoint failing for WEBHOOKS_SWITCH_OFF_AFTER is switched off; the delivery log of delivered
# messages is kept WEBHOOKS_LOG_DAYS days.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", default=TESTING)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10)
WEBHOOKS_CONCURRENCY = env_int("WEBHOOKS_CONCURRENCY", 16)
WEBHOOKS_RETRY_SECONDS = (5, 30, 120, 600, 1800, 3600)
WEBHOOKS_SWITCH_OFF_AFTER = timedelta(days=1)
WEBHOOKS_LOG_DAYS = env_int("WEBHOOKS_LOG_DAYS", 30)

# Ingest API
# Requests per minute per connector key (0: no limit), counted in the shared CACHES["default"].
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 600)
# Bodies over this are refused with 413, judged from Content-Length before reading.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)

# Scaling (docs/scaling.md): app servers keep no state of their own, so any number can run behind
# a load balancer; report reads may go to a PostgreSQL read replica. DB_POOL=1 uses psycopg's
# connection pool instead of persistent connections (the pool needs CONN_MAX_AGE 0).
if DATABASE_URL:
    # PostgreSQL's JIT compiles any query its planner prices high (a small report read over a
    # badly estimated CTE took 0.35 s to compile and 1 ms to run): off for this workload.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Statements prepared where every statement picks rows by key (outcomes_site/prepared.py): the
# credit writers, the workspace and the ingest API. DB_PREPARED_STATEMENTS=0 behind a connection
# pooler in transaction mode that does not keep prepared statements (docs/scaling.md).
PREPARED_STATEMENTS = bool(DATABASE_URL) and env_bool("DB_PREPARED_STATEMENTS", True)
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
