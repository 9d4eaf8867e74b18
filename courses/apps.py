from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        # Signal receivers, and the views that build the pages' context
        # (registered with kalanso.pages.page_view).
        from . import signals, views  # noqa: F401
