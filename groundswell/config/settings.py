"""Groundswell settings: everything that differs between installations comes from the environment.

See README.md for the list of variables. Defaults give a zero-set-up development instance: SQLite
in ./var, e-mail printed to the console, Celery tasks run in-process, a local-memory cache.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from groundswell.core.env import (
    email_settings_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("GROUNDSWELL_DATA_DIR", "var")).resolve()

DEBUG = env_bool("DEBUG", False)
# An empty SECRET_KEY outside DEBUG is refused by the system check groundswell.E001.
SECRET_KEY = env_str("SECRET_KEY") or "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
GROUNDSWELL_BASE_URL = env_str("GROUNDSWELL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "axes",
    "csp",
    "anymail",
    # Only for its Swagger UI static files and template (the API docs page).
    "ninja",
    # In layer order, low to high (docs/architecture.md): apps' ready() runs in this order, and
    # so do domain event subscribers of one phase.
    "groundswell.core",
    "groundswell.accounts",
    "groundswell.campaigns",
    "groundswell.coalitions",
    "groundswell.signatures",
    "groundswell.transparency",
    "groundswell.delivery",
    "groundswell.letters",
    "groundswell.updates",
    "groundswell.events",
    "groundswell.api",
    "groundswell.directory",
    "groundswell.organizer",
    "groundswell.demo",
]

MIDDLEWARE = [
    "groundswell.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "groundswell.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, but a link's ?lang= outranks the cookie and Accept-Language (core.link_language).
    "groundswell.core.link_language.LinkLanguageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "groundswell.core.middleware.UndecodableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a login that authenticate() locked out into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "groundswell.config.urls"
WSGI_APPLICATION = "groundswell.config.wsgi.application"

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
            ],
            # `{{ count|number }}`: one localized number format on every page and e-mail.
            "builtins": ["groundswell.core.templatetags.numbers"],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'groundswell.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600, minimum=0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the demo's readers and its single writer proceed together; IMMEDIATE
        # transactions avoid "database is locked" on read-then-write upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A health check costs a round trip on every request; without it, the first request on a
    # connection broken by a database restart answers 503 (and the connection is replaced).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DATABASE_HEALTH_CHECKS", False)
    # Lets psycopg keep prepared statements on a connection (Django turns them off). Only the
    # signing and confirming statements ask for it (groundswell.core.databases); Django's own
    # queries bind on the client and are never prepared.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
# A read replica for exports and reports (optional): they read there, never on the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "organizer:dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from
# one client address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (each failure meanwhile
# starts the wait again). The organizer login and the Django admin's both go through it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "groundswell.accounts.throttling.login_client_address"
AXES_LOCKOUT_CALLABLE = "groundswell.accounts.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
# What axes keeps: one AccessAttempt row per username, client address and user agent that failed
# to log in (with the path, the Accept header and the form's field names, values masked), deleted
# once older than the lock-out (by axes at the next login, and hourly by
# groundswell.accounts.login_records). No row for a successful login, no failure history.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "csrfmiddlewaretoken", "next"]
# Its log lines name neither the username nor the address.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "groundswell.accounts.throttling.login_client_for_logs"
# Password-reset requests answered with an e-mail, per client address and per typed address,
# per hour; beyond them the same page answers and no e-mail leaves. 0 turns a limit off.
PASSWORD_RESET_CLIENT_LIMIT_PER_HOUR = env_int(
    "PASSWORD_RESET_CLIENT_LIMIT_PER_HOUR", 10, minimum=0
)
PASSWORD_RESET_ADDRESS_LIMIT_PER_HOUR = env_int(
    "PASSWORD_RESET_ADDRESS_LIMIT_PER_HOUR", 3, minimum=0
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# Our own number formats first (groundswell/core/formats/<language>/formats.py), then Django's.
FORMAT_MODULE_PATH = ["groundswell.core.formats"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Full tiles of the transparency logs: written once, never changed (see docs/transparency.md).
    # Local disk by default; S3-compatible object storage (django-storages, the `s3` extra) when
    # TRANSPARENCY_TILES_S3_BUCKET is set.
    "transparency_tiles": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("TRANSPARENCY_TILES_DIR", str(MEDIA_ROOT / "transparency-tiles"))
        },
    },
}
if env_str("TRANSPARENCY_TILES_S3_BUCKET"):
    STORAGES["transparency_tiles"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("TRANSPARENCY_TILES_S3_BUCKET"),
            "location": env_str("TRANSPARENCY_TILES_S3_PREFIX", "transparency-tiles"),
            "endpoint_url": env_str("TRANSPARENCY_TILES_S3_ENDPOINT_URL") or None,
            "region_name": env_str("TRANSPARENCY_TILES_S3_REGION") or None,
            "access_key": env_str("TRANSPARENCY_TILES_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("TRANSPARENCY_TILES_S3_SECRET_ACCESS_KEY") or None,
            # Tiles never change: a CDN in front may keep them forever.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            "file_overwrite": True,
            "querystring_auth": False,
        },
    }
WHITENOISE_USE_FINDERS = True

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "groundswell.core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "groundswell"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_URL = env_str("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = "Groundswell <no-reply@groundswell.invalid>"
vars().update(email_settings_from_url(EMAIL_URL))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Plain SMTP (EMAIL_URL) unless EMAIL_PROVIDER names a provider of django-anymail ("mailgun",
# "postmark", "sendgrid", "amazon_ses", ...): mail then goes through its API, and its tracking
# webhook, /anymail/<provider>/tracking/, records hard bounces and complaints (the only webhook
# URL there is, and only then). Its settings are the ANYMAIL_* variables without the prefix:
# ANYMAIL_WEBHOOK_SECRET ("user:password", the webhook's basic authentication),
# ANYMAIL_MAILGUN_API_KEY, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY, ANYMAIL_POSTMARK_SERVER_TOKEN...
EMAIL_PROVIDER = env_str("EMAIL_PROVIDER").strip().lower()
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
if EMAIL_PROVIDER:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", EMAIL_PROVIDER):
        raise ImproperlyConfigured(f"EMAIL_PROVIDER={EMAIL_PROVIDER!r} is not a provider name")
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"

# Celery: without a broker, tasks run in-process after the transaction commits. Either way the
# database rows are the source of truth and `sweep` tasks re-queue anything never done.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# The worker and the scheduler log through LOGGING like the web processes (JSON with
# LOG_FORMAT=json, link tokens filtered), not through Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
OUTBOX_CLAIM_TIMEOUT_SECONDS = env_int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 120, minimum=15)
# With a broker, e-mails are sent by a drain started this often, and published counts (page
# views read them) are refreshed from the tallies this often.
OUTBOX_DRAIN_SECONDS = env_int("OUTBOX_DRAIN_SECONDS", 2, minimum=1)
COUNTS_PUBLISH_SECONDS = env_int("COUNTS_PUBLISH_SECONDS", 2, minimum=1)
LOG_EXTEND_SECONDS = env_int("LOG_EXTEND_SECONDS", 2, minimum=1)
# How often `beat` closes campaigns past their closing time (signing refuses them at once).
CAMPAIGNS_CLOSE_SECONDS = env_int("CAMPAIGNS_CLOSE_SECONDS", 60, minimum=1)
# A new checkpoint of every log that grew, this often.
TRANSPARENCY_CHECKPOINT_SECONDS = env_int("TRANSPARENCY_CHECKPOINT_SECONDS", 300, minimum=10)
# Sent e-mails (their address, name and links) are deleted this many days after sending.
EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 30, minimum=1)
# How often `beat` runs the erasure sweeps: sent e-mails past retention, unconfirmed signatures
# and letter signatories past their confirmation window, failed logins past their lock-out and
# expired sessions.
PERSONAL_DATA_PURGE_SECONDS = 3600
# Updates to signers: at most UPDATE_SEND_RATE messages a second per update (0: no limit), in
# tasks of UPDATE_SEND_TASK_SECONDS each; a sender that stops renewing its lease for
# UPDATE_SEND_LEASE_SECONDS (its worker died) is replaced by the sweep, every
# UPDATES_SWEEP_SECONDS, which also starts scheduled updates.
UPDATE_SEND_RATE = env_int("UPDATE_SEND_RATE", 100, minimum=0)
UPDATE_SEND_LEASE_SECONDS = env_int("UPDATE_SEND_LEASE_SECONDS", 60, minimum=5)
UPDATE_SEND_TASK_SECONDS = 60
UPDATES_SWEEP_SECONDS = 30
CELERY_BEAT_SCHEDULE = {
    "drain-outbox": {
        "task": "groundswell.core.tasks.outbox_drain_task",
        "schedule": OUTBOX_DRAIN_SECONDS,
        "options": {"expires": OUTBOX_DRAIN_SECONDS * 5},
    },
    "publish-counts": {
        "task": "groundswell.signatures.tasks.counts_publish_task",
        "schedule": COUNTS_PUBLISH_SECONDS,
        "options": {"expires": COUNTS_PUBLISH_SECONDS * 5},
    },
    "extend-logs": {
        "task": "groundswell.transparency.tasks.transparency_logs_extend_task",
        "schedule": LOG_EXTEND_SECONDS,
        "options": {"expires": LOG_EXTEND_SECONDS * 5},
    },
    "close-due-campaigns": {
        "task": "groundswell.campaigns.tasks.campaigns_close_due_task",
        "schedule": CAMPAIGNS_CLOSE_SECONDS,
        "options": {"expires": CAMPAIGNS_CLOSE_SECONDS * 5},
    },
    "sweep-updates": {
        "task": "groundswell.updates.tasks.updates_sweep_task",
        "schedule": UPDATES_SWEEP_SECONDS,
        "options": {"expires": UPDATES_SWEEP_SECONDS * 2},
    },
    "sign-checkpoints": {
        "task": "groundswell.transparency.tasks.signed_checkpoints_create_task",
        "schedule": TRANSPARENCY_CHECKPOINT_SECONDS,
        "options": {"expires": TRANSPARENCY_CHECKPOINT_SECONDS},
    },
    "sweep-delivery": {"task": "groundswell.delivery.tasks.delivery_sweep", "schedule": 60.0},
    "sweep-letter-work-addresses": {
        "task": "groundswell.letters.tasks.work_address_emails_sweep",
        "schedule": 300.0,
    },
    "expire-sent-emails": {
        "task": "groundswell.core.tasks.outbound_emails_expire_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
    "sweep-webhooks": {
        "task": "groundswell.api.tasks.webhook_deliveries_sweep_task",
        "schedule": 30.0,
        "options": {"expires": 60},
    },
    "expire-webhook-deliveries": {
        "task": "groundswell.api.tasks.webhook_deliveries_expire_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
    "expire-idempotent-requests": {
        "task": "groundswell.api.tasks.idempotent_requests_expire_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
    "purge-unconfirmed-signatures": {
        "task": "groundswell.signatures.tasks.signatures_unconfirmed_purge_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
    "send-event-reminders": {
        "task": "groundswell.events.tasks.event_reminders_send_task",
        "schedule": 60.0,
        "options": {"expires": 120},
    },
    "purge-unconfirmed-rsvps": {
        "task": "groundswell.events.tasks.rsvps_unconfirmed_purge_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
    "purge-unconfirmed-signatories": {
        "task": "groundswell.letters.tasks.signatories_unconfirmed_purge_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
    "expire-login-records": {
        "task": "groundswell.accounts.tasks.login_records_expire_task",
        "schedule": PERSONAL_DATA_PURGE_SECONDS,
        "options": {"expires": PERSONAL_DATA_PURGE_SECONDS},
    },
}

# Anonymous GETs of petition pages and their JSON are served from the cache for this long; the
# public count is at most this stale. A copy past its time is still served while one request
# renders the page again (groundswell.core.page_cache: up to STALE_SECONDS, 30, more when that
# render is slow or fails), so what a page showed (a withdrawn signer's name or comment too)
# can be seen up to this plus 30 s after it changed; browsers and caches in front are told to
# keep a copy only for what is left of its time. 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 5, minimum=0)
# Share images (og:image) are drawn again at most this often while the count moves.
SHARE_IMAGE_SECONDS = env_int("SHARE_IMAGE_SECONDS", 300, minimum=0)
# The count history (/p/<slug>/history.json and the chart under the count) is kept this long.
COUNT_HISTORY_CACHE_SECONDS = env_int("COUNT_HISTORY_CACHE_SECONDS", 60, minimum=0)
# Signing and confirming read their campaign from a per-process copy this many seconds old at
# most: a campaign closed or edited is seen by every web process within that time.
SIGNING_CAMPAIGN_CACHE_SECONDS = env_int("SIGNING_CAMPAIGN_CACHE_SECONDS", 2, minimum=0)
# Signing (and confirming) statements one web process runs at once on PostgreSQL
# (groundswell.core.group_commit); signatures that arrive while that many run wait and share the
# next statement. 2 measured best with serve's 8 threads per process, against 1 and 4
# (docs/performance.md); 0: every signature alone.
SIGNING_STATEMENTS_AT_ONCE = env_int("SIGNING_STATEMENTS_AT_ONCE", 2, minimum=0)
# A valid signature answered without Django's request handler and middleware chain, by their
# own hooks (groundswell.signatures.direct); off: every signature takes the chain.
SIGNING_DIRECT_LANE = env_bool("SIGNING_DIRECT_LANE", True)
# How long an e-mailed confirmation link stays valid.
SIGNATURE_CONFIRMATION_MAX_AGE = env_int("SIGNATURE_CONFIRMATION_MAX_AGE", 14 * 24 * 3600)
# Signing POSTs allowed per client address per minute; 0 turns the limit off (benchmarks).
SIGNING_RATE_LIMIT_PER_MINUTE = env_int("SIGNING_RATE_LIMIT_PER_MINUTE", 30, minimum=0)
# A signing form sent sooner than this after it was rendered is a bot's, dropped silently
# (groundswell.core.bot_friction); 0 turns the time check off (the honeypot stays).
SIGNING_MIN_FILL_SECONDS = env_int("SIGNING_MIN_FILL_SECONDS", 3, minimum=0)
# Event reminders go this many hours before an event starts, to every confirmed RSVP: "the day
# before" and "shortly before" (groundswell.events.services.reminders); 0 turns one off.
EVENT_REMINDER_DAY_BEFORE_HOURS = env_int("EVENT_REMINDER_DAY_BEFORE_HOURS", 24, minimum=0)
EVENT_REMINDER_SHORTLY_BEFORE_HOURS = env_int("EVENT_REMINDER_SHORTLY_BEFORE_HOURS", 2, minimum=0)
# RSVP POSTs allowed per client address per minute; 0 turns the limit off (benchmarks).
RSVP_RATE_LIMIT_PER_MINUTE = env_int("RSVP_RATE_LIMIT_PER_MINUTE", 30, minimum=0)
# API requests allowed per key per minute (/api/v1/); 0 turns the limit off (benchmarks).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120, minimum=0)
# An API key's "last used" is written at most this often, so requests do not each write it.
API_KEY_TOUCH_SECONDS = env_int("API_KEY_TOUCH_SECONDS", 60, minimum=1)
# How long the answer to a request with an Idempotency-Key is kept for its retries.
IDEMPOTENCY_RETENTION_HOURS = env_int("IDEMPOTENCY_RETENTION_HOURS", 24, minimum=1)
# Webhook deliveries: attempts before a delivery is given up.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
# Failed attempts in a row (across deliveries) that disable an endpoint until re-enabled.
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20, minimum=1)
# Seconds before the first retry; each further retry waits twice as long (capped at a day).
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# The log of webhook deliveries (their payloads) is deleted this many days after each was made.
WEBHOOK_RETENTION_DAYS = env_int("WEBHOOK_RETENTION_DAYS", 30, minimum=1)
# Webhooks to private, loopback or link-local addresses are refused (server-side request
# forgery) unless this is set: for tests and development only.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# The reverse proxies in front (addresses or networks): only a request from one of them has its
# client read from X-Forwarded-For (groundswell.core.http.client_address). Parsed once, here.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# The Ed25519 key (PEM) that signs transparency-log checkpoints; unset: one is generated once into
# DATA_DIR/checkpoint-signing-key.pem (system check delivery.W001 asks production to back it up).
CHECKPOINT_SIGNING_KEY_FILE = env_str("CHECKPOINT_SIGNING_KEY_FILE")
# The C2SP transparency log (docs/transparency.md). Each campaign's log is named
# <TRANSPARENCY_ORIGIN_HOST>/p/<slug>; its checkpoints are signed notes by the key named
# TRANSPARENCY_KEY_NAME. The private key comes from TRANSPARENCY_SIGNING_KEY (a signer key string,
# PRIVATE+KEY+<name>+<id>+<base64>, e.g. from a secret manager) or TRANSPARENCY_SIGNING_KEY_FILE
# (that string, or an Ed25519 PEM); with neither, the checkpoint signing key above is used under
# TRANSPARENCY_KEY_NAME. Never the database.
TRANSPARENCY_ORIGIN_HOST = env_str(
    "TRANSPARENCY_ORIGIN_HOST", urlsplit(GROUNDSWELL_BASE_URL).netloc or "localhost"
)
TRANSPARENCY_KEY_NAME = env_str("TRANSPARENCY_KEY_NAME", TRANSPARENCY_ORIGIN_HOST)
TRANSPARENCY_SIGNING_KEY = env_str("TRANSPARENCY_SIGNING_KEY")
TRANSPARENCY_SIGNING_KEY_FILE = env_str("TRANSPARENCY_SIGNING_KEY_FILE")
# Keys that signed earlier checkpoints: "<verifier key> [retired <YYYY-MM-DD>]", comma-separated;
# published at /.well-known/groundswell/transparency-keys so old checkpoints stay verifiable.
TRANSPARENCY_PREVIOUS_VERIFIER_KEYS = env_list("TRANSPARENCY_PREVIOUS_VERIFIER_KEYS", [])
# Witnesses that cosign every checkpoint: "<add-checkpoint URL> <verifier key>", comma-separated.
TRANSPARENCY_WITNESSES = env_list("TRANSPARENCY_WITNESSES", [])
TRANSPARENCY_WITNESS_TIMEOUT_SECONDS = env_int(
    "TRANSPARENCY_WITNESS_TIMEOUT_SECONDS", 10, minimum=1
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", not DEBUG and GROUNDSWELL_BASE_URL.startswith("https")
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language switcher's choice (django.views.i18n.set_language), kept for a year rather than
# the browser session. Only LocaleMiddleware reads it; it never makes a page skip the page cache.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, images and requests from this origin only, nothing inline (no page has an
# inline script, style or handler; a test walks them all), no plugins, forms sent here only,
# framed by no site: the embedded signing form alone may be framed by any (groundswell.core.csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Off by default: turn them on once the whole site is served over HTTPS (HSTS cannot be undone
# quickly in browsers that saw it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
# With HSTS, the host's own subdomains (*.sign.example.org) are HTTPS only too, unless turned off.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
# Preloading is decided for a whole registrable domain (example.org) and every subdomain of it,
# for good, by whoever runs that domain; Groundswell is usually one host of it. So the token is
# sent only when asked for, and Django's advice to send it (security.W021) is not repeated.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# "plain" or "json" (one object per line): for every process, the access log included.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
# One line per request on standard output (groundswell.core.access_log); `groundswell serve
# --access-log` sets it for the server it starts.
ACCESS_LOG = env_bool("ACCESS_LOG", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "groundswell.core.log_format.JsonFormatter"},
    },
    "filters": {"redact_link_tokens": {"()": "groundswell.core.log_format.RedactLinkTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact_link_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request paths hold link tokens: only failed requests are logged, and the console
        # handler takes the tokens out of their paths.
        "django.request": {"level": "ERROR"},
        # Successful logins are not worth a line; failures and lock-outs are, without who or where.
        "axes": {"level": "WARNING"},
    },
}
