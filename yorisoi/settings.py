"""Yorisoi settings: one module, configured by environment variables.

Defaults are safe for the embedded mode (one machine, SQLite under var/, in-memory channel layer).
With YORISOI_PRODUCTION=true every secret must come from the environment or a key file, and the
process refuses to start otherwise.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable. Anything but the words below refuses to start: a typo such as
    `YORISOI_PRODUCTION=ture` must not quietly run a production server in demo mode."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(TRUE_WORDS)} (to turn it on) or "
        f"{', '.join(FALSE_WORDS)} (to turn it off); got {value!r}"
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YORISOI_VAR_DIR", BASE_DIR / "var"))

PRODUCTION = env_bool("YORISOI_PRODUCTION", False)
DEBUG = env_bool("YORISOI_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if PRODUCTION:
        if len(key) < 50 or key.startswith("django-insecure") or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "SECRET_KEY must be set to a random value of at least 50 characters "
                "when YORISOI_PRODUCTION is true."
            )
        return key
    if key:
        return key
    # Embedded mode: a per-installation random key kept under var/, never a shared constant.
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        generated = secrets.token_urlsafe(64)
        path.write_text(generated)
        path.chmod(0o600)
        return generated


SECRET_KEY = _secret_key()

# Encryption at rest: a key from the environment, or a key file (one base64 key per line; the
# first line encrypts, every line decrypts, so rotation can re-encrypt without losing data).
YORISOI_ENCRYPTION_KEY = os.environ.get("YORISOI_ENCRYPTION_KEY", "")
YORISOI_ENCRYPTION_KEY_FILE = Path(
    os.environ.get("YORISOI_ENCRYPTION_KEY_FILE", VAR_DIR / "encryption.key")
)
if PRODUCTION and not YORISOI_ENCRYPTION_KEY and not YORISOI_ENCRYPTION_KEY_FILE.exists():
    raise ImproperlyConfigured(
        "YORISOI_ENCRYPTION_KEY or an existing YORISOI_ENCRYPTION_KEY_FILE is required when "
        "YORISOI_PRODUCTION is true. Create one with: yorisoi initkey --file PATH"
    )

YORISOI_REQUIRE_2FA = env_bool("YORISOI_REQUIRE_2FA", PRODUCTION)
YORISOI_IDLE_TIMEOUT_MINUTES = env_int("YORISOI_IDLE_TIMEOUT_MINUTES", 30)
YORISOI_SESSION_MAX_HOURS = env_int("YORISOI_SESSION_MAX_HOURS", 12)
# Password changes and 2FA changes need the password entered within this many minutes.
YORISOI_REAUTH_MINUTES = env_int("YORISOI_REAUTH_MINUTES", 5)
# How long an admin's break-glass access to one case lasts.
YORISOI_BREAK_GLASS_MINUTES = env_int("YORISOI_BREAK_GLASS_MINUTES", 60)
YORISOI_DEMO = env_bool("YORISOI_DEMO", not PRODUCTION)
# Published statistics mask counts from 1 to this many (small-cell protection).
YORISOI_SMALL_CELL_THRESHOLD = env_int("YORISOI_SMALL_CELL_THRESHOLD", 4)

_hosts = os.environ.get("ALLOWED_HOSTS", "")
if _hosts:
    ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
elif PRODUCTION:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names when in production.")
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "yorisoi.core",
    "yorisoi.audit",
    "yorisoi.accounts",
    "yorisoi.people",
    "yorisoi.cases",
    "yorisoi.agencies",
    "yorisoi.assessments",
    "yorisoi.reports",
]
# Last, so that core's django/forms/field.html (label, 「必須」, help and errors tied to the input)
# overrides Django's own form templates.
INSTALLED_APPS += ["django.forms"]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # High up, so the policy reaches every response: static files, the calm 503 page, redirects.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yorisoi.core.middleware.RequestIdMiddleware",
    "yorisoi.core.middleware.DatabaseUnavailableMiddleware",
    "yorisoi.core.middleware.EncryptionKeyErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sign-in by default: a view strangers may open says so with @login_not_required (and has a
    # public row in the access matrix); every other view sends them to the login page.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "yorisoi.core.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Messages before the session checks, so "signed out after N minutes" reaches the login page.
    "django.contrib.messages.middleware.MessageMiddleware",
    "yorisoi.accounts.middleware.SessionLifetimeMiddleware",
    "yorisoi.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yorisoi.urls"
WSGI_APPLICATION = "yorisoi.wsgi.application"
ASGI_APPLICATION = "yorisoi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yorisoi.core.context_processors.yorisoi",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yorisoi.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one request writes; the busy timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: five failures for one username from one address lock it for the cool-off time.
AXES_FAILURE_LIMIT = env_int("YORISOI_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("YORISOI_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "yorisoi.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = YORISOI_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "yorisoi" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at every start when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background work (django-tasks, the backport of Django 6's tasks framework): an enqueued task is
# a row in the database, written in the same transaction as the change that asked for it. In
# production `yorisoi db_worker` runs them; `yorisoi demo` runs a worker thread in its own
# process; the tests run them at once (ImmediateBackend, yorisoi/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The address emails link to. Default: the first ALLOWED_HOSTS name over HTTPS in production,
# the demo's own address otherwise.
YORISOI_SITE_URL = os.environ.get("YORISOI_SITE_URL", "").rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
    if PRODUCTION
    else f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"
)

# Email: SMTP in production (or whenever EMAIL_HOST is set); otherwise each message is written
# to a file under var/mail/, where the demo's mails can be read.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if PRODUCTION or EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS (STARTTLS, usually port 587) and EMAIL_USE_SSL (TLS from the start, "
            "usually port 465) exclude each other: set one of them."
        )
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "yorisoi.core.mail.ReadableFileBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "") or (
    f"Yorisoi <noreply@{ALLOWED_HOSTS[0].lstrip('.')}>"
    if PRODUCTION
    else "Yorisoi <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. Production additionally forces HTTPS and secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp). Scripts and styles come from our own
# static files; no 'unsafe-inline' and no eval (htmx is configured for that in base.html). A
# template that truly needs an inline <script> or <style> gives it nonce="{{ request.csp_nonce }}";
# the nonce appears in the header only on responses that used it. Images: our own, data: URLs
# (the empty favicon) and inline SVG (charts, the 2FA QR code), which CSP does not restrict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("YORISOI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("YORISOI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("YORISOI_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

OTP_TOTP_ISSUER = "Yorisoi"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
