"""The demo cascade, loaded by ``seed_demo_cascade`` after ``seed_demo``:
a master trainer (generation 1) trained the demo trainer in a validated
session in Bamako; the trainer runs sessions in Mopti (held, with attendance
and scores) and a public one open for sign-up.

Idempotent: sessions are found by title, profiles by user. Participants
without accounts have invented names; no real person is described.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from certificates import issuance
from courses.models import CoursePage
from kalanso.accounts.models import Region
from trainers import certification, factories, lineage
from trainers.models import (
    Attendance,
    CascadeSession,
    Feedback,
    LevelChange,
    Participant,
    Place,
    ReportReview,
    SpokenLanguage,
    TrainerProfile,
)

from . import site

Level = TrainerProfile.Level
Status = CascadeSession.Status

MASTER = site.account("Master trainer")["email"]
TRAINER = site.account("Trainer")["email"]

PEOPLE = [
    # name, sex, age band, organisation type, role
    ("Awa Touré", "f", "25-34", "cso", "Présidente d'association de femmes"),
    ("Boubacar Guindo", "m", "35-49", "gov", "Agent de la protection civile"),
    ("Mariam Dicko", "f", "18-24", "cso", "Animatrice de jeunesse"),
    ("Hamadoun Barry", "m", "50+", "cso", "Chef de village"),
    ("Salimata Kané", "f", "35-49", "ngo", "Chargée de projet"),
    ("Ibrahim Ag Mohamed", "m", "25-34", "ngo", "Agent humanitaire"),
    ("Fanta Sidibé", "f", "25-34", "gov", "Enseignante"),
    ("Youssouf Tamboura", "m", "18-24", "cso", "Membre d'un comité de jeunes"),
]


def _profile(user, level, reason, certified_days_ago=None):
    profile = certification.profile_create(user, reason=reason)
    if profile.level != level:
        today = timezone.localdate()
        certified = today - timedelta(days=certified_days_ago or 90)
        TrainerProfile.objects.filter(pk=profile.pk).update(
            level=level,
            certified_at=certified if level >= Level.CERTIFIED else None,
            certified_until=(
                certification.add_months(
                    certified, certification.rules().validity_months
                )
                if level >= Level.CERTIFIED
                else None
            ),
        )
        LevelChange.objects.create(
            profile=profile,
            action=LevelChange.Action.CERTIFIED,
            from_level=profile.level,
            to_level=level,
            reason=reason,
        )
        # The level is set directly (the demo needs no certification path):
        # announce it as certification would, so the credentials follow.
        if certification.changes_credentials(LevelChange.Action.CERTIFIED, level):
            certification.credentials_changed.send(
                sender=TrainerProfile, profile_id=profile.pk
            )
        profile.refresh_from_db()
    certification.sync_groups(profile)
    return profile


def _session(title, *, course, lead, region, start, days, languages, **fields):
    """The session called ``title``, created if missing (the same builder
    as the tests'); returns (session, created)."""
    session = CascadeSession.objects.filter(title=title).first()
    if session is not None:
        return session, False
    session = factories.session(
        course, lead, title=title, region=region, start=start, days=days, **fields
    )
    session.languages.set(SpokenLanguage.objects.filter(code__in=languages))
    return session, True


def _people(session, people, pre_post=None):
    created = []
    for index, (name, sex, age, org, role) in enumerate(people):
        scores = (pre_post or {}).get(index, (None, None))
        created.append(
            Participant(
                session=session,
                full_name=name,
                sex=sex,
                age_band=age,
                organisation_type=org,
                role=role,
                source=Participant.Source.TRAINER,
                pre_score=scores[0],
                post_score=scores[1],
            )
        )
    return Participant.objects.bulk_create(created)


@transaction.atomic
def seed_cascade() -> dict:
    """Create the demo cascade; returns counts of what was created."""
    User = get_user_model()
    created = {}
    master = User.objects.filter(email=MASTER).first()
    trainer = User.objects.filter(email=TRAINER).first()
    course = (
        CoursePage.objects.live()
        .filter(locale__language_code="fr", is_trainer_track=False)
        .order_by("path")
        .first()
    )
    tot = (
        CoursePage.objects.live()
        .filter(locale__language_code="fr", is_trainer_track=True)
        .order_by("path")
        .first()
    )
    if not (master and trainer and course and tot):
        return created
    master_profile = _profile(
        master, Level.MASTER, "Formatrice du programme (démo)", 400
    )
    master_profile.languages.set(
        SpokenLanguage.objects.filter(code__in=["fr", "bm", "en"])
    )
    master_profile.regions.set(
        Region.objects.filter(code__in=["ML-BKO", "ML-2", "ML-4"])
    )
    if not master_profile.bio:
        master_profile.bio = (
            "Formatrice en sensibilité aux conflits depuis 2015, "
            "accompagne les formatrices et formateurs des régions du centre et du nord."
        )
        master_profile.save(update_fields=["bio"])

    today = timezone.localdate()
    tot_session, new = _session(
        "Formation de formateurs — Bamako",
        course=tot,
        lead=master,
        start=today - timedelta(days=120),
        days=5,
        region="ML-BKO",
        is_public=False,
        place=Place.objects.filter(code="ML.BA.C3").first(),
        venue="Centre de formation (démo)",
        capacity=20,
        status=Status.VALIDATED,
        report="<p>Cinq jours de formation de formateurs ; exercices pratiques d'animation.</p>",
        report_submitted_at=timezone.now() - timedelta(days=110),
        validated_at=timezone.now() - timedelta(days=100),
        languages=["fr", "bm"],
    )
    if new:
        created["sessions"] = created.get("sessions", 0) + 1
        Participant.objects.create(
            session=tot_session,
            user=trainer,
            full_name=trainer.full_name,
            sex=trainer.gender,
            organisation_type=getattr(trainer.organisation, "type", ""),
            role=trainer.job_title,
            source=Participant.Source.SELF,
            pre_score=55,
            post_score=85,
        )
        _people(tot_session, PEOPLE[4:6], {0: (50, 80), 1: (45, 75)})
        # Everyone attended every day: the validated session's certificates
        # of attendance follow from it.
        Attendance.objects.bulk_create(
            [
                Attendance(participant=person, day=day, present=True)
                for person in tot_session.participants.all()
                for day in tot_session.days
            ]
        )
        ReportReview.objects.create(
            session=tot_session,
            decision=ReportReview.Decision.VALIDATED,
            comment="Rapport complet, merci.",
        )

    trainer_profile = _profile(
        trainer, Level.CERTIFIED, "Certifié après la formation de formateurs (démo)", 90
    )
    if trainer_profile.trained_in_id is None:
        lineage.set_trained_in(trainer_profile, tot_session)
    trainer_profile.languages.set(
        SpokenLanguage.objects.filter(code__in=["fr", "bm", "ff"])
    )
    trainer_profile.regions.set(Region.objects.filter(code__in=["ML-5", "ML-4"]))

    held, new = _session(
        "Sensibilité aux conflits — Mopti, session 1",
        course=course,
        lead=trainer,
        start=today - timedelta(days=20),
        days=3,
        region="ML-5",
        is_public=False,
        place=Place.objects.filter(code="ML.MO.MP").first(),
        venue="Maison des jeunes (démo)",
        capacity=25,
        status=Status.HELD,
        languages=["fr", "ff"],
    )
    if new:
        created["sessions"] = created.get("sessions", 0) + 1
        people = _people(
            held,
            PEOPLE,
            {i: (40 + 3 * i, 65 + 3 * i) for i in range(len(PEOPLE) - 1)},
        )
        Attendance.objects.bulk_create(
            [
                Attendance(participant=person, day=day, present=(i + d) % 5 != 0)
                for i, person in enumerate(people)
                for d, day in enumerate(held.days)
            ]
        )
        Feedback.objects.bulk_create(
            [
                Feedback(
                    session=held,
                    satisfaction=5,
                    comment="Très utile pour notre comité.",
                ),
                Feedback(session=held, satisfaction=4),
                Feedback(
                    session=held,
                    satisfaction=4,
                    comment="Plus d'exercices en fulfulde.",
                ),
            ]
        )

    upcoming, new = _session(
        "Sensibilité aux conflits — Mopti, session 2",
        course=course,
        lead=trainer,
        start=today + timedelta(days=14),
        days=3,
        region="ML-5",
        place=Place.objects.filter(code="ML.MO.BD").first(),
        venue="Salle de la mairie (démo)",
        capacity=20,
        is_public=True,
        status=Status.SCHEDULED,
        languages=["fr", "ff"],
    )
    if new:
        created["sessions"] = created.get("sessions", 0) + 1
        _people(upcoming, PEOPLE[:3])
    # The validated sessions' certificates, through the normal issuance path
    # (idempotent; the task queued by the session's validation finds them).
    for session in CascadeSession.objects.filter(
        pk__in=[tot_session.pk, held.pk, upcoming.pk], status=Status.VALIDATED
    ):
        issuance.attendance_credentials_issue(session_id=session.pk)
    return created
