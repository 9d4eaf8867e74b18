"""What the site's pages show of the courses, so that the site layer (home page)
does not import courses: its templates load these tags."""

from django import template

from wagtail.models import Page

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
