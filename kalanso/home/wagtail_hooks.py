"""Admin strings third-party code writes in English whatever the language.

wagtail-localize's translation editor is a React app whose "More actions"
button label is a literal in its JavaScript (no gettext), so French editors
hear it in English. ``static/js/admin-strings.js`` replaces such labels with
their translation from our catalogue once the app has drawn them; the strings
are listed here so that ``makemessages`` keeps them in ``locale/``.

Strings wagtail-localize does pass through gettext but translates badly are
overridden in ``locale/fr/LC_MESSAGES/djangojs.po`` instead (our LOCALE_PATHS
win over the package's catalogue in its JavaScript catalogue).
"""

import json

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

from wagtail import hooks

UNTRANSLATED_LITERALS = [
    gettext_noop("More actions"),
]


@hooks.register("insert_global_admin_js")
def translate_untranslated_literals():
    labels = {text: gettext(text) for text in UNTRANSLATED_LITERALS}
    labels = {text: label for text, label in labels.items() if label != text}
    if not labels:
        return ""
    return format_html(
        '<script src="{}" data-labels="{}" defer></script>',
        static("js/admin-strings.js"),
        json.dumps(labels, ensure_ascii=False),
    )
