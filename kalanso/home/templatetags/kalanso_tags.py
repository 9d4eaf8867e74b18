"""Site chrome shared by every page: language links, breadcrumb, home link.

Each is the same for every reader of a page, so each is cached per page and
language until the next publication (see kalanso.middleware)."""

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page, Site

from kalanso.generation import cached_fragment

register = template.Library()


def _cached(key, compute):
    return cached_fragment(f"chrome:{key}:{get_language()}", compute)


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer (site settings, links), rendered once per language and
    generation."""
    request = context.get("request")

    def compute():
        return render_to_string(
            "includes/site_footer.html",
            {"settings": context.get("settings"), "request": request},
        )

    return mark_safe(_cached("footer", compute))


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context):
    """Links to this page in the other languages: the translated page where one
    exists, else the same address in that language."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    translations = {}
    if isinstance(page, Page) and page.pk and request is not None:

        def compute():
            return {
                t.locale.language_code: t.get_url(request)
                for t in page.get_translations(inclusive=False)
                .live()
                .select_related("locale")
            }

        translations = _cached(f"translations:{page.pk}", compute)
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translations.get(code)
        if url is None and request is not None:
            url = translate_url(request.path, code)
        info = get_language_info(code)
        links.append(
            {"code": code, "url": url or f"/{code}/", "name": info["name_local"]}
        )
    return {"links": links, "current": current}


@register.simple_tag(takes_context=True)
def home_url(context):
    """The home page in the active language."""
    request = context.get("request")

    def compute():
        site = Site.find_for_request(request) if request else None
        if site is None:
            return f"/{get_language()}/"
        return site.root_page.localized.get_url(request)

    site_id = getattr(getattr(request, "_wagtail_site", None), "pk", "default")
    return _cached(f"home-url:{site_id}", compute)


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, page):
    """Home › … › this page."""
    request = context.get("request")

    def compute():
        ancestors = page.get_ancestors(inclusive=True).filter(depth__gte=2)
        return [
            {"title": p.title, "url": p.get_url(request)}
            for p in ancestors.select_related("locale")
        ]

    return {"crumbs": _cached(f"crumbs:{page.pk}", compute)}


@register.filter
def filesize(value):
    """Human-readable size, e.g. 1.2 MB (people pay per megabyte)."""
    return filesizeformat(value or 0)
