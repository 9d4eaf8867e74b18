"""Whole-page caching for anonymous visitors.

Anonymous readers of public pages (home, catalogue, course outlines, lessons of
public courses) all receive the same HTML, so it is served from the cache. The
cache key carries a generation number that publishing bumps, so an editor's
change shows up at once (see ``kalanso.home.signals``).

Requests that carry a session cookie, a query string or any method other than
GET/HEAD are never cached: personal pages stay personal.
"""

from django.conf import settings
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.translation import get_language

from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

# The generation lives in its own module (page models read it while the apps
# load, when this one cannot be imported yet); still importable from here.
from kalanso.generation import (  # noqa: F401
    GENERATION_KEY,
    cached_fragment,
    invalidate_page_cache,
    page_cache_generation,
)


def _cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(("/admin/", "/django-admin/"))
    )


def _prefix(request):
    generation = getattr(request, "_page_cache_generation", None)
    if generation is None:
        generation = request._page_cache_generation = page_cache_generation()
    return f"{settings.CACHE_MIDDLEWARE_KEY_PREFIX}.{generation}"


class PublicPageCacheUpdateMiddleware(UpdateCacheMiddleware):
    def _should_update_cache(self, request, response):
        if not _cacheable(request) or response.has_header("Set-Cookie"):
            return False
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return False
        if response.get("Cache-Control", "").find("private") != -1:
            return False
        self.key_prefix = _prefix(request)
        return super()._should_update_cache(request, response)


class PublicPageCacheFetchMiddleware(FetchFromCacheMiddleware):
    def process_request(self, request):
        if not _cacheable(request):
            request._cache_update_cache = False
            return None
        self.key_prefix = _prefix(request)
        return super().process_request(request)


class CachedPageRouteMiddleware:
    """Remember which Wagtail page answers a path, until the next publication.

    Wagtail finds the site, the localised home page and then the page on every
    request (several queries). The result is the same for every reader, so it
    is kept in the cache; Wagtail's serve view reads it from the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or request.method not in ("GET", "HEAD"):
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")

        def compute():
            site = Site.find_for_request(request)
            route = Page.route_for_request(request, path)
            if site is None or route is None:
                return None  # not cached: a 404 or another site
            # Stored before the page is served, so nothing personal is cached.
            return (site, route)

        key = f"route:{request.get_host()}:{get_language()}:{request.path}"
        cached = cached_fragment(key, compute)
        if cached is not None:
            request._wagtail_site, request._wagtail_route_for_request = cached
        return None


class AdminPreviewFrameMiddleware:
    """The site may not be framed (X-Frame-Options: DENY), except the Wagtail
    admin by itself: its page preview is an iframe of the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that an answer marked ``no_language_redirect`` (the
    JSON API's 404s) stays what it is: Django would otherwise turn a 404 under
    a path without a language prefix into a redirection to ``/fr/…``."""

    def process_response(self, request, response):
        if getattr(response, "no_language_redirect", False):
            return response
        return super().process_response(request, response)
