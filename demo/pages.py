"""Demo pages in French (the site's language) with their English versions,
each created and published once: a page that exists (found by slug under
its parent, its English version by translation key) is left alone."""

from collections import Counter

from wagtail.models import Locale

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
        if page.get_translation_or_none(self.en) is not None:
            return
        translation = page.copy_for_translation(self.en, copy_parents=True, alias=False)
        for name, value in en.items():
            setattr(translation, name, value)
        for name, values in (m2m or {}).items():
            getattr(translation, name).set(values)
        translation.save_revision().publish()
        self.created["pages"] += 1
