"""Shared behaviour of Kalanso's page types."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from wagtail.models import PageViewRestriction, get_page_models

from kalanso.generation import cached_fragment


class CachedViewRestrictionsMixin:
    """Skip Wagtail's per-request view-restriction queries while the site has
    none at all (the usual case: Kalanso controls access in its own views).

    Saving or deleting a restriction clears the flag (kalanso.home.signals)."""

    def get_view_restrictions(self):
        exists = cached_fragment(
            "any-view-restriction", PageViewRestriction.objects.exists
        )
        if not exists:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


# Page views ------------------------------------------------------------------------

PageView = Callable[..., dict]
_page_views: dict[type, PageView] = {}


def page_view(page_class: type) -> Callable[[PageView], PageView]:
    """Register the function that builds a page type's template context.

    Wagtail serves (and previews) a page by calling its ``get_context``. What
    a page shows beyond its own fields comes from its app's selectors, services
    and forms, which import the models: so the function lives in the app's
    views module, decorated with ``@page_view(TheModel)``, and receives
    ``(page, request)``. The model imports nothing above it.

    The app imports its views module in ``AppConfig.ready()``."""

    def register(view: PageView) -> PageView:
        if page_class in _page_views:
            raise ImproperlyConfigured(
                f"{page_class.__name__} already has a page view: "
                f"{_page_views[page_class].__qualname__}."
            )
        _page_views[page_class] = view
        return view

    return register


class PageViewMixin:
    """A page whose context is completed by the function registered for its
    type with :func:`page_view` (none registered: Wagtail's context only)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        view = _page_views.get(type(self))
        if view is not None:
            context.update(view(self, request))
        return context


# Site search -----------------------------------------------------------------------


def searchable_page_models() -> list[type]:
    """The page types the site search lists: those whose class sets
    ``listed_in_site_search = True`` (courses, lessons, resources), so that
    the search view needs no knowledge of the apps above it."""
    return [
        model
        for model in get_page_models()
        if getattr(model, "listed_in_site_search", False)
    ]
