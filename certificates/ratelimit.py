"""Verification lookups per visitor address: 30 a minute by default
(``KALANSO_VERIFY_RATE_LIMIT``), counted in the shared cache."""

from django.conf import settings
from django.core.cache import cache

from kalanso.http import client_address

WINDOW_SECONDS = 60


def limit() -> int:
    return int(getattr(settings, "KALANSO_VERIFY_RATE_LIMIT", 30))


def exceeded(request) -> bool:
    """Count one lookup for this address; True when over the limit. The
    window opens at an address's first lookup and lasts a minute."""
    key = f"certificates:lookups:{client_address(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit()
