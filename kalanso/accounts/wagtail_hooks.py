from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

import django_filters

from . import audit
from .models import AuditEntry, Organisation


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "type"]
    list_filter = ["type"]
    search_fields = ["name"]


register_snippet(OrganisationViewSet)


class AuditEntryFilterSet(WagtailFilterSet):
    """Filter by action, named in the reader's language."""

    action = django_filters.ChoiceFilter(
        label=_("action"), choices=audit.action_choices
    )

    class Meta:
        model = AuditEntry
        fields = ["action"]


class AuditEntryViewSet(ModelViewSet):
    """The audit log, read-only: programme managers and administrators.

    Nobody is given the add, change or delete permission, so the entries
    cannot be edited from the admin.
    """

    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    add_to_admin_menu = True
    menu_order = 310
    list_display = [
        "created_at",
        "actor_label",
        "get_action_display",
        "get_target_type_display",
        "target_id",
    ]
    filterset_class = AuditEntryFilterSet
    search_fields = ["actor_label", "action", "target_id"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "detail",
    ]
    copy_view_enabled = False
    # Required by ModelViewSet; unused, since no one may add or change entries.
    form_fields = ["action"]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet("audit_log")
