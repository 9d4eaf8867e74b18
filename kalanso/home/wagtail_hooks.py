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


# Translations go through review --------------------------------------------------
# wagtail-localize's translation editor offers "Publish" only to those who may
# publish. An editor (who may not) translates the strings there, then submits
# the translation for review with the button our copy of its template adds
# (templates/wagtail_localize/admin/edit_translation.html): the translation
# becomes a draft revision of the translated page, and the page's workflow
# starts; a moderator publishes it, from the workflow or the editor.
# (wagtail-localize's own "draft", save_target(publish=False), writes the live
# page's row, which would publish the translation before its review.)

SUBMIT_TRANSLATION = "kalanso-submit-translation"


def translation_draft(translation, page, user):
    """A draft revision of ``page`` holding the translation's current strings
    (those not translated yet keep the source text), the live page left as it
    is."""
    from wagtail_localize.fields import copy_synchronised_fields
    from wagtail_localize.segments.ingest import ingest_segments

    source = translation.source
    original = source.as_instance()
    draft = page.specific_class.objects.get(pk=page.pk)
    copy_synchronised_fields(original, draft)
    segments = source._get_segments_for_translation(
        translation.target_locale, fallback=True
    )
    ingest_segments(original, draft, source.locale, translation.target_locale, segments)
    draft.full_clean()
    return draft.save_revision(user=user)


@hooks.register("before_edit_page", order=-1)  # before wagtail-localize's hook
def submit_translation_for_review(request, page):
    if request.method != "POST" or SUBMIT_TRANSLATION not in request.POST:
        return None
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.shortcuts import redirect

    from wagtail_localize.models import Translation

    translation = Translation.objects.filter(
        source__object_id=page.translation_key,
        target_locale_id=page.locale_id,
        enabled=True,
    ).first()
    if translation is None:
        return None
    permissions = page.permissions_for_user(request.user)
    if not (permissions.can_edit() and permissions.can_submit_for_moderation()):
        raise PermissionDenied
    edit = redirect("wagtailadmin_pages:edit", page.pk)
    try:
        with transaction.atomic():
            revision = translation_draft(translation, page, request.user)
            draft = revision.as_object()
            page.get_workflow().start(
                page.specific_class.objects.get(pk=page.pk), request.user
            )
    except ValidationError:
        messages.error(
            request,
            gettext(
                "Some translated strings are not valid: correct them, then submit "
                "the translation again."
            ),
        )
        return edit
    messages.success(
        request,
        gettext("“%(title)s” in %(language)s is submitted for review.")
        % {"title": draft.title, "language": page.locale.get_display_name()},
    )
    return edit
