"""Shared behaviour of Kalanso's page types."""

from django.conf import settings
from django.core.cache import cache

from wagtail.models import PageViewRestriction


class CachedViewRestrictionsMixin:
    """Skip Wagtail's per-request view-restriction queries while the site has
    none at all (the usual case: Kalanso controls access in its own views).

    Saving or deleting a restriction clears the flag (kalanso.home.signals)."""

    def get_view_restrictions(self):
        from kalanso.middleware import page_cache_generation

        key = f"any-view-restriction:{page_cache_generation()}"
        exists = cache.get(key)
        if exists is None:
            exists = PageViewRestriction.objects.exists()
            cache.set(key, exists, settings.FRAGMENT_CACHE_SECONDS)
        if not exists:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
