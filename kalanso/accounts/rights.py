"""People's rights for account holders: a copy of their data, and erasure.

Accounts is the bottom of the import chain, so it imports no other app: the
rows that other apps keep about a person are found through the model registry
(every model with a foreign key to the user). The reporting app adds what is
specific to the other apps (participations, reflections) around these
functions (``reporting.rights``).

Erasure pseudonymises: the account stays (so that totals, completions and
scores still count) but nothing in it names the person any more. Gender,
region and organisation stay: they are the dimensions of the anonymous totals.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import audit
from .models import AuditEntry, User

# Never copied out: credentials and secret links.
SECRET_FIELDS = {
    "password",
    "key_hash",
    "calendar_token",
    "claim_code",
    "feedback_token",
    "token",
    "secret",
}
# Framework tables (page revisions, admin logs…) are not the person's data.
SKIPPED_APPS = ("wagtail", "admin", "auth", "contenttypes", "sessions", "taggit")
SKIPPED_APP_PREFIXES = ("wagtail", "django_tasks")
ACCOUNT_FIELDS = [
    "email",
    "full_name",
    "job_title",
    "preferred_language",
    "gender",
    "date_joined",
    "last_login",
    "email_confirmed_at",
    "consent_given_at",
    "is_active",
]


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or ""
    return value


def account_data(user: User) -> dict:
    data = {name: _plain(getattr(user, name)) for name in ACCOUNT_FIELDS}
    data["organisation"] = (
        {"name": user.organisation.name, "type": user.organisation.type}
        if user.organisation_id
        else None
    )
    data["region"] = user.region.code if user.region_id else None
    data["roles"] = sorted(user.groups.values_list("name", flat=True))
    return data


def _skipped(model) -> bool:
    label = model._meta.app_label
    return label in SKIPPED_APPS or label.startswith(SKIPPED_APP_PREFIXES)


def related_data(user: User) -> dict[str, list[dict]]:
    """``{"app.model": [row, …]}`` for every model with a foreign key to the
    user: one query per such model, whatever the amount of data."""
    result: dict[str, list[dict]] = {}
    for rel in User._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many or _skipped(model) or model is AuditEntry:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in SECRET_FIELDS and not f.name.endswith("_token")
        ]
        rows = model._default_manager.filter(**{rel.field.name: user}).order_by("pk")
        entries = [
            {f.attname: _plain(getattr(obj, f.attname)) for f in fields} for obj in rows
        ]
        if entries:
            result.setdefault(model._meta.label_lower, []).extend(entries)
    return result


def personal_data(user: User) -> dict:
    """Everything the platform keeps about an account holder, as plain data."""
    return {
        "generated_at": timezone.now().isoformat(),
        "account": account_data(user),
        "records": related_data(user),
        "audit": [
            {
                "when": _plain(entry.created_at),
                "action": entry.action,
                "target": f"{entry.target_type}:{entry.target_id}",
            }
            for entry in AuditEntry.objects.filter(actor=user).order_by("created_at")
        ],
    }


def pseudonym(user_id: int) -> str:
    """A stable code that says nothing without the site's SECRET_KEY."""
    digest = salted_hmac("kalanso.accounts.rights.erase", str(user_id)).hexdigest()
    return f"erased-{digest[:12]}"


@transaction.atomic
def erase_account(user: User, *, by=None, reason: str = "") -> User:
    """Pseudonymise the account's personal fields and close it. Aggregates
    (enrolments, completions, scores, gender, region, organisation) stay; the
    audit entries of what the person did stay too, under the pseudonym."""
    user = User.objects.select_for_update().get(pk=user.pk)
    code = pseudonym(user.pk)
    user.email = f"{code}@erased.invalid"
    user.full_name = code
    user.job_title = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.email_confirmed_at = None
    user.consent_given_at = None
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # The audit log keeps the actor's name as text (to survive a deletion):
    # the erased person's entries keep only the pseudonym.
    AuditEntry.objects.filter(actor=user).update(actor_label=code)
    audit.record(
        by if by is not None and by.pk != user.pk else None,
        "accounts.erase",
        user,
        reason=reason[:500],
        requested_by="self" if by is None or by.pk == user.pk else "manager",
    )
    return user


def is_erased(user: User) -> bool:
    return user.email.endswith("@erased.invalid")
