"""The offline layer's script tag, for signed-in users only: a small loader
that fetches the layer once the page has loaded. Its texts are translated
here and handed over in a data attribute (as static/js/admin-strings.js)."""

import json

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _plural(singular, plural):
    return {
        suffix: ngettext(singular, plural, n)
        for suffix, n in (("_0", 0), ("_1", 1), ("_n", 2))
    }


def strings() -> dict:
    texts = {
        "sync_now": _("Synchronise now"),
        "still_offline": _("You are still offline: the items will be sent later."),
        "sync_failed": _("The items could not be sent. Try again later."),
        "complete_recorded": _(
            "Lesson marked as complete on this device. It will be sent when you are"
            " back online."
        ),
        "answer_recorded": _("Answer recorded. Feedback when you are back online."),
        "download": _("Download this course for offline use"),
        "size_first": _(
            "About %(size)s MB to download (%(pages)s pages, their images and"
            " styles). Videos are not included unless you choose them below."
        ),
        "with_media": _("Also download “%(title)s” (%(size)s MB)"),
        # A stored course's size in the list of what is on the device.
        "stored_size": _("%(size)s MB"),
        "download_confirm": _("Download"),
        "progress": _("Downloading: %(done)s of %(total)s files…"),
        "download_done": _("This course is ready for offline use."),
        "download_failed": _(
            "The download did not finish. Check your connection and try again."
        ),
        "downloaded": _(
            "This course is stored on this device (%(size)s MB) and works offline."
        ),
        "remove": _("Remove"),
        "nothing_stored": _("No course is stored on this device."),
        "imported": _(
            "%(added)s items imported; %(refused)s refused (another account or"
            " damaged)."
        ),
        "import_failed": _("This file could not be read."),
    }
    texts.update(
        {
            f"pending{k}": v
            for k, v in _plural(
                "%(count)s item waiting to be sent",
                "%(count)s items waiting to be sent",
            ).items()
        }
    )
    texts.update(
        {
            f"signout{k}": v
            for k, v in _plural(
                "%(count)s item recorded offline has not been sent yet. If you sign"
                " out now, it stays on this device until you sign in again. Sign"
                " out anyway?",
                "%(count)s items recorded offline have not been sent yet. If you"
                " sign out now, they stay on this device until you sign in again."
                " Sign out anyway?",
            ).items()
        }
    )
    texts.update(
        {
            f"clear{k}": v
            for k, v in _plural(
                "%(count)s item recorded offline has not been sent yet and will be"
                " lost. Remove everything anyway?",
                "%(count)s items recorded offline have not been sent yet and will"
                " be lost. Remove everything anyway?",
            ).items()
        }
    )
    return texts


@register.simple_tag(takes_context=True)
def offline_layer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    try:
        bundle = static("offline/offline.js")
    except ValueError:  # not built before collectstatic: the site stays online-only
        return ""
    return format_html(
        '<script id="offline-loader" src="{}" defer data-src="{}" data-sw="{}"'
        ' data-sync-url="{}" data-user="{}" data-strings="{}"></script>',
        static("js/offline-loader.js"),
        bundle,
        reverse("service_worker"),
        reverse("offline:sync"),
        user.pk,
        json.dumps(strings(), ensure_ascii=False, separators=(",", ":")),
    )
