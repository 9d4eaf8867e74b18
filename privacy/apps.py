from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """People's rights: a copy of one's data, erasure, retention periods."""

    name = "privacy"
    verbose_name = _("People's rights")
