"""Verification lookups per visitor address: 30 a minute by default
(``KALANSO_VERIFY_RATE_LIMIT``), counted in the shared cache."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def limit() -> int:
    return int(getattr(settings, "KALANSO_VERIFY_RATE_LIMIT", 30))


def client_address(request) -> str:
    """Behind the production proxy (``SECURE_PROXY_SSL_HEADER`` set), the last
    X-Forwarded-For entry is the one the proxy added; earlier entries come
    from the client and prove nothing."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


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
