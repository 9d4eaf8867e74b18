"""Pseudonymising participants (people's rights and retention periods).

A pseudonymised participant keeps what the programme's totals need — the
session, sex, age band, organisation type, registration state, attendance and
scores — and loses what names them: full name, phone, role, and the claim
code (replaced, so an old code can no longer attach the record to an account).
The new name is a stable code that means nothing without the site's
SECRET_KEY.

These functions touch the trainers app only. A participant's certificates of
attendance keep a copy of the name (``certificates.Credential.holder_name``),
and trainers does not import certificates: call the wrappers in
``reporting.rights`` (``erase_participant``, ``pseudonymise_participants``,
``erase_person``), which also revoke the credentials and put the pseudonym
in place of the name.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kalanso.accounts import audit

from .models import Participant, TrainerProfile, _short_code, _token

BATCH = 1000


def pseudonym(participant_id: int) -> str:
    digest = salted_hmac("kalanso.trainers.erasure", str(participant_id)).hexdigest()
    return f"P-{digest[:10].upper()}"


def _blank(participant: Participant, now) -> Participant:
    participant.full_name = pseudonym(participant.pk)
    participant.phone = ""
    participant.role = ""
    participant.claim_code = _short_code()
    participant.pseudonymised_at = now
    return participant


FIELDS = ["full_name", "phone", "role", "claim_code", "pseudonymised_at"]


@transaction.atomic
def pseudonymise_participant(participant: Participant, *, by=None, reason=""):
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    _blank(participant, timezone.now())
    participant.save(update_fields=FIELDS)
    audit.record(
        by, "trainers.participant_pseudonymise", participant, reason=reason[:500]
    )
    return participant


def pseudonymise_participants(queryset, *, by=None, reason="") -> int:
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
                _blank(p, now)
                for p in Participant.objects.select_for_update().filter(pk__in=chunk)
            ]
            Participant.objects.bulk_update(rows, FIELDS)
            audit.record(
                by,
                "trainers.participant_pseudonymise",
                None,
                reason=reason[:500],
                participants=chunk,
            )
    return len(ids)


def participant_data(participant: Participant) -> dict:
    """What the platform keeps about one participant, as plain data."""
    session = participant.session
    return {
        "participant": {
            "full_name": participant.full_name,
            "sex": participant.sex,
            "age_band": participant.age_band,
            "organisation_type": participant.organisation_type,
            "role": participant.role,
            "phone": participant.phone,
            "state": participant.state,
            "source": participant.source,
            "pre_score": str(participant.pre_score)
            if participant.pre_score is not None
            else None,
            "post_score": str(participant.post_score)
            if participant.post_score is not None
            else None,
            "registered_at": participant.registered_at.isoformat(),
            "pseudonymised_at": participant.pseudonymised_at.isoformat()
            if participant.pseudonymised_at
            else None,
            "has_account": participant.user_id is not None,
        },
        "session": {
            "title": session.title,
            "course": session.course.title,
            "start_date": session.start_date.isoformat(),
            "end_date": session.end_date.isoformat(),
            "region": session.region.code,
        },
        "attendance": [
            {"day": a.day.isoformat(), "present": a.present}
            for a in participant.attendance.all()
        ],
    }


@transaction.atomic
def erase_trainer_profile(user) -> None:
    """A trainer who erases their account: the profile (level, history,
    lineage) stays for the cascade's totals; what describes the person goes."""
    TrainerProfile.objects.filter(user=user).update(
        bio="",
        show_email=False,
        visibility=TrainerProfile.Visibility.PROGRAMME,
        calendar_token=_token(),
    )
