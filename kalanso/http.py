"""Small helpers about the HTTP request shared by several apps."""

from django.conf import settings


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
