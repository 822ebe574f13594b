"""Settings of Territoire.

Every setting that differs between a laptop and production comes from the environment and is read
once, here. With nothing set, the platform runs embedded: SQLite file, Celery tasks executed
in-process (eager), local-memory cache, e-mails on the console. ``DATABASE_URL`` switches to
PostgreSQL, ``REDIS_URL`` to a real broker, result backend and cache. ``DJANGO_DEBUG=0`` is
production: a secret key and allowed hosts become mandatory and every ``check --deploy`` warning is
answered. ``.env.example`` lists every variable.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
_OUR_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "CELERY_",
    "EMAIL_",
    "MEDIA_",
    "MAX_UPLOAD",
    "AXES_",
    "ANONYMOUS_",
    "TRUSTED_",
    "RATELIMIT_",
    "SITE_",
    "LOG_",
    "DEFAULT_FROM",
    "AWS_",
    "REPORT_",
)

env = environ.Env()
# Variables come from the process environment. A file is read only when DJANGO_ENV_FILE names it (the
# same file for gunicorn and the workers): a .env lying in the checkout, e.g. one written for Docker
# with DJANGO_DEBUG=0, must never switch a developer's ./dev.sh to production without a word.
if os.environ.get("DJANGO_ENV_FILE"):
    _env_file = Path(os.environ["DJANGO_ENV_FILE"])
    if not _env_file.is_file():
        raise ImproperlyConfigured(f"DJANGO_ENV_FILE names {_env_file}, which is not a file")
    environ.Env.read_env(_env_file)
# An empty variable (as left in a copied .env.example) means "not set": use the default.
for _name in [n for n, v in os.environ.items() if v == "" and n.startswith(_OUR_PREFIXES)]:
    del os.environ[_name]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: str) -> bool:
    """Read a boolean; refuse anything that is not clearly yes or no (HC envbool)."""
    value = env.str(name, default=default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {value!r})")


def envint(name: str, default: int) -> int:
    raw = env.str(name, default=str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer (got {raw!r})") from exc


DEBUG = envbool("DJANGO_DEBUG", "1")

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random string of 50 characters or more")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names the site answers to")

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_filters",
    "simple_history",
    "axes",
    "django_ratelimit",
    "csp",
    "territoire",
    "diagnostics",
    "roadmap",
    "projects",
]

MIDDLEWARE = [
    # The health probe answers before host checks and https redirects; then every request gets an id.
    "territoire.middleware.HealthCheckMiddleware",
    "territoire.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says @login_not_required (public links, health).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed-in pages and downloads: Cache-Control private, no-store (unless the view chose).
    "territoire.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "territoire.urls"
WSGI_APPLICATION = "territoire.wsgi.application"
ASGI_APPLICATION = "territoire.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "territoire.context_processors.platform",
            ],
            "builtins": ["territoire.templatetags.territoire"],
        },
    },
]

# Database: SQLite next to the code unless DATABASE_URL names another one.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests autosave at once: write-ahead log so readers never wait, writers take the
    # lock when their transaction starts (no deadlocked upgrade) and wait for it up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests on SQLite use a file, not the shared in-memory database: browser tests send concurrent
    # requests (autosave), and only a file lets each thread wait for the lock like in real use.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", 60)
    # A kept connection is checked (one SELECT 1 round trip) before its first query in each request, so a
    # database restart costs no failed request. DATABASE_CONN_HEALTH_CHECKS=0 saves that round trip on
    # every request (benchmarks/README.md, autosave) at the price of one failed request per worker then.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("DATABASE_CONN_HEALTH_CHECKS", "1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    # Redis down must not take the site down: the cache answers from process memory meanwhile (territoire/cache.py),
    # and an unreachable host costs one second, not a hung request.
    CACHES = {
        "default": {
            "BACKEND": "territoire.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "territoire:dashboard"

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", "1")
# The same client address as the rate limits (TRUSTED_PROXY_COUNT below), not django-ipware's guess.
AXES_CLIENT_IP_CALLABLE = "territoire.client_ip.client_ip"

# How many reverse proxies stand in front of Django. The client's address is REMOTE_ADDR with none
# (the default: a client-sent X-Forwarded-For is ignored), else the entry that many hops from the
# right of X-Forwarded-For. Rate limits and login throttling both read it.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more (got {TRUSTED_PROXY_COUNT})")


def envrate(name: str, default: str) -> str:
    """A django-ratelimit rate such as ``20/h`` (count / period: s, m, h or d); anything else is refused."""
    value = env.str(name, default=default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 20/h or 120/m (got {value!r})")
    return value


# Rate limits of the public views, per client address (territoire/ratelimits.py). Generous enough
# for a town hall where everybody shares one address: a workshop of 30 people on the wifi writes
# about 100 cards and casts (and takes back) a few hundred votes in an hour.
RATELIMIT_RATES = {
    "public-start": envrate("RATELIMIT_PUBLIC_START", "20/h"),
    "autosave": envrate("RATELIMIT_AUTOSAVE", "120/m"),
    "workshop-card": envrate("RATELIMIT_WORKSHOP_CARD", "100/h"),
    "workshop-vote": envrate("RATELIMIT_WORKSHOP_VOTE", "300/h"),
    "password-reset": envrate("RATELIMIT_PASSWORD_RESET", "5/h"),
    "password-reset-email": envrate("RATELIMIT_PASSWORD_RESET_EMAIL", "5/h"),
}
# Counters live in the default cache. django-ratelimit only trusts memcached and django-redis:
# Django's own RedisCache increments atomically too (INCR), so its "not officially supported"
# warning is answered. Without REDIS_URL the cache is per process (LocMem): right for the embedded
# one-process setup and the tests, wrong for several gunicorn workers, which is why production
# sets REDIS_URL (see README).
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Anonymous campaigns: no breakdown (service, audience, chart, export column) of fewer respondents.
ANONYMOUS_MIN_GROUP_SIZE = envint("ANONYMOUS_MIN_GROUP_SIZE", 5)

# Internationalisation: French (Belgium) first; amounts as 12 500,00 €, dates as 21/11/2026.
LANGUAGE_CODE = "fr-be"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["territoire.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
# No grouping by default: ids land in HTML attributes and URLs ({{ question.pk }} must stay "1127",
# not "1 127", or htmx targets and autosave break past the thousandth row). Amounts and counts that
# people read are grouped explicitly by the |money and |number filters (territoire/templatetags).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded and generated files (PSTs, logos, exports, reports) go through Django's storage API only,
# never a path: with AWS_STORAGE_BUCKET_NAME they live in an S3-compatible bucket that web and workers
# on several machines share, else in MEDIA_ROOT. The bucket stays private (no ACL, signed URLs only) and
# downloads stream through the views that check the commune (see README, "Plusieurs machines").
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset: AWS itself; else the address of a compatible store (MinIO, Scaleway, OVH, Ceph...).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Unset keys: boto3 looks further (instance role, ~/.aws); never written in the code.
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # "path" for stores that do not answer on <bucket>.<host> (MinIO on its own address).
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            # A file read back (a 25 MB PST, a large export) spills to a temporary file past 5 MB.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads larger than this are refused with a message by the forms that take files.
MAX_UPLOAD_SIZE = envint("MAX_UPLOAD_SIZE_MB", 25) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The roadmap's scoring grid posts five inputs per sheet × criterion (150 sheets × 8 criteria: 6 000);
# Django's default of 1 000 would refuse a grid of 40 sheets. The memory cap above still bounds a request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Territoire <noreply@territoire.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: a real worker behind Redis when REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="territoire")
# PDF rendering is slow and takes memory: its own queue and its own worker (one process, recycled), so
# that mails, PST analyses and exports on the default queue never wait behind a report.
CELERY_PDF_QUEUE = env.str("CELERY_PDF_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}-pdf")
# A function, not a table: it reads the queue names when a task is sent (territoire/celery.py).
CELERY_TASK_ROUTES = ["territoire.celery.route_task"]
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Acks late so a task whose worker dies is redelivered; the visibility timeout must outlast the
# longest task or Redis hands it to a second worker while the first still renders.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The final report's render (roadmap.report_render) has limits of its own: past the soft one the version fails
# with a message, the hard one kills the worker process; a version still "rendering" after it is shown failed.
REPORT_RENDER_TIME_LIMIT = envint("REPORT_RENDER_TIME_LIMIT", 10 * 60)
REPORT_RENDER_SOFT_TIME_LIMIT = max(REPORT_RENDER_TIME_LIMIT - 30, 1)
# CELERY_VISIBILITY_TIMEOUT (seconds) shortens it for the fault tests (tests/operations/test_faults.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint(
        "CELERY_VISIBILITY_TIMEOUT", 2 * max(CELERY_TASK_TIME_LIMIT, REPORT_RENDER_TIME_LIMIT)
    )
}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# WeasyPrint keeps the memory it takes: recycle worker processes.
CELERY_WORKER_MAX_TASKS_PER_CHILD = envint("CELERY_WORKER_MAX_TASKS_PER_CHILD", 20)
# A worker process that grew past this (a huge export, a PDF) is replaced after its task.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("CELERY_WORKER_MAX_MEMORY_MB", 512) * 1024  # in KiB
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Periodic tasks, sent by the `beat` service (docker-compose.yml). Each is idempotent: a second run sends nothing.
CELERY_BEAT_SCHEDULE = {
    # One e-mail per late milestone to its project's team, leader and consultant, at most once a day.
    "projects-notify-late-milestones": {
        "task": "projects.notify_late_milestones",
        "schedule": crontab(hour=7, minute=0),
    },
    # Report renders asked for while Redis was down go as soon as it answers again (roadmap/report/pipeline.py).
    "roadmap-report-resend": {"task": "roadmap.report_resend", "schedule": timedelta(minutes=1)},
    # Every other task refused while Redis was down (exports, PST analyses, invitations, reminders, phase e-mails,
    # project documents: territoire/queueing.py), sent again once it answers.
    "territoire-resend-unsent": {"task": "territoire.resend_unsent", "schedule": timedelta(minutes=1)},
}

# Content Security Policy: everything is served by us; no inline script without a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "kv": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s %(message)s"}
    },
    "filters": {"request_id": {"()": "territoire.middleware.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
