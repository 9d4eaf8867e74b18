from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demonstration content, loaded by ``manage.py seed_demo`` and
    ``seed_demo_cascade`` (development only). No models."""

    name = "demo"
    verbose_name = _("Demonstration content")
