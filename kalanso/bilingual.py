"""Reference data named in both languages (regions, audiences, themes)."""

from django.utils.translation import get_language


class BilingualNameMixin:
    """For models with ``name`` (French) and ``name_en`` fields."""

    @property
    def localized_name(self):
        return self.name_en if (get_language() or "fr").startswith("en") else self.name
