"""Production settings whose rate limits count in each process's memory: what
``manage.py check --deploy`` must refuse (tests/kalanso/test_ratelimit_store.py)."""

from kalanso.settings.production import *  # noqa: F403

CACHES = {
    **CACHES,  # noqa: F405
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
