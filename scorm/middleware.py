"""Keeps SCORM content and Kalanso apart: the ``/scorm/`` views answer only on
``SCORM_CONTENT_ORIGIN``'s host, and that host answers nothing else but the
static files (the player's runtime). A package's script therefore never runs
on the site's origin, and the content host serves no page of the site."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

PREFIX = "/scorm/"


def content_host() -> str:
    origin = settings.SCORM_CONTENT_ORIGIN
    return urlsplit(origin).netloc.lower() if origin else ""


class ContentOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = content_host()
        on_content_host = bool(host) and request.get_host().lower() == host
        path = request.path_info
        if path.startswith(PREFIX) != on_content_host and not (
            on_content_host and path.startswith(settings.STATIC_URL)
        ):
            return HttpResponseNotFound(b"Not found", content_type="text/plain")
        return self.get_response(request)
