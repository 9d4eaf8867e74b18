"""The publication generation: a number that publishing bumps.

Cached pages and fragments (whole pages for anonymous visitors, course
outlines, breadcrumbs…) carry it in their cache key, so an editor's change
shows up at once (``kalanso.home.signals`` bumps it). Only the cache is used
here, so page models may import it while the apps are loading.
"""

from django.core.cache import cache

GENERATION_KEY = "kalanso:page-cache-generation"


def page_cache_generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def invalidate_page_cache() -> None:
    """Make every cached page stale (called when content is published)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
