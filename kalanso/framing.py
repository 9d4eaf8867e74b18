"""Who may put the site in a frame: nobody, except the Wagtail admin itself.

The admin's pages (``kalanso.middleware.AdminPreviewFrameMiddleware``) and the
page previews it shows in the editor's preview panel (an iframe of the admin)
may be framed by the site's own origin. Every other response sends
``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``.
"""

from csp.middleware import CSPMiddleware


def is_admin_preview(request):
    """Wagtail renders a preview through a made-up request to the page's own
    URL, run through the whole middleware chain; it marks it ``is_preview``."""
    return bool(getattr(request, "is_preview", False))


class SiteCSPMiddleware(CSPMiddleware):
    """The site's Content-Security-Policy; a page preview may be framed by the
    site's own origin (``frame-ancestors 'self'``), every other response keeps
    ``'none'``."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A lesson showing a SCORM package frames its content origin.
        scorm_origin = getattr(request, "scorm_frame_origin", None)
        if scorm_origin:
            parts.update = {**(parts.update or {}), "frame-src": [scorm_origin]}
        if is_admin_preview(request):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts
