"""Settings of the Big Buyers portal, read from environment variables.

Every value a deployment may change comes from the environment through the typed readers in
`bigbuyers.env`, which stop the process with a clear message on a bad value. The defaults are
those of a developer's machine (`make run`); production sets DEBUG=0 and the secrets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from bigbuyers.env import (
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_rate,
    env_seconds,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production" if DEBUG else None)
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    # Before the admin: it registers the translated fields (a column per language) that the admin shows.
    "modeltranslation",
    "bigbuyers.two_factor.apps.PortalAdminConfig",  # Django's admin, with the two-factor step
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the form widgets' own templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "bigbuyers",
    "surveys",
    "groups",
    "communities",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bigbuyers.middleware.ReportingEndpointsMiddleware",  # outside CSPMiddleware: sees the policy it sets
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bigbuyers.middleware.PrivateResponsesMiddleware",  # after the user is known; sees every later answer
    "bigbuyers.middleware.RequestBodyLimitMiddleware",  # before any view or CSRF check reads the body
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bigbuyers.middleware.ViewerTimeZoneMiddleware",
]

ROOT_URLCONF = "bigbuyers.urls"
WSGI_APPLICATION = "bigbuyers.wsgi.application"

# Widgets render through the project's templates too, so that templates/admin/widgets/ can give the admin's
# date and time boxes their labels.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bigbuyers.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_url("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", schemes=("postgres", "postgresql", "sqlite")),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
# A database that does not answer must not hold every request for minutes: connecting gives up after
# DATABASE_CONNECT_TIMEOUT seconds (libpq waits 2 at least) and a statement after DATABASE_STATEMENT_TIMEOUT
# (0: no limit, as `make services` runs the migrations); either way the page says "try again" (503).
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=2)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss"))
# How long the cache (sessions, rate limits) waits for Redis before carrying on without it.
REDIS_TIMEOUT = env_seconds("REDIS_TIMEOUT", 0.5, minimum=0.05)
CACHE_BACKEND = env_str("CACHE_BACKEND", "redis")
if CACHE_BACKEND == "redis":
    # Redis down is a cache miss, never an error page (bigbuyers/cache.py says why and how).
    CACHES = {"default": {
        "BACKEND": "bigbuyers.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }}
elif CACHE_BACKEND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_BACKEND={CACHE_BACKEND!r} must be 'redis' or 'locmem'.")

# Sessions are read from the cache and written through to the database: no query per request to find
# who is signed in, and nobody is signed out when the cache is flushed. When Redis does not answer, the
# cache answers "not there" and sessions are read from (and written to) the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "bigbuyers.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in links (django-sesame): single use, and valid for a limited time.
SESAME_MAX_AGE = env_int("SIGNIN_LINK_MAX_AGE", 24 * 60 * 60, minimum=60)
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"  # noqa: S105 - the sign-in link's query parameter, not a secret

LANGUAGE_CODE = "en"
FORMAT_MODULE_PATH = ["bigbuyers.formats"]  # day-month-year English; German and French as Django has them
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Texts the secretariat types (campaigns, areas, questionnaires) in each language, falling back to English
# (django-modeltranslation: a column per language, read with the row itself, no extra query).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("TIME_ZONE", "Europe/Brussels")

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None in test_settings (no collectstatic)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# The portal's own pack (templates/portal/): bootstrap5's HTML, each field written in one pass of Python
# (bigbuyers/field_html.py) rather than through a dozen nested templates; bootstrap5 for the rest.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("bootstrap5", "portal")
CRISPY_TEMPLATE_PACK = "portal"

# E-mail: printed to the console in development, SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Big Buyers secretariat <big.buyers@example.eu>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECRETARIAT_EMAIL = env_str("SECRETARIAT_EMAIL", "big.buyers@example.eu")

# Celery: Redis as broker; in development tasks may run in-process (CELERY_TASK_ALWAYS_EAGER=1).
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
# A task running when Redis goes away finishes (its e-mail marked sent in PostgreSQL) rather than being
# cancelled half-way; its message comes back and finds the work done (every task is idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Two queues: "interactive" for e-mails a person waits for at the screen (sign-in links, confirmations,
# bookings), "celery" for the rest (bulk e-mails, reminders, solving). A worker consumes both and always
# takes from "interactive" first ("priority" order), so a sign-in link never waits behind a batch.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("interactive"), Queue("celery")]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "queue_order_strategy": "priority",
    # A Redis that hangs (rather than refusing) must not hold a request or the worker for long.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 25,
}
# A request that cannot queue a task does not wait for Redis: the task's work is recorded in PostgreSQL
# (the outbox, a queued run) and the periodic tasks pick it up (bigbuyers/queueing.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Beat writes a heartbeat as it runs (bigbuyers/heartbeats.py; /healthz?deep=1 reports it) and wakes at
# least every 30 s to do so.
CELERY_BEAT_SCHEDULER = "bigbuyers.heartbeats:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
CELERY_TIMEZONE = TIME_ZONE

# Security headers; production (DEBUG off) is meant to pass `manage.py check --deploy`.
CSRF_FAILURE_VIEW = "bigbuyers.errors.csrf_failure"  # "the form has expired", in the portal's layout
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", not DEBUG)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For: the client's address is the entry that
# many places from the right (bigbuyers.ratelimit.client_ip); entries further left are the client's text.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0, minimum=0)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

# Content Security Policy (django-csp): nothing inline, nothing from elsewhere.
VIOLATION_REPORT_PATH = "/csp-report/"  # bigbuyers/urls.py: csp_report
VIOLATION_REPORT_GROUP = "csp-endpoint"
CONTENT_SECURITY_POLICY: dict[str, dict[str, Any]] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Violations are logged (bigbuyers/csp_reports.py); report-uri is sent by every browser at once.
        "report-uri": [VIOLATION_REPORT_PATH],
    }
}
# The Reporting API's report-to (with the Reporting-Endpoints header, bigbuyers.middleware), on request only:
# Chromium drops report-uri when a policy names report-to, and then (Chromium 156, measured) sent nothing.
if env_bool("VIOLATION_REPORTS_REPORTING_API", False):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-to"] = VIOLATION_REPORT_GROUP

# Rate limits ("count/seconds"), counted in the shared cache (each web process on its own while Redis
# does not answer: bigbuyers/ratelimit.py).
RATELIMIT_SIGNIN_PER_IP = env_rate("RATELIMIT_SIGNIN_PER_IP", "20/600")
RATELIMIT_SIGNIN_PER_EMAIL = env_rate("RATELIMIT_SIGNIN_PER_EMAIL", "5/600")
RATELIMIT_SUBMIT_PER_IP = env_rate("RATELIMIT_SUBMIT_PER_IP", "60/600")
RATELIMIT_ACCESS_REQUEST_PER_IP = env_rate("RATELIMIT_ACCESS_REQUEST_PER_IP", "10/3600")  # e-mails to colleagues
RATELIMIT_CSP_REPORT_PER_IP = env_rate("RATELIMIT_CSP_REPORT_PER_IP", "60/600")  # violation reports logged

# Staff sign-in with a password is locked after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# Only password sign-in (the admin) is counted: sign-in links have their own rate limits, and
# counting them would lock out every colleague behind a city's shared address.
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "bigbuyers.axes_handler.PasswordSignInHandler"  # a link's sign-in does not lift a lockout
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_CLIENT_IP_CALLABLE = "bigbuyers.ratelimit.client_ip"  # the address the rate limits count, not the proxy's

# Two-factor authentication of staff (django-otp, bigbuyers/two_factor): optional, unless this forces
# every staff member to enrol an authenticator app before using the admin. Wrong codes make the next
# try wait twice as long each time (django-otp's throttling, OTP_TOTP_THROTTLE_FACTOR seconds at first).
STAFF_REQUIRE_TWO_FACTOR = env_bool("STAFF_REQUIRE_TWO_FACTOR", False)
OTP_TOTP_ISSUER = "Big Buyers"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the device admin never shows a secret or its QR code

# The portal's own knobs.
PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2026-11")
LATE_ADMISSION_DAYS = env_int("LATE_ADMISSION_DAYS", 7, minimum=1)
# Communities: files members upload (documents, receipts) are checked by extension and by content.
COMMUNITY_UPLOAD_MAX_BYTES = env_int("COMMUNITY_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
COMMUNITY_UPLOAD_EXTENSIONS = env_list(
    "COMMUNITY_UPLOAD_EXTENSIONS",
    [".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt", ".png", ".jpg", ".jpeg"],
)
# Request bodies: form fields are read into memory up to DATA_UPLOAD_MAX_MEMORY_SIZE, an uploaded file is kept in
# memory up to FILE_UPLOAD_MAX_MEMORY_SIZE (a larger one goes to a temporary file), and a whole body may not be
# larger than the largest upload plus its form (413, bigbuyers.middleware): the proxy must cap it the same way.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, written out as the proxy's cap depends on it
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, COMMUNITY_UPLOAD_MAX_BYTES)
MAX_REQUEST_BODY_BYTES = COMMUNITY_UPLOAD_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE
# Office documents are zip archives: refused when they would unpack to more than this, hold more parts, or
# have a part compressed more than this many times (communities/uploads.py).
COMMUNITY_UPLOAD_MAX_UNPACKED_BYTES = env_int("COMMUNITY_UPLOAD_MAX_UNPACKED_MB", 100, minimum=1) * 1024 * 1024
COMMUNITY_UPLOAD_MAX_ARCHIVE_FILES = env_int("COMMUNITY_UPLOAD_MAX_ARCHIVE_FILES", 2000, minimum=10)
COMMUNITY_UPLOAD_MAX_COMPRESSION_RATIO = env_int("COMMUNITY_UPLOAD_MAX_COMPRESSION_RATIO", 100, minimum=10)
# Personal data of a campaign is erased this long after its deadline (anonymous statistics stay).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 730, minimum=30)

# Reminders (bigbuyers/reminders.py): the sources the periodic task asks what is due, and their timing.
REMINDER_SOURCES = [
    "surveys.reminders.deadline_reminders",
    "groups.reminders.interview_reminders",
    "groups.reminders.offer_reminders",
    "communities.reminders.event_reminders",
]
DEADLINE_REMINDER_DAYS = env_int_list("DEADLINE_REMINDER_DAYS", [7, 1], minimum=1)
INTERVIEW_REMINDER_HOURS = env_int("INTERVIEW_REMINDER_HOURS", 24, minimum=1)
EVENT_REMINDER_HOURS = env_int("EVENT_REMINDER_HOURS", 24, minimum=1)
# How long an e-mailed interview booking link keeps working.
INTERVIEW_LINK_MAX_AGE_DAYS = env_int("INTERVIEW_LINK_MAX_AGE_DAYS", 90, minimum=1)
# Group offers (groups/services/formation.py): how long a body has to answer, when an unanswered offer is
# reminded, how long the e-mailed offer link works, and how long an Observer Group confirmation link works.
OFFER_ANSWER_DAYS = env_int("OFFER_ANSWER_DAYS", 21, minimum=1)
OFFER_REMINDER_DAYS = env_int("OFFER_REMINDER_DAYS", 7, minimum=1)
OFFER_LINK_MAX_AGE_DAYS = env_int("OFFER_LINK_MAX_AGE_DAYS", 120, minimum=1)
OBSERVER_CONFIRM_DAYS = env_int("OBSERVER_CONFIRM_DAYS", 7, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
