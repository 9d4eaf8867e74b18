"""Error pages that must render whatever is broken.

When the database cannot be reached (PostgreSQL restarting, a connection
dropped, too many clients), Django raises ``OperationalError`` or
``InterfaceError`` wherever the next query happens: in a view, in the session
or authentication middleware, while saving the session. Every such exception
reaches :func:`server_error` (the project's ``handler500``), which answers 503
"try again in a moment" with ``Retry-After`` instead of the 500 page: the
person has done nothing wrong, and sending the same form again is safe (saving
answers, completing a lesson and submitting are idempotent).

The page is rendered without a request context, so it queries nothing (no
navigation, no site settings) and works with the database down; it is
translated in the language of the request.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views import defaults

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from or while handling,
    says the database cannot be reached."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def database_unavailable(request=None) -> HttpResponse:
    """503 "try again": no query, no request context."""
    html = render_to_string(
        "503.html",
        {"LANGUAGE_CODE": get_language() or "fr", "retry_after": RETRY_AFTER_SECONDS},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: 503 when the database is unavailable, Django's 500 page
    otherwise. Django calls it while handling the exception, so
    ``sys.exc_info()`` names it."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
