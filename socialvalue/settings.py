"""Settings for socialvalue, driven by environment variables (see .env.example).

Defaults are the safe ones: DEBUG is off, cookies are secure and HTTPS is assumed unless
DJANGO_DEBUG is on. `make run` turns DEBUG on for a first run on a laptop.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from socialvalue.branding import checked_brand_colour

BASE_DIR = Path(__file__).resolve().parent.parent

# pytest sets PYTEST_VERSION for the duration of a test session.
TESTING = "PYTEST_VERSION" in os.environ


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdefghij"
    else:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development)."
        )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The Django admin behind the service's own sign-in (people/admin_site.py).
    "people.admin_site.SocialValueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    # Two-factor sign-in (people.two_factor): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background work on Django's tasks framework: the database queue (the embedded default),
    # and the in-app scheduler of periodic tasks (see TASKS below).
    "django_tasks_db",
    "crontask",
    "socialvalue",
    "places",
    "people",
    "objectives",
    "consultations",
    "contracts",
    "needs",
    "dashboards",
    "notifications",
    "publishing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: private, no-store on everything but a few public pages (caching.py).
    "socialvalue.caching.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session in which a two-factor code was entered (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "socialvalue.urls"

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
                "django.template.context_processors.csp",
                "socialvalue.context_processors.service",
                "notifications.context_processors.unread",
            ],
        },
    },
]

WSGI_APPLICATION = "socialvalue.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL means "not set": the embedded SQLite database.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions avoid "database is locked" when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Two planner settings, unless DATABASE_URL sets options itself:
    # - PostgreSQL's JIT compiler is for long analytical queries. On the dashboard's
    #   aggregates its planner misjudges the cost and compiling took longer than running: at
    #   county scale the filtered dashboard took 8 s with it and 1.9 s without.
    # - random_page_cost 1.1, not 4 (the default, priced for spinning disks): on SSD storage,
    #   or with the data in memory, an index probe costs about what a sequential read does.
    #   At 4, for a ward's 2,500 commitments the planner read all 350,000 delivery totals of a
    #   county to hash them (95 ms) instead of probing their index 2,500 times (22 ms).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "people:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day
CACHES = {
    # Per process: the public register's fragments and filter choices (objectives.
    # register_cache), cheap to recompute and keyed by the data token, so never stale.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Shared by every server process, and kept across restarts: the dashboard's figures
    # (dashboards.cache), which take seconds to compute at county scale. One process computes
    # them after a change and every other serves the result. The table is made by a migration
    # (socialvalue 0002). A deployment may point this at another shared backend.
    "figures": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "socialvalue_figures_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# How long computed dashboard figures may be kept (dashboards.cache); they are recomputed after
# any change to the data anyway. 0 turns the cache off; the test suite turns it on only where
# it tests it.
SOCIALVALUE_FIGURES_CACHE_SECONDS = int(
    os.environ.get("SOCIALVALUE_FIGURES_CACHE_SECONDS", "0" if TESTING else "3600")
)
# After a change, figures calculated less than this many seconds ago are still shown (marked
# with their time) while fresh ones are computed in the background. 0: always wait for them.
SOCIALVALUE_FIGURES_STALE_SECONDS = int(os.environ.get("SOCIALVALUE_FIGURES_STALE_SECONDS", "300"))
# Sign-in throttling: this many failures for one email address, or from one IP address,
# within the window locks further attempts until the window has passed.
LOGIN_FAILURE_LIMIT = int(os.environ.get("SOCIALVALUE_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("SOCIALVALUE_LOGIN_FAILURE_WINDOW", "900"))
INVITATION_VALID_DAYS = 14

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("SOCIALVALUE_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads: nothing larger than this is held in memory or accepted in a request body.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_FAIL_SILENTLY = not DEBUG

# Email: SMTP when EMAIL_HOST is set (Django 6.1's MAILERS setting); otherwise files in
# var/emails/ (one per email, for make run) or the console with SOCIALVALUE_EMAIL_CONSOLE=true.
# Nothing is sent inside a web request: every email goes through the outbox (notifications).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
elif env_bool("SOCIALVALUE_EMAIL_CONSOLE", False):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(BASE_DIR / "var" / "emails")},
        }
    }
del EMAIL_HOST
# An email is tried this many times (waiting 1, 2, 4, 8... minutes between) before it is
# marked failed in the admin.
NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", "6"))

# Background tasks (django.tasks). "database" (the default): the queue is a table in the
# service's own database, worked by `manage.py db_worker`. "redis": RQ on SOCIALVALUE_REDIS_URL,
# worked by `manage.py rqworker --with-scheduler`. Either way `manage.py crontask` runs the
# periodic tasks (one scheduler per deployment).
SOCIALVALUE_TASKS = os.environ.get("SOCIALVALUE_TASKS", "database")
SOCIALVALUE_REDIS_URL = os.environ.get("SOCIALVALUE_REDIS_URL", "redis://127.0.0.1:6379/0")
if TESTING and SOCIALVALUE_TASKS == "database" and not env_bool("SOCIALVALUE_TASKS_REAL", False):
    # Under test, tasks run when enqueued (after the commit, so never inside the request: a
    # test helper fails any test that sends an email within one). The `tasks` tests use the
    # real queues (tests/tasks/).
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    CRONTASK = {}
elif SOCIALVALUE_TASKS == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CRONTASK = {}
elif SOCIALVALUE_TASKS == "redis":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": SOCIALVALUE_REDIS_URL, "DEFAULT_TIMEOUT": 900}}
    # Only one scheduler may run: the lock lives in Redis.
    CRONTASK = {"REDIS_URL": SOCIALVALUE_REDIS_URL}
else:
    raise ImproperlyConfigured('SOCIALVALUE_TASKS must be "database" or "redis"')
# Where the whole-place open-data files are written (served at
# /transparency/<place>/open-data/<file>; a reverse proxy may serve the directory itself).
SOCIALVALUE_OPEN_DATA_ROOT = Path(
    os.environ.get("SOCIALVALUE_OPEN_DATA_ROOT", BASE_DIR / "var" / "open-data")
)
# Open-data files are rebuilt at most this often after a change (and every night).
SOCIALVALUE_OPEN_DATA_EVERY_MINUTES = int(
    os.environ.get("SOCIALVALUE_OPEN_DATA_EVERY_MINUTES", "15")
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Social value <no-reply@localhost>")

# Branding: a council's own name and colour, never the GOV.UK crown, logotype or font.
SOCIALVALUE_SERVICE_NAME = os.environ.get("SOCIALVALUE_SERVICE_NAME", "Social value")
# The organisation that runs the service, shown in the header. A real deployment must name itself.
SOCIALVALUE_OPERATOR_NAME = os.environ.get("SOCIALVALUE_OPERATOR_NAME", "") or (
    "Wrenford Borough Council (demo)" if DEBUG or TESTING else ""
)
if not SOCIALVALUE_OPERATOR_NAME:
    raise ImproperlyConfigured("Set SOCIALVALUE_OPERATOR_NAME to the council's name.")
# Two-factor sign-in: how the service is named in a person's authenticator app, and the
# admin pages of django-otp's devices never show a secret.
OTP_TOTP_ISSUER = f"{SOCIALVALUE_SERVICE_NAME} ({SOCIALVALUE_OPERATOR_NAME})"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
try:
    SOCIALVALUE_BRAND_COLOUR = checked_brand_colour(os.environ.get("SOCIALVALUE_BRAND_COLOUR"))
except ValueError as error:
    raise ImproperlyConfigured(f"SOCIALVALUE_BRAND_COLOUR: {error}") from None
SOCIALVALUE_CONTACT_EMAIL = os.environ.get("SOCIALVALUE_CONTACT_EMAIL", "socialvalue@example.org")
# The service's public address, for every link in an email (never the address of a request).
SOCIALVALUE_SITE_URL = os.environ.get("SOCIALVALUE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The OCDS prefix for the ids (ocids) of contracts that have none of their own; imported
# contracts keep their publisher's. A council registers its prefix ("ocds-" and six letters or
# digits) with the Open Contracting Partnership. The demo's is fictional (never registered).
# Unset in production, no OCDS package is published: the transparency page says why.
SOCIALVALUE_OCID_PREFIX = os.environ.get("SOCIALVALUE_OCID_PREFIX", "") or (
    "ocds-svdemo" if DEBUG or TESTING else ""
)
if SOCIALVALUE_OCID_PREFIX and not re.fullmatch(r"ocds-[a-z0-9]{6}", SOCIALVALUE_OCID_PREFIX):
    raise ImproperlyConfigured(
        "SOCIALVALUE_OCID_PREFIX must be the prefix the Open Contracting Partnership gave you: "
        '"ocds-" and six lower-case letters or digits, like ocds-a1b2c3'
    )

# HTTPS and cookies: on unless developing locally or under test.
HTTPS = env_bool("DJANGO_HTTPS", not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading is a promise that the domain (and its subdomains) will only ever use HTTPS.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Expected 4xx responses are not worth a warning line per request in tests.
        "django.request": {"level": "ERROR" if TESTING else "WARNING"},
    },
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "socialvalue.rules.RulesBackend",
]

if TESTING:
    # Hashing with a million PBKDF2 rounds per login is the point in production and a waste of
    # minutes in a test suite that signs in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
