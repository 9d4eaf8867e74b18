from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page, Site

register = template.Library()


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context):
    """Links to this page in the other languages (the translated page when one
    exists, else the same address in that language)."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    urls = {}
    if isinstance(page, Page) and request is not None:
        for translation in (
            page.get_translations(inclusive=False).live().select_related("locale")
        ):
            urls[translation.locale.language_code] = translation.get_url(request)
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = urls.get(code)
        if url is None and request is not None:
            url = translate_url(request.get_full_path(), code)
        info = get_language_info(code)
        links.append(
            {"code": code, "url": url or f"/{code}/", "name": info["name_local"]}
        )
    return {"links": links, "current": current}


@register.simple_tag(takes_context=True)
def site_root(context):
    """The home page in the active language (for the header and breadcrumbs)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    root = site.root_page if site else None
    return root.localized if root else None


@register.filter
def filesize(value):
    """Human-readable size, e.g. 1.2 MB (used where people pay per megabyte)."""
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(value or 0)


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, page):
    """Home › … › this page, in one query."""
    request = context.get("request")
    ancestors = (
        page.get_ancestors(inclusive=True).filter(depth__gte=2).select_related("locale")
    )
    return {
        "crumbs": [{"title": p.title, "url": p.get_url(request)} for p in ancestors],
    }
