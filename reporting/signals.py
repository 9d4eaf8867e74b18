"""Switching the public summary page on or off changes what anonymous
visitors see: drop the cached pages and the cached figures."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kalanso.middleware import invalidate_page_cache

from .models import PublicSummarySettings

PUBLIC_CACHE_VERSION = "reporting:public-version"


def invalidate_public_summary():
    try:
        cache.incr(PUBLIC_CACHE_VERSION)
    except ValueError:
        cache.set(PUBLIC_CACHE_VERSION, 2, timeout=None)
    invalidate_page_cache()


@receiver(post_save, sender=PublicSummarySettings)
@receiver(post_delete, sender=PublicSummarySettings)
def on_settings_changed(sender, created=False, **kwargs):
    if not created:
        invalidate_public_summary()
