"""Tests: fast hashing, local caches, immediate tasks, in-memory e-mail,
private files in a temporary directory."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kalanso-tests",
    }
}
RATELIMIT_USE_CACHE = "default"
# Private files (session photos) on disk, as deployed, in a directory of this
# test process (removed at the end of the session by tests/conftest.py, or at
# exit); a process started with KALANSO_TEST_PRIVATE_MEDIA_ROOT shares it.
PRIVATE_MEDIA_ROOT_OWNED = not os.environ.get("KALANSO_TEST_PRIVATE_MEDIA_ROOT")
PRIVATE_MEDIA_ROOT = Path(  # noqa: F405
    os.environ.get("KALANSO_TEST_PRIVATE_MEDIA_ROOT")
    or tempfile.mkdtemp(prefix="kalanso-private-media-")
)
if PRIVATE_MEDIA_ROOT_OWNED:
    # Also for processes that run no test session (the xdist controller).
    atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)
# Each test process (xdist worker) its own generation; a server process that a
# test starts is given the same file.
KALANSO_GENERATION_FILE = os.environ.get("KALANSO_GENERATION_FILE") or os.path.join(
    tempfile.gettempdir(), f"kalanso-test-generation-{os.getpid()}"
)
KALANSO_LOCAL_FRAGMENT_CACHE = False
# A process a test starts on Redis' set-up (tests/servers.py: redis_env).
if os.environ.get("KALANSO_TEST_SERVER_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["KALANSO_TEST_SERVER_REDIS_URL"],
        "KEY_PREFIX": os.environ["KALANSO_TEST_SERVER_CACHE_PREFIX"],
    }
    KALANSO_GENERATION_FILE = ""
    KALANSO_LOCAL_FRAGMENT_CACHE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run when enqueued, except in the tests about tasks (tests/tasks/),
# whose worker processes are started with KALANSO_TEST_TASKS_BACKEND
# ("database" or "rq", with the Redis of KALANSO_TEST_REDIS_URL) and whose
# test process switches TASKS itself.
TASKS, RQ_QUEUES = tasks_settings(  # noqa: F405
    os.environ.get("KALANSO_TEST_TASKS_BACKEND", "immediate"),
    os.environ.get("KALANSO_TEST_REDIS_URL", ""),
)
if RQ_QUEUES and "django_rq" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # noqa: F405
# A worker process sends its e-mails as files in this directory, where the
# test that started it reads them.
if os.environ.get("KALANSO_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["KALANSO_TEST_EMAIL_DIR"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Static files come from the app finders; nothing is collected in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file (not shared-cache memory) so SQLite's WAL and busy timeout apply when
# tests race real threads against each other, as a deployed site would.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("KALANSO_TEST_DB", str(BASE_DIR / ".test-db.sqlite3"))  # noqa: F405
    }
