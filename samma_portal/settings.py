"""Settings for Samma Portal, read from the environment (see .env.example)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The one placeholder key the repository ever names; refused when debug is off.
INSECURE_DEV_SECRET_KEY = "django-insecure-samma-portal-development-only"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the portal needs a "
            "long random secret key: set DJANGO_SECRET_KEY in the environment "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = INSECURE_DEV_SECRET_KEY

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_ckeditor_5",
    "csp",
    "axes",
    "accounts",
    "provinces",
    "articles",
]

MIDDLEWARE = [
    # First, so that every log line and error page of the request carries its id.
    "samma_portal.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "samma_portal.csp.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the request: NUL in it is a 400, never a PostgreSQL error.
    "samma_portal.null_bytes.RejectNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, except that Accept-Language does not override Thai.
    "provinces.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside every middleware that sets headers, so cached pages get them too (articles/page_cache.py).
    "articles.page_cache.PublicPageCacheMiddleware",
    # Last: refuses a login after repeated failures (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samma_portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "samma_portal.wsgi.application"

# SQLite in the project root is the embedded default; DATABASE_URL=postgres://… for PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# A read replica for anonymous public pages (samma_portal/db_router.py); writes, signed-in
# people and the admin always use "default".
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["samma_portal.db_router.PublicReadReplicaRouter"]
# A page rendered this soon after a change may have read a replica that had not caught up: not cached.
DATABASE_REPLICA_LAG_SECONDS = env.float("DATABASE_REPLICA_LAG_SECONDS", default=5.0)

# Public pages for anonymous readers, and counts and search results derived from content,
# are cached (articles/page_cache.py); view counts wait in their own cache
# (articles/view_counts.py). Local memory belongs to one process: with several gunicorn
# workers an edit clears only its own worker's copies at once, the others' within
# PAGE_CACHE_SECONDS. REDIS_URL (redis://host:6379/0) shares one cache between all of them;
# give Redis maxmemory-policy volatile-lru so it only evicts entries that expire anyway.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samma",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samma-pages",
        },
        "view_counts": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samma-views",
            "TIMEOUT": None,
        },
        "generations": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samma-generations",
            "TIMEOUT": None,
        },
    }
else:
    CACHES = {
        # Request limits (accounts/security.py) and anything else small.
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "samma"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "samma-pages",
            "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=2000)},
        },
        "view_counts": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "samma-view-counts",
            "TIMEOUT": None,
            # Never culled in practice: a culled count is readings lost.
            "OPTIONS": {"MAX_ENTRIES": 10_000_000},
        },
        # Which content changed when (articles/page_cache.py): a few small files that every
        # gunicorn worker on this server reads, so an edit made through one worker clears
        # the pages the others keep in their own memory. Several servers: set REDIS_URL.
        "generations": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env.path("PAGE_CACHE_GENERATION_DIR", default=BASE_DIR / "var" / "page-generations")),
            "TIMEOUT": None,
        },
    }
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_GENERATION_ALIAS = "generations"
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long browsers and shared caches may keep a public page (they are not told of edits).
PAGE_CACHE_PUBLIC_MAX_AGE = env.int("PAGE_CACHE_PUBLIC_MAX_AGE", default=60)
VIEW_COUNT_CACHE_ALIAS = "view_counts"
VIEW_COUNT_FLUSH_VIEWS = env.int("VIEW_COUNT_FLUSH_VIEWS", default=100)
VIEW_COUNT_FLUSH_SECONDS = env.int("VIEW_COUNT_FLUSH_SECONDS", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's own rules, with the messages in Thai (accounts/password_validation.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.NumericPasswordValidator"},
]
# Django's model backend plus admin permissions that follow the person's role.
# django-axes first, so a locked-out user+address is refused before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.RoleBackend"]

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The portal serves uploads itself (samma_portal/media.py) unless a web server or object
# storage does it (docs/deploy.md).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# MEDIA_STORAGE=s3 keeps uploads in an S3-compatible bucket (django-storages) instead of
# MEDIA_ROOT. Objects are private and pages link to signed addresses, valid far longer than
# a page stays cached, unless AWS_S3_CUSTOM_DOMAIN names a public host (a CDN) for the bucket.
# backup_portal, restore_portal and cleanup_media work on MEDIA_ROOT only: with s3 they refuse.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _s3_custom_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3 finds credentials itself (instance role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": _s3_custom_domain,
            "default_acl": "private",
            "querystring_auth": _s3_custom_domain is None,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=7 * 24 * 60 * 60),
            # Stored names are random (articles/models.py): never overwrite, cache for long.
            "file_overwrite": False,
            # Only re-encoded images are ever stored; they are shown, never run (docs/security.md).
            "object_parameters": {"CacheControl": "public, max-age=2592000", "ContentDisposition": "inline"},
        },
    }
    # The bucket serves the files; there is nothing under MEDIA_ROOT to serve.
    SERVE_MEDIA = False
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}")

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# A mail server that stops answering must not hold a sign-up or password reset forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Samma Portal <noreply@localhost>")

LOGIN_URL = "accounts:login"
CSRF_FAILURE_VIEW = "samma_portal.error_views.csrf_failure"
LOGIN_REDIRECT_URL = "/"

# Rich text: CKEditor 5 with the small toolbar officers need; the server sanitises
# whatever it sends with nh3 (articles/sanitize.py).
CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "th",
        "toolbar": [
            "heading", "|", "bold", "italic", "|", "bulletedList", "numberedList",
            "|", "link", "insertTable", "blockQuote", "|", "undo", "redo",
        ],
        "heading": {
            "options": [
                {"model": "paragraph", "title": "ย่อหน้า", "class": "ck-heading_paragraph"},
                {"model": "heading3", "view": "h3", "title": "หัวข้อ", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "หัวข้อย่อย", "class": "ck-heading_heading4"},
            ]
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
    },
}
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"

# Every line carries the request's id (samma_portal/request_id.py), which the error pages
# show, so a report from a user can be matched to the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "samma_portal.request_id.RequestIdFilter"}},
    "formatters": {
        "portal": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "portal"},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {
        # Django's own request errors (500s with their traceback) go to the same handler.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# In development whitenoise serves files straight from the app folders, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security (docs/security.md lists each threat, its defence and its test) ---------------
# Behind a TLS-terminating proxy, name the header it sets, e.g.
# DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_ssl_header = env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_PROXY_SSL_HEADER must be two comma-separated values, "
            "for example: HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's health check speaks plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

_secure_cookies = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
LANGUAGE_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
# The upload script reads the token from the form, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A working day; a password change or logout ends the session at once.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=12 * 60 * 60)

SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Preload is a deliberate choice of the domain's owner; turned off, it is not a warning.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy (django-csp). No inline scripts anywhere; styles from the
# portal's own files only. The province colour comes from a stylesheet URL, not a
# style attribute. Pages with CKEditor 5 (which injects <style> elements) and the
# admin widen style-src with 'unsafe-inline' (samma_portal/csp.py); scripts stay strict.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: for the upload previews the article form draws before sending.
        "img-src": [SELF, "data:", "blob:", *env.list("CSP_MEDIA_ORIGINS", default=[])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *env.list("CSP_MEDIA_ORIGINS", default=[])],
        "object-src": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "manifest-src": [SELF],
    },
}
# Pages that need inline styles: the rich-text editor and the admin.
CSP_INLINE_STYLE_PATH_PREFIXES = ["/admin/", "/my/articles/"]

PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "usb", "xr-spatial-tracking",
    )
}

# Log-in lock-out (django-axes): after AXES_FAILURE_LIMIT failures for one account from
# one address the login is refused for AXES_COOLOFF_TIME hours, or until a moderator or
# administrator unlocks it (accounts/views.py "lockouts", or the admin).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# How many proxies in front of the portal append to X-Forwarded-For (0: use the socket's
# address). Log-in lock-out and request limits count per client address.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1 if _proxy_ssl_header else 0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.normalise_username"
AXES_VERBOSE = False

# Sign-up and password-reset requests per client address (accounts/ratelimit.py).
RATE_LIMITS = {
    "signup": (env.int("RATE_LIMIT_SIGNUP_PER_HOUR", default=5), 60 * 60),
    "password_reset": (env.int("RATE_LIMIT_PASSWORD_RESET_PER_HOUR", default=5), 60 * 60),
}
