"""The offline layer's server side: the service worker (served from the site
root, so that it may control every page), the web app manifest per language,
what a course download contains, and the sync endpoint (JSON, CSRF-protected,
per user, bounded, idempotent: see ``offline.services``)."""

import json
from functools import cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage

from .packaging import course_package
from .services import MAX_BODY_BYTES, MAX_EVENTS, events_apply

SERVICE_WORKER = "offline/sw.js"


@cache
def _service_worker_path() -> str | None:
    path = finders.find(SERVICE_WORKER)
    if path:
        return path
    if staticfiles_storage.exists(SERVICE_WORKER):
        return staticfiles_storage.path(SERVICE_WORKER)
    return None


@require_GET
def service_worker(request):
    path = _service_worker_path()
    if path is None:  # not built: `make offline-build`
        raise Http404
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript")
    # The browser checks for a new worker at every navigation; let it revalidate.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    language = get_language()
    data = {
        "name": _("Kalanso — training for conflict-sensitive work"),
        "short_name": "Kalanso",
        "description": _("Courses that keep working without a connection."),
        "lang": language,
        "start_url": reverse("courses:my_learning"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#9a3412",
        "icons": [
            {
                "src": static("img/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "max-age=86400"
    return response


def unavailable(request):
    """Shown by the service worker, offline, for a page that was not downloaded."""
    return render(request, "offline/unavailable.html")


def _json_error(message, status):
    return JsonResponse({"error": message}, status=status)


@never_cache
@require_GET
def course_contents(request, course_id):
    if not request.user.is_authenticated:
        return _json_error(_("Please log in again."), 401)
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    return JsonResponse(course_package(course=course, request=request))


@never_cache
@require_POST
def sync(request):
    if not request.user.is_authenticated:
        return _json_error(_("Please log in again to send your items."), 401)
    if len(request.body) > MAX_BODY_BYTES:
        return _json_error(_("Too many items at once: send fewer."), 413)
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _json_error(_("The items sent could not be read."), 400)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        return _json_error(_("The items sent could not be read."), 400)
    if len(events) > MAX_EVENTS:
        return _json_error(_("Too many items at once: send fewer."), 413)
    return JsonResponse({"results": events_apply(events, user=request.user)})
