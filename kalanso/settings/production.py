"""Production: every secret from the environment, HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list, tasks_settings

DEBUG = env_bool("DEBUG", False)

if not SECRET_KEY and not DEBUG:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not env_list("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

# Tasks in the database (django-tasks-db, `manage.py db_worker`) unless
# TASKS_BACKEND=rq moves them to Redis (see base.TASK_BACKENDS).
TASKS, RQ_QUEUES = tasks_settings(
    os.environ.get("TASKS_BACKEND", "database"),  # noqa: F405
    REDIS_URL,  # noqa: F405
)

# Credentials are signed with the programme's own key, never a generated one.
KALANSO_SIGNING_KEY_AUTOGENERATE = False

if os.environ.get("EMAIL_HOST"):  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
