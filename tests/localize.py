"""Pages as wagtail-localize translations, for the tests of the translation
round-trip (HTTP and browser)."""

from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource


def localize(page, language="en"):
    """``page`` and its parents (below the root) made wagtail-localize
    translations into ``language``, published; returns the page's
    Translation. The translated text is the source's until translated."""
    locale = Locale.objects.get(language_code=language)
    for ancestor in [*page.get_ancestors().filter(depth__gt=2), page]:
        ancestor = ancestor.specific
        if Translation.objects.filter(
            source__object_id=ancestor.translation_key, target_locale=locale
        ).exists():
            continue
        source, _created = TranslationSource.get_or_create_from_instance(ancestor)
        translation = Translation.objects.create(source=source, target_locale=locale)
        translation.save_target(publish=True)
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=locale
    )
