"""Every change to what the site shows drops the cached pages and fragments
(in every process, see kalanso.generation): publish (scheduled too), unpublish,
move, delete, revert (a publish), a translation sync (wagtail-localize writes
the translated text straight into a live page, then publishes), and changes
to sites, view restrictions and site settings."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from kalanso.context_processors import _navigation_read_ahead  # noqa: F401 - registers
from kalanso.generation import invalidate_page_cache

from .models import SiteSettings

# Saving only these fields keeps a draft's bookkeeping: the live page is unchanged.
DRAFT_FIELDS = {
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by",
}


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def on_page_changed(sender, **kwargs):
    invalidate_page_cache()


@receiver(post_save)
def on_live_page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    """A live page saved outside a publication (a translation sync writes the
    translated text into it, an alias follows its original)."""
    if raw or not isinstance(instance, Page) or not instance.live:
        return
    if update_fields and set(update_fields) <= DRAFT_FIELDS:
        return
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
