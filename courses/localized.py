"""Courses and lessons shown outside their own page (session lists, "My
learning", certificates, calendars…) in the reader's language.

A session, an enrolment or a credential points at one page: the French
course, or its English translation. Wherever such a page is named, the reader
sees the version in their language when a live translation exists; when none
does, the page's own title is shown and marked with its language (``lang``),
so that screen readers pronounce it right.

- :func:`localize` finds the version to show for many pages in one query and
  remembers it on each page;
- :func:`version` gives what to show for one page (from :func:`localize`'s
  memory, else one query);
- the template filters ``reader_title`` and ``reader_url``
  (``courses.templatetags.course_tags``) render it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

from wagtail.models import Page

ATTRIBUTE = "_reader_version"


def reader_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@dataclass(frozen=True)
class Version:
    """What to show of a page to the current reader."""

    page: Page  # the page to link to
    title: str
    language: str  # the language of ``title``
    reader: str  # the reader's language when it was chosen

    @property
    def is_foreign(self) -> bool:
        return self.language != self.reader

    def url(self, request=None) -> str | None:
        return self.page.get_url(request)

    def html(self):
        """The title, with ``lang`` when it is not in the reader's language."""
        if self.is_foreign:
            return format_html('<span lang="{}">{}</span>', self.language, self.title)
        return format_html("{}", self.title)


def localize(pages: Iterable[Page | None]) -> None:
    """Choose, in one query, the version of each page to show the reader:
    its live translation in the reader's language if there is one, else the
    page itself. The choice is remembered on each page object."""
    pages = [page for page in pages if page is not None]
    if not pages:
        return
    language = reader_language()
    keys = {page.translation_key for page in pages}
    rows = (
        Page.objects.filter(translation_key__in=keys)
        .select_related("locale")
        .only(
            "id",
            "title",
            "url_path",
            "live",
            "translation_key",
            "path",
            "depth",
            "locale__language_code",
        )
    )
    by_id, in_language = {}, {}
    for row in rows:
        by_id[row.pk] = row
        if row.locale.language_code == language and row.live:
            in_language.setdefault(row.translation_key, row)
    for page in pages:
        chosen = in_language.get(page.translation_key)
        own = by_id.get(page.pk)
        if chosen is None or (own is not None and own.locale.language_code == language):
            chosen = own
        if chosen is None:  # not saved: shown as it is
            page_language = getattr(getattr(page, "locale", None), "language_code", "")
            setattr(
                page,
                ATTRIBUTE,
                Version(page, page.title, page_language or language, language),
            )
            continue
        setattr(
            page,
            ATTRIBUTE,
            Version(chosen, chosen.title, chosen.locale.language_code, language),
        )


def remember(page: Page, shown: Page) -> None:
    """Say that ``shown`` (its locale loaded) is the version of ``page`` to
    show, when the caller has already found it (no query)."""
    setattr(
        page,
        ATTRIBUTE,
        Version(shown, shown.title, shown.locale.language_code, reader_language()),
    )


def remember_title(page: Page, title: str, language: str) -> None:
    """Say that ``page`` is shown under ``title``, in ``language`` (a version
    the caller has already found, e.g. from a cached outline; no query)."""
    setattr(page, ATTRIBUTE, Version(page, title, language, reader_language()))


def localize_related(objects: Iterable, *attributes: str) -> list:
    """:func:`localize` the pages that ``objects`` point at, through
    ``attributes`` ("course", "session.course"); returns the objects."""
    objects = list(objects)
    pages = []
    for obj in objects:
        for attribute in attributes:
            value = obj
            for name in attribute.split("."):
                value = getattr(value, name, None) if value is not None else None
            pages.append(value)
    localize(pages)
    return objects


def version(page: Page | None) -> Version | None:
    """What to show of ``page``: remembered by :func:`localize` for the
    current reader's language, else looked up (one query)."""
    if page is None:
        return None
    found = getattr(page, ATTRIBUTE, None)
    if found is None or found.reader != reader_language():
        localize([page])
        found = getattr(page, ATTRIBUTE)
    return found


def title_text(page: Page | None) -> str:
    """The title to show, as plain text (e-mails, calendars, exports)."""
    found = version(page)
    return found.title if found else ""


def reader_courses(*, keep: Page | None = None):
    """The live courses to choose from, one per course: the version in the
    reader's language where there is one, else the other (and ``keep``, the
    version a form already holds, instead of its siblings). A queryset
    ordered by title, locales loaded; one query to choose."""
    from .models import CoursePage

    language = reader_language()
    chosen: dict = {}
    for pk, key, code in CoursePage.objects.live().values_list(
        "pk", "translation_key", "locale__language_code"
    ):
        if key not in chosen or code == language:
            chosen[key] = pk
    if keep is not None:
        chosen[keep.translation_key] = keep.pk
    return (
        CoursePage.objects.filter(pk__in=chosen.values())
        .select_related("locale")
        .order_by("title")
    )


class LanguageSelect:
    """Mixin for a model choice widget: an option whose page is not in the
    reader's language says which language it is in (``lang``)."""

    def create_option(self, name, value, label, selected, index, **kwargs):
        option = super().create_option(name, value, label, selected, index, **kwargs)
        page = getattr(value, "instance", None)
        language = getattr(getattr(page, "locale", None), "language_code", None)
        if language and language != reader_language():
            option["attrs"]["lang"] = language
        return option
