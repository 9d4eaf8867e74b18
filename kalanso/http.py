"""Small helpers about the HTTP request shared by several apps."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def client_address(request) -> str:
    """The visitor's address, for rate limits. Behind the production proxy
    (``SECURE_PROXY_SSL_HEADER`` set), the last X-Forwarded-For entry is the
    one the proxy added; earlier entries come from the client and prove
    nothing."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


# The site's own address ---------------------------------------------------------
#
# Links that leave the page (QR codes and addresses printed on certificates,
# the identifiers inside signed credentials) must lead back to a site that
# answers. While a request is served they use its scheme and host, the address
# the reader reached; elsewhere (task worker, commands) the default Wagtail
# Site's root URL, which an administrator sets in Settings → Sites.

_current_request: ContextVar = ContextVar("kalanso_current_request", default=None)


def site_base_url(request=None) -> str:
    """``scheme://host[:port]`` without a trailing slash."""
    request = request if request is not None else _current_request.get()
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_url.rstrip("/")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path: str, request=None) -> str:
    return site_base_url(request) + path


@contextmanager
def serving(request):
    """Within the block, :func:`site_base_url` answers with ``request``'s
    address (the middleware below wraps every request in it)."""
    token = _current_request.set(request)
    try:
        yield request
    finally:
        _current_request.reset(token)


class CurrentRequestMiddleware:
    """Makes the request being served known to :func:`site_base_url`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with serving(request):
            return self.get_response(request)


def safe_next(request, target: str | None) -> str:
    """A ``next`` address to go back to, or "": a path on this site only.
    Anything else ("abc", which ``redirect`` would take for a view name, or
    another site) is dropped."""
    target = target or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""
