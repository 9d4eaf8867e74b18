"""Settings shared by every environment. Values come from environment variables."""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import dj_database_url
from dotenv import load_dotenv

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

load_dotenv(BASE_DIR / ".env")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kalanso.accounts.apps.AccountsConfig",
    "kalanso.home.apps.HomeConfig",
    "kalanso.search.apps.SearchConfig",
    "assessments.apps.AssessmentsConfig",
    "courses.apps.CoursesConfig",
    "scorm.apps.ScormConfig",
    "trainers.apps.TrainersConfig",
    "offline.apps.OfflineConfig",
    "certificates.apps.CertificatesConfig",
    "reporting.apps.ReportingConfig",
    "privacy.apps.PrivacyConfig",
    "demo.apps.DemoConfig",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "kalanso.accounts.apps.KalansoUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "kalanso.generation.GenerationMiddleware",
    "kalanso.middleware.PublicPageCacheUpdateMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "scorm.middleware.ContentOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kalanso.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kalanso.http.CurrentRequestMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kalanso.middleware.AdminPreviewFrameMiddleware",
    "kalanso.framing.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "kalanso.middleware.PublicPageCacheFetchMiddleware",
    "kalanso.middleware.CachedPageRouteMiddleware",
    # Last, as axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Benchmarks report queries per request through a response header.
if env_bool("KALANSO_COUNT_QUERIES"):
    MIDDLEWARE.insert(0, "kalanso.querycount.QueryCountMiddleware")

ROOT_URLCONF = "kalanso.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "kalanso.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "kalanso.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at the same time; a busy timeout
    # makes concurrent writers wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions read from the cache, written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt while its account or address is locked.
    "axes.backends.AxesStandaloneBackend",
    "kalanso.accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:my_learning"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password guessing (kalanso/accounts/lockout.py, django-axes): failed logins
# are recorded in the database, which every worker shares; an account is locked
# after KALANSO_LOGIN_FAILURES_PER_ACCOUNT failures, an address after
# KALANSO_LOGIN_FAILURES_PER_ADDRESS, until AXES_COOLOFF_TIME has passed
# since the failures that locked it.
KALANSO_LOGIN_FAILURES_PER_ACCOUNT = int(
    os.environ.get("KALANSO_LOGIN_FAILURES_PER_ACCOUNT", "10")
)
KALANSO_LOGIN_FAILURES_PER_ADDRESS = int(
    os.environ.get("KALANSO_LOGIN_FAILURES_PER_ADDRESS", "50")
)
AXES_HANDLER = "kalanso.accounts.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = "kalanso.accounts.lockout.failure_limit"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("KALANSO_LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kalanso.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "kalanso.accounts.lockout.ip_address"
AXES_LOCKOUT_CALLABLE = "kalanso.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "password1", "password2"]
# Successful logins are not logged by axes (the audit log keeps what matters).
AXES_DISABLE_ACCESS_LOG = True
# No banner on every manage.py command (lockouts are still logged).
AXES_VERBOSE = False

# Internationalisation: French first, English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Short dates: "13 Nov 2026" in English, not MM/DD (see kalanso/formats/en).
FORMAT_MODULE_PATH = ["kalanso.formats"]
TIME_ZONE = "Africa/Bamako"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None

# Static files: compressed (gzip + brotli) with hashed names, served by whitenoise.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Files that must never be served by the web server (photos of people in
# session reports): outside MEDIA_ROOT, served only by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600


def s3_storages(environ) -> dict:
    """Media in an S3-compatible object store (django-storages), when
    ``KALANSO_S3_BUCKET`` is set; {} otherwise (files on local disk).

    - ``default`` (images, renditions, documents): ``KALANSO_S3_BUCKET``,
      objects readable by anyone (``public-read``), plain URLs (under
      ``KALANSO_S3_CUSTOM_DOMAIN`` when a CDN or proxy serves the bucket);
    - ``private`` (session photos): ``KALANSO_S3_PRIVATE_BUCKET``, or the same
      bucket under ``private/``; objects private, read only by the site with
      its keys, served by the permission-checked views.

    The endpoint and region: ``AWS_S3_ENDPOINT_URL`` (any S3-compatible
    server: MinIO, Garage, Ceph, a provider's), ``AWS_S3_REGION_NAME``,
    ``AWS_S3_ADDRESSING_STYLE`` ("path" for most self-hosted servers); the
    keys from ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (boto3
    reads them)."""
    bucket = environ.get("KALANSO_S3_BUCKET", "")
    if not bucket:
        return {}
    common = {
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "file_overwrite": False,
    }
    private_bucket = environ.get("KALANSO_S3_PRIVATE_BUCKET", "")
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": bucket,
                "default_acl": "public-read",
                "querystring_auth": False,
                "custom_domain": environ.get("KALANSO_S3_CUSTOM_DOMAIN") or None,
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": private_bucket or bucket,
                "location": "" if private_bucket else "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }


def s3_media_origin(environ) -> str:
    """Where pages load media from when they are in an object store (for the
    Content-Security-Policy); "" with local files."""
    from urllib.parse import urlsplit

    if not environ.get("KALANSO_S3_BUCKET"):
        return ""
    domain = environ.get("KALANSO_S3_CUSTOM_DOMAIN", "")
    if domain:
        return f"https://{domain.split('/')[0]}"
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "")
    if endpoint:
        parts = urlsplit(endpoint)
        if environ.get("AWS_S3_ADDRESSING_STYLE") == "virtual":
            return f"{parts.scheme}://{environ['KALANSO_S3_BUCKET']}.{parts.netloc}"
        return f"{parts.scheme}://{parts.netloc}"
    region = environ.get("AWS_S3_REGION_NAME") or "us-east-1"
    return f"https://{environ['KALANSO_S3_BUCKET']}.s3.{region}.amazonaws.com"


STORAGES.update(s3_storages(os.environ))
MEDIA_ORIGIN = s3_media_origin(os.environ)

# Caching: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Keys in Redis start with it (several sites, or a benchmark, can share one).
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "kalanso")


def redis_caches(url: str, key_prefix: str) -> dict:
    """The caches of a site with Redis (also what the tests of a Redis outage
    configure). When Redis stops, the page, fragment and session caches miss
    (errors ignored and logged: pages are rendered, sessions read from the
    database) and rate limits know they cannot count."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # A Redis that stops answering costs each request a second
                # at most, not the kernel's TCP timeout.
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        },
        # Rate limits count in the same Redis but must know when it cannot
        # count (each policy then lets through or refuses, see
        # kalanso/ratelimit.py): errors are raised, and come quickly.
        "ratelimit": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, CACHE_KEY_PREFIX)
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kalanso",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Rate limits must count across every worker and process: in a table
        # of the database they all share, not in each process's memory
        # (kalanso/cache.py; `manage.py check --deploy` refuses a cache that
        # is not shared).
        "ratelimit": {
            "BACKEND": "kalanso.cache.SharedCounterCache",
            "LOCATION": "kalanso_shared_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
# The page-cache generation (kalanso/generation.py) must be shared by every
# process: in Redis when there is one, otherwise in this file.
KALANSO_GENERATION_FILE = (
    ""
    if REDIS_URL
    else os.environ.get(
        "KALANSO_GENERATION_FILE", str(BASE_DIR / "var" / "page-cache-generation")
    )
)
# Fragments are also kept in each process, in front of Redis (keyed by the
# generation, so a publication anywhere drops them everywhere).
KALANSO_LOCAL_FRAGMENT_CACHE = bool(REDIS_URL)
CACHE_MIDDLEWARE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
CACHE_MIDDLEWARE_KEY_PREFIX = "pages"
# Rendered lesson bodies are shared by every reader of a page revision.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "86400"))
# Rate limits (kalanso/ratelimit.py) are counted by django-ratelimit in the
# "ratelimit" cache: Redis, or a database table, shared by every worker. When
# the cache cannot count, django-ratelimit answers "not counted" (fail open)
# and each policy decides whether to let the request through.
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True

# Background work: Django's Tasks framework (django-tasks backport).
# TASKS_BACKEND names the backend: "immediate" (tasks run when enqueued, in
# the request; development), "database" (django-tasks-db: tasks in a table,
# run by `manage.py db_worker`; production on one machine) or "rq"
# (django-tasks-rq: tasks in Redis at REDIS_URL, run by RQ workers, `manage.py
# rqworker --job-class django_tasks_rq.Job`; a programme that outgrows one
# machine). A dotted path to another backend class is taken as it is.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}


def tasks_settings(backend: str, redis_url: str = "") -> tuple[dict, dict]:
    """TASKS and RQ_QUEUES for a backend named in TASK_BACKENDS (or a dotted
    path). The RQ backend needs the Redis of REDIS_URL."""
    path = TASK_BACKENDS.get(backend, backend)
    queues = {}
    if path == TASK_BACKENDS["rq"]:
        if not redis_url:
            raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
        queues = {"default": {"URL": redis_url}}
    return {"default": {"BACKEND": path}}, queues


TASKS, RQ_QUEUES = tasks_settings(
    os.environ.get("TASKS_BACKEND", "immediate"), REDIS_URL
)
if RQ_QUEUES:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# E-mail: console in development; EMAIL_HOST etc. in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kalanso <noreply@localhost>")

# Who may start a certification exam: a function (user, quiz) -> bool, named
# here so that assessments does not import trainers (imports run one way).
KALANSO_EXAM_ELIGIBILITY = "trainers.certification.may_sit_exam"

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "Kalanso"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "kalanso.images.MetadataStrippingImageForm"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"png": "webp", "jpeg": "webp", "jpg": "webp"}
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": [
                "h2",
                "h3",
                "bold",
                "italic",
                "ol",
                "ul",
                "link",
                "document-link",
            ]
        },
    }
}

# Content-Security-Policy for the public site (the Wagtail admin is exempt; page
# previews may be framed by the admin: see kalanso.framing).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [MEDIA_ORIGIN])],
        "font-src": ["'self'"],
        "media-src": ["'self'", *filter(None, [MEDIA_ORIGIN])],
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
}

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # the Wagtail admin allows its own preview frame

# SCORM packages (see docs/scorm.md). Their content is served only on this
# separate origin (a host name of its own, not a subdomain that shares the
# site's cookies, and not just another port: cookies ignore ports). Empty: the
# SCORM player is off and lessons say so.
SCORM_CONTENT_ORIGIN = os.environ.get("SCORM_CONTENT_ORIGIN", "").rstrip("/")
SCORM_MAX_UPLOAD_BYTES = 200_000_000
SCORM_MAX_UNPACKED_BYTES = 500_000_000
SCORM_MAX_FILES = 5_000
SCORM_LAUNCH_SECONDS = 12 * 3600  # how long a launch link stays valid

# Open credentials (certificates) are signed with an Ed25519 private key: PEM
# text in KALANSO_SIGNING_KEY, or a file named by KALANSO_SIGNING_KEY_FILE.
# Without either, development and tests generate one in var/ (production.py
# turns that off, and `check --deploy` then reports the missing key).
KALANSO_SIGNING_KEY = os.environ.get("KALANSO_SIGNING_KEY", "")
KALANSO_SIGNING_KEY_FILE = os.environ.get("KALANSO_SIGNING_KEY_FILE", "")
KALANSO_SIGNING_KEY_AUTOGENERATE = True

# People's rights: how long personal data is kept, in days (empty = for ever);
# applied by `manage.py apply_retention` (see privacy/retention.py).
KALANSO_RETENTION_PARTICIPANT_DAYS = os.environ.get(
    "KALANSO_RETENTION_PARTICIPANT_DAYS", "1095"
)
KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS = os.environ.get(
    "KALANSO_RETENTION_INACTIVE_ACCOUNT_DAYS", ""
)
KALANSO_RETENTION_AUDIT_DAYS = os.environ.get("KALANSO_RETENTION_AUDIT_DAYS", "")

# E-mail confirmation and password-reset links stay valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Who exported or read personal data: always kept, whatever LOG_LEVEL says.
    "loggers": {
        "kalanso.audit": {"handlers": ["console"], "level": "INFO", "propagate": False}
    },
}
