"""Publishing changes what anonymous visitors see: drop the cached pages."""

from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from kalanso.middleware import invalidate_page_cache


@receiver(page_published)
@receiver(page_unpublished)
def on_page_changed(sender, **kwargs):
    invalidate_page_cache()
