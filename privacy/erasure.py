"""The right to erasure: a person is no longer named anywhere, and the
programme's totals do not change.

Erasure pseudonymises rather than deletes: the rows stay (so that
enrolments, completions, attendance and scores still count), but whatever
names the person is replaced by a stable code that means nothing without the
site's SECRET_KEY. Gender or sex, age band, region and organisation (type)
stay: they are the dimensions of the anonymous totals.

Entry points, one per kind of person:

* :func:`person_erase` — an account holder, at their own request or when the
  retention period of inactive accounts is over;
* :func:`participant_erase` — a participant without an account, at a
  programme manager's hand;
* :func:`participants_pseudonymise` — many participants at once (the
  retention period of sessions, see :mod:`privacy.retention`).

Each of them reaches every app that keeps a copy of the person: the account
(:mod:`kalanso.accounts`), participations and trainer profiles
(:mod:`trainers`), private reflections (:mod:`courses`), API tokens, and the
certificates (:mod:`certificates`), which keep a copy of the holder's name
(printed, shown on the public verification page, signed): live credentials
are revoked and the pseudonym replaces the name on every edition. The
helpers below them are private: calling one alone would leave the person
named somewhere.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.crypto import salted_hmac

from wagtail.models import APIToken

from certificates import issuance
from certificates.models import Credential
from courses.models import ReflectionAnswer
from kalanso.accounts import audit
from kalanso.accounts.models import AuditEntry, User
from trainers.models import Participant, TrainerProfile

# Recorded with the revocation (audit log, certificate management page): never
# a name.
ERASED_REASON = "erased at the holder's request"
RETENTION_REASON = "personal data erased (retention period)"
CATCH_UP_REASON = "holder's personal data erased"
# An erased account's e-mail address ends with this.
ERASED_EMAIL = "@erased.invalid"
BATCH = 1000

# The salts of the pseudonyms. They keep the names of the modules that first
# computed them: changing a salt would give the people erased from now on a
# different kind of code than those erased before.
ACCOUNT_SALT = "kalanso.accounts.rights.erase"
PARTICIPANT_SALT = "kalanso.trainers.erasure"


def account_pseudonym(user_id: int) -> str:
    """A stable code that says nothing without the site's SECRET_KEY."""
    digest = salted_hmac(ACCOUNT_SALT, str(user_id)).hexdigest()
    return f"erased-{digest[:12]}"


def participant_pseudonym(participant_id: int) -> str:
    digest = salted_hmac(PARTICIPANT_SALT, str(participant_id)).hexdigest()
    return f"P-{digest[:10].upper()}"


# Entry points ---------------------------------------------------------------------------


@transaction.atomic
def person_erase(
    user: User, *, by=None, reason: str = "", credential_reason: str = ERASED_REASON
) -> User:
    """Erase an account holder: their participations are pseudonymised, their
    credentials revoked and renamed, their private reflections deleted, their
    API tokens revoked, their trainer profile stripped of personal text, their
    account pseudonymised (and their name in the audit log with it)."""
    # A person erasing their own account is not named as the actor of the
    # new audit entries (the entry would keep their name as text).
    actor = None if by is None or by.pk == user.pk else by
    _participants_pseudonymise(
        Participant.objects.filter(user=user), by=actor, reason="account erased"
    )
    _credentials_erase(
        Credential.objects.filter(Q(user=user) | Q(participant__user=user)),
        by=actor,
        reason=credential_reason,
    )
    ReflectionAnswer.objects.filter(user=user).delete()
    for token in APIToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoke()
    _trainer_profile_erase(user)
    return _account_erase(user, by=by, reason=reason)


@transaction.atomic
def participant_erase(participant: Participant, *, by, reason: str = ""):
    """Erase a participant (the name, phone and role go; the claim code is
    replaced so that an old code can no longer attach the record to an
    account) and their certificates of attendance."""
    participant = _participant_pseudonymise(participant, by=by, reason=reason)
    _credentials_erase(Credential.objects.filter(participant=participant), by=by)
    return participant


def participants_pseudonymise(
    queryset, *, by=None, reason: str = "", credential_reason: str = ERASED_REASON
) -> int:
    """:func:`participant_erase` for every participant of ``queryset`` not
    yet pseudonymised, in batches. Returns how many were pseudonymised."""
    ids = list(
        queryset.filter(pseudonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    count = _participants_pseudonymise(
        Participant.objects.filter(pk__in=ids), by=by, reason=reason
    )
    for start in range(0, len(ids), BATCH):
        _credentials_erase(
            Credential.objects.filter(participant_id__in=ids[start : start + BATCH]),
            by=by,
            reason=credential_reason,
        )
    return count


# Erasures done before credentials and audit labels were part of them ---------------------


def unfinished_erasures():
    """Credentials of pseudonymised participants or erased accounts that are
    still valid or still carry something other than a pseudonym."""
    erased = Q(participant__pseudonymised_at__isnull=False) | Q(
        user__email__endswith=ERASED_EMAIL
    )
    named = ~Q(holder_name__startswith="P-") & ~Q(holder_name__startswith="erased-")
    return Credential.objects.filter(erased).filter(Q(revoked_at__isnull=True) | named)


def unfinished_erasures_complete() -> int:
    """Revoke and rename :func:`unfinished_erasures`, and put the pseudonym in
    place of the name in the audit entries of erased accounts. Returns how
    many credentials were completed."""
    ids = list(unfinished_erasures().values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        _credentials_erase(
            Credential.objects.filter(pk__in=ids[start : start + BATCH]),
            reason=CATCH_UP_REASON,
        )
    pseudonym = User.objects.filter(pk=OuterRef("actor_id")).values("full_name")[:1]
    AuditEntry.objects.filter(actor__email__endswith=ERASED_EMAIL).exclude(
        actor_label__startswith="erased-"
    ).update(actor_label=Subquery(pseudonym))
    return len(ids)


# Private: each one erases the person from one app only ---------------------------------


@transaction.atomic
def _account_erase(user: User, *, by=None, reason: str = "") -> User:
    """Pseudonymise the account's personal fields and close it. Aggregates
    (enrolments, completions, scores, gender, region, organisation) stay; the
    audit entries of what the person did stay too, under the pseudonym."""
    user = User.objects.select_for_update().get(pk=user.pk)
    code = account_pseudonym(user.pk)
    user.email = f"{code}{ERASED_EMAIL}"
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


PARTICIPANT_FIELDS = ["full_name", "phone", "role", "claim_code", "pseudonymised_at"]


def _participant_blank(participant: Participant, now) -> Participant:
    participant.full_name = participant_pseudonym(participant.pk)
    participant.phone = ""
    participant.role = ""
    # A new code, made as the model makes them, so that the old one can no
    # longer attach the record to an account.
    participant.claim_code = Participant._meta.get_field("claim_code").get_default()
    participant.pseudonymised_at = now
    return participant


@transaction.atomic
def _participant_pseudonymise(participant: Participant, *, by=None, reason=""):
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    _participant_blank(participant, timezone.now())
    participant.save(update_fields=PARTICIPANT_FIELDS)
    audit.record(
        by, "trainers.participant_pseudonymise", participant, reason=reason[:500]
    )
    return participant


def _participants_pseudonymise(queryset, *, by=None, reason="") -> int:
    """Pseudonymise every participant of ``queryset`` not yet pseudonymised,
    in batches (one audit entry per batch, listing the ids)."""
    ids = list(
        queryset.filter(pseudonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            rows = [
                _participant_blank(p, now)
                for p in Participant.objects.select_for_update().filter(pk__in=chunk)
            ]
            Participant.objects.bulk_update(rows, PARTICIPANT_FIELDS)
            audit.record(
                by,
                "trainers.participant_pseudonymise",
                None,
                reason=reason[:500],
                participants=chunk,
            )
    return len(ids)


def _trainer_profile_erase(user: User) -> None:
    """A trainer who erases their account: the profile (level, history,
    lineage) stays for the cascade's totals; what describes the person goes."""
    TrainerProfile.objects.filter(user=user).update(
        bio="",
        show_email=False,
        visibility=TrainerProfile.Visibility.PROGRAMME,
        calendar_token=TrainerProfile._meta.get_field("calendar_token").get_default(),
    )


def _holder_pseudonym(credential: Credential) -> str:
    if credential.participant_id is not None:
        return participant_pseudonym(credential.participant_id)
    return account_pseudonym(credential.user_id)


def _credentials_erase(credentials, *, by=None, reason: str = ERASED_REASON) -> int:
    """Every credential of ``credentials`` (all editions, live or not) gets
    the holder's pseudonym instead of their name; the live ones are revoked
    (the certificates app's own service: status list, audit log). Returns how
    many were revoked."""
    revoked = 0
    ids = list(credentials.values_list("pk", flat=True))
    with transaction.atomic():
        rows = list(
            Credential.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        )
        for credential in rows:
            name = _holder_pseudonym(credential)
            if credential.holder_name != name:
                Credential.objects.filter(pk=credential.pk).update(holder_name=name)
        for credential in rows:
            if credential.revoked_at is None:
                issuance.credential_revoke(
                    credential,
                    by=by,
                    reason=reason,
                    cause=Credential.Cause.MANUAL,
                )
                revoked += 1
    return revoked
