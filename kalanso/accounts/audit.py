"""One place to record who did what to personal data (the audit trail).

Every entry is written to the database (:class:`AuditEntry`) and to the
``kalanso.audit`` logger, so that it reaches the server's logs as well.
"""

import logging

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

logger = logging.getLogger("kalanso.audit")

# What each recorded action means, for people reading the log in their
# language (the code stays in the database and in exports). Every code passed
# to ``record`` has a label here: tests/accounts/test_audit.py checks it.
ACTION_LABELS = {
    "accounts.erase": _("Account erased"),
    "accounts.export_own_data": _("Copy of one's own data downloaded"),
    "attendance_certificates_printed": _("Certificates of attendance printed"),
    "credential_reissued": _("Certificate reissued"),
    "credential_revoked": _("Certificate revoked"),
    "export_personal_data": _("Personal data exported"),
    "link_invitation_sent": _("Invitation to link a record to an account sent"),
    "link_invitation_accepted": _("Record linked to an account, invitation accepted"),
    "reporting.api_token_create": _("API token created"),
    "reporting.api_token_revoke": _("API token revoked"),
    "reporting.export_aggregates": _("Figures exported"),
    "reporting.export_personal_data": _("Participants' personal data exported"),
    "reporting.participant_export": _("A participant's data exported"),
    "reporting.participant_view": _("A participant's data viewed"),
    "reporting.people_search": _("People searched"),
    "trainer_observed": _("Trainer observed"),
    "trainers.participant_pseudonymise": _("Participant pseudonymised"),
    # trainers.certification: "trainer_" + the LevelChange action.
    "trainer_created": _("Trainer joined the pool"),
    "trainer_promoted": _("Trainer promoted"),
    "trainer_demoted": _("Trainer's level lowered"),
    "trainer_certified": _("Trainer certified"),
    "trainer_renewed": _("Trainer's certification renewed"),
    "trainer_suspended": _("Trainer suspended"),
    "trainer_reinstated": _("Trainer reinstated"),
    "trainer_expired": _("Trainer's certification expired"),
}


def action_label(action: str) -> str:
    """The action in the reader's language (the code itself if unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices():
    return sorted(
        ((code, action_label(code)) for code in ACTION_LABELS), key=lambda c: c[1]
    )


def target_label(target_type: str) -> str:
    """``trainers.trainerprofile`` → "Trainer profile" (the model's name)."""
    if not target_type:
        return ""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return capfirst(model._meta.verbose_name)


def record(actor, action: str, target=None, **detail) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``target`` (a model instance)."""
    target_type = target_id = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    entry = AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(str(actor) if getattr(actor, "pk", None) else "system")[:200],
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    logger.info(
        "%s by user=%s on %s:%s %s",
        action,
        entry.actor_id,
        target_type,
        target_id,
        detail,
        extra={"action": action, "user_id": entry.actor_id, **{"detail": detail}},
    )
    return entry
