from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from kalanso.pages import CachedViewRestrictionsMixin


class HomePage(CachedViewRestrictionsMixin, Page):
    """The landing page: what Kalanso is, and the way into the catalogue.

    The courses it shows come from the ``home_courses`` template tag of the
    courses app: the site layer does not import the apps built on it."""

    tagline = models.CharField(_("tagline"), max_length=255, blank=True)
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("tagline"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Find a descendant by its URL path in one query instead of one per level.

        Same rules as Wagtail's tree walk: the page must exist under this home
        page and be live; no page type in Kalanso adds sub-routes.
        """
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = (
            Page.objects.filter(url_path=url_path, path__startswith=self.path)
            .specific()
            .first()
        )
        if page is None or not page.live:
            raise Http404
        return RouteResult(page)


class StandardPage(CachedViewRestrictionsMixin, Page):
    """A simple page for institutional text (about, data protection, contact)."""

    body = RichTextField(_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Programme identity shown in the footer (and on certificates later)."""

    programme_name = models.CharField(
        _("programme name"), max_length=200, default="Kalanso", blank=True
    )
    footer_text = models.CharField(_("footer text"), max_length=255, blank=True)
    programme_logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("programme logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner_logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("partner logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("data-protection notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("programme_name"),
        FieldPanel("footer_text"),
        MultiFieldPanel(
            [FieldPanel("programme_logo"), FieldPanel("partner_logo")],
            heading=_("Logos"),
        ),
        FieldPanel("privacy_page"),
    ]

    class Meta:
        verbose_name = _("site settings")
