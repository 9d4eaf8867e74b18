"""Reporting owns no people data: only the switch of the public summary page."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="view")
class PublicSummarySettings(BaseGenericSetting):
    """Whether the programme's public summary page is online, and its text.

    The page shows only suppressed aggregates (no count from 1 to 4), the
    same figures as the exports and the API, without filters.
    """

    enabled = models.BooleanField(
        _("publish the summary page"),
        default=False,
        help_text=_(
            "Shows the programme's figures to everyone, with small counts hidden."
        ),
    )
    intro = models.TextField(
        _("introduction"),
        max_length=1000,
        blank=True,
        help_text=_("A short text above the figures (plain text)."),
    )

    panels = [FieldPanel("enabled"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("public summary page")
