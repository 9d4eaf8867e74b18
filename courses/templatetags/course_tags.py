"""What the site's pages show of the courses, so that the site layer (home page)
does not import courses: its templates load these tags."""

from django import template

from wagtail.models import Page

from .. import localized
from ..models import CourseIndexPage, ResourceIndexPage
from ..selectors import featured_courses

register = template.Library()


@register.simple_tag
def home_courses(home: Page) -> dict:
    """For a home page: the catalogue and the resource library under it (if
    live), and the courses to feature, in its language. Three queries."""
    return {
        "catalogue": CourseIndexPage.objects.live().child_of(home).first(),
        "library": ResourceIndexPage.objects.live().child_of(home).first(),
        "courses": featured_courses(locale=home.locale),
    }


@register.filter
def reader_title(page):
    """A course's or lesson's title in the reader's language where a live
    translation exists, else its own, marked with its language:
    ``{{ session.course|reader_title }}`` (``courses.localized``)."""
    found = localized.version(page)
    return found.html() if found else ""


@register.simple_tag(takes_context=True)
def reader_url(context, page):
    """The URL of the version :func:`reader_title` names:
    ``{% reader_url session.course %}``."""
    found = localized.version(page)
    return (found.url(context.get("request")) or "") if found else ""
