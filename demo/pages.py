"""Demo pages in French (the site's language) with their English versions,
each created and published once: a page that exists (found by slug under
its parent, its English version by translation key) is left alone.

The English versions are wagtail-localize translations of the French pages
(a TranslationSource and a Translation each, with every English string in the
translation memory), so "Sync translated pages" and the translation editor
work on the demo content as on any page an editor translates."""

from collections import Counter, defaultdict

from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from courses.factories import publish


class Pages:
    """The page builder of one ``seed_demo`` run; ``created`` counts what
    the run made, by kind."""

    def __init__(self, created: Counter):
        self.created = created
        self.fr = Locale.objects.get(language_code="fr")
        self.en, _ = Locale.objects.get_or_create(language_code="en")

    def ensure(self, parent, model, fr, en, common=None, m2m=None):
        """The French page under ``parent`` with ``fr["slug"]`` and its
        English version, each created, with its many-to-many values, and
        published if missing."""
        common, m2m = common or {}, m2m or {}
        page = model.objects.child_of(parent).filter(slug=fr["slug"]).first()
        if page is None:
            # Many-to-many values go in before the first revision, so that
            # the editor shows them.
            page = publish(parent, model(live=False, **common, **fr, **m2m))
            self.created["pages"] += 1
        self.translate(page, en, m2m)
        return page

    def translate(self, page, en, m2m=None):
        """The English version of ``page`` with the fields ``en``, created
        and published if missing."""
        english = page.get_translation_or_none(self.en)
        if english is None:
            english = page.copy_for_translation(self.en, copy_parents=True, alias=False)
            for name, value in en.items():
                setattr(english, name, value)
            for name, values in (m2m or {}).items():
                getattr(english, name).set(values)
            english.save_revision().publish()
            self.created["pages"] += 1
        self.localize(page, english.specific)

    def localize(self, page, english):
        """Make ``english`` the wagtail-localize translation of ``page``: a
        translation source, a translation into English, and the English text
        of every French string in the translation memory. Left alone when the
        translation exists."""
        if Translation.objects.filter(
            source__object_id=page.translation_key, target_locale=self.en
        ).exists():
            return
        source, _created = TranslationSource.get_or_create_from_instance(page)
        translation = Translation.objects.create(source=source, target_locale=self.en)
        translation.import_po(english_po(translation, page, english))
        # Rebuild the English page from the source and its translations, as
        # publishing from the translation editor does.
        translation.save_target(publish=True)
        self.created["translations"] += 1


def _strings_by_path(instance) -> dict[str, list[str]]:
    strings = defaultdict(list)
    for segment in extract_segments(instance):
        if isinstance(segment, StringSegmentValue):
            strings[segment.path].append(segment.string.data)
    return strings


def english_po(translation, french, english):
    """The translation's PO file with the English page's strings as the
    translations of the French ones: the two pages have the same structure
    (the demo's StreamField blocks keep their ids across languages), so the
    strings at one path correspond one to one."""
    pairs = {}
    english_strings = _strings_by_path(english)
    for path, strings in _strings_by_path(french).items():
        if len(strings) == len(english_strings.get(path, ())):
            pairs.update(
                {
                    (path, fr): en
                    for fr, en in zip(strings, english_strings[path], strict=True)
                }
            )
    po = translation.export_po()
    for entry in po:
        entry.msgstr = pairs.get((entry.msgctxt, entry.msgid), "")
    return po
