from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kalanso.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from kalanso import ratelimit  # noqa: F401 (its deployment check)
        from kalanso.ids import register_converters

        # ``<id:...>`` in every URL pattern of the project (see kalanso.ids).
        register_converters()


class KalansoUsersAppConfig(AppConfig):
    """Wagtail's user admin, with Kalanso's user forms."""

    name = "wagtail.users"
    label = "wagtailusers"
    verbose_name = _("Wagtail users")
    default_auto_field = "django.db.models.AutoField"
    group_viewset = "wagtail.users.views.groups.GroupViewSet"
    user_viewset = "kalanso.accounts.viewsets.UserViewSet"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from wagtail.permissions import register_permission_policy

        register_permission_policy(get_user_model())
        register_permission_policy(Group)
