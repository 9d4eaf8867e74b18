"""Test and demo helpers for the trainer pool and cascade sessions."""

from datetime import date, timedelta

from django.utils import timezone

from courses.factories import user_with_role
from kalanso.accounts import roles
from kalanso.accounts.models import Region

from . import certification
from .models import CascadeSession, LevelChange, Participant, TrainerProfile

Level = TrainerProfile.Level


def trainer(
    email, level=Level.CERTIFIED, *, role=roles.TRAINEE, trained_in=None, **user_fields
):
    """A user in the trainer pool at ``level`` (groups in step), certified
    for two years when certified or master."""
    user = user_with_role(email, role)
    for name, value in user_fields.items():
        setattr(user, name, value)
    if user_fields:
        user.save()
    profile = certification.profile_create(user)
    if level != Level.CANDIDATE:
        today = timezone.localdate()
        TrainerProfile.objects.filter(pk=profile.pk).update(
            level=level,
            certified_at=today if level >= Level.CERTIFIED else None,
            certified_until=(
                today + timedelta(days=730) if level >= Level.CERTIFIED else None
            ),
            trained_in=trained_in,
        )
        LevelChange.objects.create(
            profile=profile,
            action=LevelChange.Action.PROMOTED,
            from_level=Level.CANDIDATE,
            to_level=level,
            reason="test",
        )
        profile.refresh_from_db()
        certification.sync_groups(profile)
    elif trained_in is not None:
        TrainerProfile.objects.filter(pk=profile.pk).update(trained_in=trained_in)
        profile.refresh_from_db()
    return user


def session(
    course,
    lead,
    *,
    status=CascadeSession.Status.SCHEDULED,
    region="ML-7",
    capacity=20,
    start=None,
    days=2,
    is_public=True,
    co_facilitators=(),
    **fields,
):
    start = start or (date.today() + timedelta(days=7))
    created = CascadeSession.objects.create(
        title=fields.pop("title", f"Session {course.title}"),
        course=course,
        lead_trainer=lead,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        region=Region.objects.get(code=region),
        capacity=capacity,
        status=status,
        is_public=is_public,
        created_by=lead,
        **fields,
    )
    if co_facilitators:
        created.co_facilitators.set(co_facilitators)
    return created


def participants(session, count, *, women=0, **fields):
    """``count`` people without accounts, the first ``women`` of them women."""
    return Participant.objects.bulk_create(
        [
            Participant(
                session=session,
                full_name=f"Participant {i + 1}",
                sex="f" if i < women else "m",
                source=Participant.Source.TRAINER,
                **fields,
            )
            for i in range(count)
        ]
    )
