"""Publishing changes what anonymous visitors see: drop the cached pages and
the cached chrome (breadcrumbs, language links, footer)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished

from kalanso.generation import invalidate_page_cache

from .models import SiteSettings


@receiver(page_published)
@receiver(page_unpublished)
def on_page_changed(sender, **kwargs):
    invalidate_page_cache()


@receiver(post_delete)
def on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and sender is Page:
        invalidate_page_cache()


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def on_routing_changed(sender, **kwargs):
    invalidate_page_cache()


@receiver(post_save, sender=SiteSettings)
@receiver(post_delete, sender=SiteSettings)
def on_settings_changed(sender, created=False, **kwargs):
    # Wagtail creates empty settings on first read: nothing visible changed then.
    if not created:
        invalidate_page_cache()
