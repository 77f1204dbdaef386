"""The one settings module. Every setting comes from the environment.

Embedded mode (the default) runs on SQLite with files under ``var/``.
Production mode (``YAGONA_MODE=production``) refuses to start on an insecure
configuration: a missing or weak ``SECRET_KEY``, ``DEBUG`` on, no ``ALLOWED_HOSTS`` or
``ALLOWED_HOSTS='*'``. Any other mode name is refused, so that a typo never falls back
to the embedded defaults.
"""

import os
from operator import attrgetter
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from yagona.core.languages import interface_settings
from yagona.core.sms import setting_problems as sms_setting_problems

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("YAGONA_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("YAGONA_VAR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


MODE = os.environ.get("YAGONA_MODE", "").strip() or "embedded"
if MODE not in ("embedded", "production"):
    raise ImproperlyConfigured(f"YAGONA_MODE must be 'embedded' or 'production', not {MODE!r}.")
PRODUCTION = MODE == "production"
DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("YAGONA_TESTING")
# People and companies `make demo` puts in the base registries (tests need only a few).
DEMO_REGISTRY_SIZE = (60, 10) if TESTING else (10_000, 1_000)


def weak_secret(key: str) -> str:
    """Why a production SECRET_KEY is too weak to sign sessions and tokens, or ''."""
    import math
    from collections import Counter

    if len(key) < 50:  # Django's own minimum (security.W009)
        return "shorter than 50 characters"
    if key.startswith("django-insecure-") or "changeme" in key.lower() \
            or key.lower().startswith(("secret", "bench-only-", "yagona")):
        return "a known placeholder"
    counts = Counter(key)
    bits_per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    # Random keys score about 4 (hex) to 6 (token_urlsafe) bits a character.
    if len(counts) < 12 or bits_per_char < 3.3:
        return "too few distinct characters (low entropy)"
    return ""


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("Production mode needs SECRET_KEY.")
    if weakness := weak_secret(SECRET_KEY):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for production mode: {weakness}. Make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.")
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses DEBUG.")
    if not env_list("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS.")
    if "*" in env_list("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("Production mode refuses ALLOWED_HOSTS='*': name the hosts.")
elif not SECRET_KEY:
    # Embedded mode: a per-installation key kept under var/, never in the repo.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

# The audit chain is keyed (HMAC) so that whoever can write the database
# cannot silently recompute the chain without this key as well.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "") or SECRET_KEY
# Keyed checkpoints of all chain heads are taken this often (a huey periodic task);
# `audit verify` reports a newest checkpoint older than twice this. 0 turns both off.
AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("AUDIT_CHECKPOINT_MINUTES", "60"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

COUNTRY = os.environ.get("YAGONA_COUNTRY", "tj")

# The data exchange's central authority: its certificate authority, configuration
# signing and timestamping keys live in this folder (private keys 0600), never in the
# database. Embedded mode makes them on first use; production only by
# `yagona exchange init-authority`. The instance is the first part of every member's
# identifier; the configuration nodes download is valid this many seconds.
EXCHANGE_DIR = Path(os.environ.get("EXCHANGE_DIR", VAR_DIR / "exchange"))
EXCHANGE_INSTANCE = os.environ.get("EXCHANGE_INSTANCE", "")  # else the pack's code, TJ
EXCHANGE_CONF_VALIDITY = int(os.environ.get("EXCHANGE_CONF_VALIDITY", "600"))
# Documents between agencies (correspondence): the largest capsule taken (within what the
# nodes carry, 10 MiB by default), how long the same container from the same sender is
# refused as a duplicate, and how long a sender keeps trying an addressee that is down.
CORRESPONDENCE_CAPSULE_BYTES = int(os.environ.get("CORRESPONDENCE_CAPSULE_BYTES",
                                                  str(10 * 1024 * 1024)))
CORRESPONDENCE_DUPLICATE_DAYS = int(os.environ.get("CORRESPONDENCE_DUPLICATE_DAYS", "30"))
CORRESPONDENCE_DELIVERY_HOURS = int(os.environ.get("CORRESPONDENCE_DELIVERY_HOURS", "72"))
# The signing hierarchy (signing.pki): the issuing authorities' keys and, with the file
# key store, the seals' and persons' signing keys (0600 files) live here. An HSM takes the
# signing keys instead with SIGNING_KEYSTORE=pkcs11 (docs/signatures.md).
SIGNING_DIR = Path(os.environ.get("SIGNING_DIR", VAR_DIR / "signing"))
SIGNING_KEYSTORE = os.environ.get("SIGNING_KEYSTORE", "file")  # file | pkcs11
PKCS11_MODULE = os.environ.get("PKCS11_MODULE", "")
PKCS11_TOKEN = os.environ.get("PKCS11_TOKEN", "")
PKCS11_PIN = os.environ.get("PKCS11_PIN", "")
# Where people reach the platform: QR codes on documents and the certificates' CRL and
# OCSP addresses name it, so it must be the public address in production.
PUBLIC_URL = os.environ.get("YAGONA_PUBLIC_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not PUBLIC_URL.startswith("https://"):
    raise ImproperlyConfigured("Production mode needs YAGONA_PUBLIC_URL (https://...).")
PUBLIC_URL = PUBLIC_URL.rstrip("/")
COUNTRIES_DIR = Path(os.environ.get("YAGONA_COUNTRIES_DIR", PROJECT_DIR / "countries"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    # Serves the API docs' Swagger UI from our static files, not a CDN (CSP: 'self' only).
    "ninja",
    "yagona.core",
    "yagona.agencies",
    "yagona.accounts",
    "yagona.catalogue",
    "yagona.applications",
    "yagona.registries",
    "yagona.signing",
    "yagona.exchange",
    "yagona.correspondence",
    "yagona.appeals",
    "yagona.opendata",
    "yagona.notifications",
    "yagona.portal",
    "yagona.backoffice",
    "yagona.api",
    "yagona.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yagona.core.input_guard.InputGuardMiddleware",
    "yagona.core.middleware.AnonymousPageCache",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yagona.core.middleware.PackLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "yagona.urls"
WSGI_APPLICATION = "yagona.wsgi.application"

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
                "yagona.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        # One embedded database per country, so that `YAGONA_COUNTRY=az make demo`
        # after a tj demo starts clean instead of mixing the two.
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / f'yagona-{COUNTRY}.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "yagona", "url": REDIS_URL}
    # Pages in their own alias too (see below); Redis itself must not evict keys under
    # memory pressure (no maxmemory, or maxmemory-policy noeviction), or it would drop
    # lockouts as well.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": REDIS_URL},
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                  "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"},
    }
    # Sessions read from Redis, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "yagona",
        "filename": str(VAR_DIR / "huey.sqlite3"),
    }
    # Without Redis the cache lives in the database, so that every worker process sees
    # the same sign-in lockouts (allauth's rate limits) and catalogue version. `migrate`
    # creates its table (accounts' post_migrate). Tests keep a per-process cache: their
    # database rolls back after each test and many tests may not touch it. Only rate
    # limits and small shared readings live there, never anonymous pages (their own
    # alias below): a full database cache culls the lowest keys, and `allauth:rl:…`
    # would go first. Expired rows are culled before live ones, so MAX_ENTRIES only has
    # to exceed the live rate-limit counters (minutes to an hour each).
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache" if TESTING
        else "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "yagona_cache", "OPTIONS": {"MAX_ENTRIES": 200_000}}}
    # Anonymous pages (core.middleware.AnonymousPageCache): each process keeps its own;
    # their keys carry the shared catalogue version, so a pack load still reaches all.
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                       "LOCATION": "yagona-pages", "OPTIONS": {"MAX_ENTRIES": 1000}}
# Tests and `YAGONA_JOBS_IMMEDIATE=1` run jobs in-process, right after commit.
HUEY["immediate"] = TESTING or env_bool("YAGONA_JOBS_IMMEDIATE")
if HUEY["immediate"]:
    HUEY.pop("filename", None)
    HUEY.pop("url", None)
    HUEY["huey_class"] = "huey.MemoryHuey"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sign-in: person ID (the username) and password, through django-allauth.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "phone", "password1*", "password2*"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# SMS (core/sms.py): "http" posts to a gateway (production), "log" writes messages to the
# log (embedded mode), tests keep them in memory. Checked here, not at the first message.
SMS_BACKEND = "memory" if TESTING else os.environ.get("SMS_BACKEND", "log")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
try:
    SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
except ValueError as exc:
    raise ImproperlyConfigured("SMS_GATEWAY_TIMEOUT must be a number of seconds.") from exc
if _sms_problems := sms_setting_problems(SMS_BACKEND, SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN,
                                         PRODUCTION):
    raise ImproperlyConfigured(" ".join(_sms_problems))
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_SIGNUP_FORM_CLASS = "yagona.accounts.forms.CitizenSignupForm"
ACCOUNT_FORMS = {"login": "yagona.accounts.allauth_forms.PersonIdLoginForm",
                 "signup": "yagona.accounts.allauth_forms.PersonIdSignupForm"}
ACCOUNT_ADAPTER = "yagona.accounts.adapters.AccountAdapter"
# Messages name the person ("Signed in as Rahimova Dilnoza"), not their personal number.
ACCOUNT_USER_DISPLAY = attrgetter("display_name")
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    # Password recovery codes by SMS (accounts.recovery_views): per phone number and address.
    "recover_by_phone": "3/15m/key,10/h/ip",
}
if TESTING:
    ACCOUNT_RATE_LIMITS = {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "yagona.accounts.adapters.MfaAdapter"
MFA_FORMS = {"authenticate": "yagona.accounts.allauth_forms.CodeForm"}
MFA_TOTP_ISSUER = "Yagona"
# Accept the code of the neighbouring 30-second step too: phones' clocks drift and a
# code typed at the end of its step arrives in the next (RFC 6238 §5.2 allows this).
MFA_TOTP_TOLERANCE = 1
# API tokens live this many days at most (`issue-token --days` and the account page may
# ask for fewer); an office-scoped token is issued only to an official with a second factor.
API_TOKEN_DAYS = int(os.environ.get("YAGONA_API_TOKEN_DAYS", "90"))
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:account"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
# Behind a TLS-terminating proxy cookies are Secure; SECURE_COOKIES=0 only for local benchmarks.
SESSION_COOKIE_SECURE = PRODUCTION and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) in every mode, so that an inline script or style
# shows up in development and browser tests before production. Images may be data: URIs
# (the TOTP QR code); nothing else comes from elsewhere or runs inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
# Interface languages and catalogues come from the installed pack (its `languages`, its
# `language_info` for a language Django does not know, its own locale/ folder); English
# is the fallback. See core/languages.py.
LANGUAGES, LANGUAGES_BIDI, LOCALE_PATHS = interface_settings(COUNTRIES_DIR / COUNTRY)
LANGUAGE_COOKIE_NAME = "yagona_language"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("YAGONA_MEDIA", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Request bodies beyond these are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
YAGONA_MAX_UPLOAD_BYTES = int(os.environ.get("YAGONA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Uploads are counted as they stream in and refused (413) past YAGONA_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = ["yagona.applications.files.LimitedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
# Documents uploaded ahead of an application (GovStack) and never claimed are deleted.
YAGONA_UNCLAIMED_DOCUMENT_HOURS = int(os.environ.get("YAGONA_UNCLAIMED_DOCUMENT_HOURS", "24"))

EMAIL_HOST = os.environ.get("SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("SMTP_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SMTP_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("SMTP_FROM", "noreply@yagona.local")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

PLATFORM_NAME = _("Yagona")
