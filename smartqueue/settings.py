"""One settings file, driven by environment variables (see README, "Configuration")."""

from importlib.util import find_spec
from pathlib import Path

from django.conf.locale import LANG_INFO

from smartqueue import embedded
from smartqueue.env import database_from_url, env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# The embedded servers' folder (smartqueue/embedded.py), used when no URL is given.
DATA_DIR = embedded.data_dir_from_environment(BASE_DIR)

DEBUG = env_bool("DEBUG", True)
# The default key is for local use only: production sets SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SHARED_APPS = [
    "smartqueue.tenants",  # before django_tenants: our create_tenant command wins
    "django_tenants",
    "daphne",
    "smartqueue.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "channels",
    "django_htmx",
    "corsheaders",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "huey.contrib.djhuey",
    "smartqueue.api",
    "smartqueue.live",
    "smartqueue.dashboard",
    "smartqueue.jobs",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "smartqueue.queues",
    "smartqueue.devices",
    "smartqueue.feedback",
    "smartqueue.notifications",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
# Benchmarks, load test, simulated day (tools/ beside the package, not shipped in it): where
# they run, never in production.
if env_bool("SMARTQUEUE_TOOLS", DEBUG) and find_spec("tools") is not None:
    INSTALLED_APPS.append("tools")

TENANT_MODEL = "tenants.Tenant"
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # The security headers first: answers made further in (the tenant middleware's own 404 or
    # 400, a refused NUL) carry them too.
    "django.middleware.security.SecurityMiddleware",
    "smartqueue.security.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "smartqueue.security.RefuseNulMiddleware",
    "smartqueue.tenants.middleware.TenantFromPathMiddleware",
    # After the tenant (its allowed origins), before anything that answers: see api/cors.py.
    "corsheaders.middleware.CorsMiddleware",
    "smartqueue.api.limits.TokenRateLimitMiddleware",  # inside CORS: a 429 can be read too
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartqueue.languages.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "smartqueue.urls"
ASGI_APPLICATION = "smartqueue.asgi.application"

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
            ],
        },
    }
]

# --- Database: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR/pg (started by the entry
# points, not here).
DATABASE_URL = env_str("DATABASE_URL") or embedded.postgres(DATA_DIR).url
DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "CONN_MAX_AGE": int(env_str("DB_CONN_MAX_AGE", "0")),
        **database_from_url(DATABASE_URL),
    }
}
# The server binds the parameters and psycopg prepares a statement that a connection has run 5
# times (call next's, on every click): PostgreSQL plans it once, not on every call
# (benchmark_engine: call next alone 5.8 → 4.2 ms). Prepared statements want a session-mode
# pooler (docs/deployment.md). Django disables them unless prepare_threshold is given.
DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, always: REDIS_URL, or the embedded Redis under DATA_DIR/redis. One path for every
# machine: channel layer, Huey with its consumer, cache.
REDIS_URL = env_str("REDIS_URL") or embedded.redis(DATA_DIR).url
# Every cache key starts with the current schema: tenants never share a counter.
TENANT_CACHE_KEY = "django_tenants.cache.make_key"

# --- API: CORS per organisation (smartqueue.api.cors decides each request's origin).
# Requests per token and window ("N/second|minute|hour|day"): smartqueue.api.limits.
API_RATE_LIMIT = env_str("SMARTQUEUE_API_RATE_LIMIT", "600/minute")
CORS_URLS_REGEX = r"^/api/v1/tenants/[^/]+/.+$"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ("accept", "authorization", "content-type", "x-tenant", "idempotency-key")
CORS_EXPOSE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
)
# The pub/sub layer survives a Redis restart; pages re-sync over HTTP for what was lost.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}
HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": "smartqueue",
    "url": REDIS_URL,
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "results": False,  # nothing reads them: the database holds what tasks did
}
CACHES = {
    "default": {
        "BACKEND": "smartqueue.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        # Fail fast when Redis is away rather than hold the request.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "KEY_FUNCTION": TENANT_CACHE_KEY,
    }
}

# --- Accounts: email login through allauth; organisations are created, never signed up to.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "smartqueue.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# The per-address limits (sign-in, public booking) need the client's address: behind the
# reverse proxy, the number of proxies that append to X-Forwarded-For (docs/deployment.md).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SmartQueue <no-reply@smartqueue.local>")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# --- Notifications: "console" prints messages (development); "twilio" sends them through
# Twilio's REST API with the deployment's credentials. Links in messages start with PUBLIC_URL.
PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
SMS_BACKEND = env_str("SMS_BACKEND", "console")
WHATSAPP_BACKEND = env_str("WHATSAPP_BACKEND", "console")
TWILIO_API_URL = env_str("TWILIO_API_URL", "https://api.twilio.com").rstrip("/")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_SMS_FROM = env_str("TWILIO_SMS_FROM")
TWILIO_WHATSAPP_FROM = env_str("TWILIO_WHATSAPP_FROM")
# Travel times for "leave now": a routing service speaking the OSRM HTTP API (self-hosted), or,
# unset or failing, our own model (smartqueue/travel/model.py).
ROUTING_URL = env_str("ROUTING_URL").rstrip("/")
ROUTING_TIMEOUT = float(env_str("ROUTING_TIMEOUT", "2"))
# How long a worker holds a notification while sending it (smartqueue/notifications/outbox.py).
NOTIFICATION_LEASE_SECONDS = int(env_str("NOTIFICATION_LEASE_SECONDS", "120"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Production sits behind HTTPS (a reverse proxy that sets X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Joining the browsers' preload list binds the whole domain for months: the owner's decision.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]  # load balancers probe over plain HTTP
X_FRAME_OPTIONS = "DENY"

# Django ships no Wolof: declare it so language menus and {% get_language_info %} know it.
LANG_INFO["wo"] = {"bidi": False, "code": "wo", "name": "Wolof", "name_local": "Wolof"}
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("wo", "Wolof")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Pages are served by daphne: let whitenoise find files without collectstatic in development.
WHITENOISE_USE_FINDERS = DEBUG

# Webhooks and web notifications go to public addresses only (notifications/addresses.py); the
# tests turn this on for their receivers on the loopback. Never in production.
ALLOW_PRIVATE_ADDRESSES = False
# Web notifications (Web Push): the deployment's VAPID key pair (base64url, raw P-256 private
# key and uncompressed public key) and a contact for the push services.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:no-reply@smartqueue.local")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The API refuses larger bodies with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Huey logs every task at INFO: one line per engine event is noise; failures still show.
    # The huey logger gets its handler here, so run_huey does not add its own at INFO.
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "huey": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}
