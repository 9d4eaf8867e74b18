"""Every view of the trainers' area × anonymous, trainee, other trainer, own
trainer, master trainer and programme manager, in one table.

One row per URL pattern of the ``trainers`` namespace (plus the ``/f/<token>``
short link); pages as GET rows, changes as POST rows with data that works for
the people allowed to make the change. Each role's request runs in a savepoint
that is rolled back, so every role meets the same data and a POST that works
(a session cancelled, a person withdrawn…) does not spoil the next role's
answer.

Outcomes:

- ``ok``: the page (2xx), or a redirect after a change that was made;
- ``refused``: the view answered but did nothing (an error message, or for a
  POST row nothing changed in the database);
- ``login``: sent to the login page;
- ``403`` / ``404``.

A POST row's ``state`` reads what the POST should change: ``ok`` needs a
change, and a change with any other outcome is reported as a failure too.
The roles that must not see the participants never find a participant's name
or phone number in any answer (public pages and calendars included); the
personal-data pages do show them to the others; and no page seen by a
logged-in person may be kept by a shared cache (see ``SHAREABLE``).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.contrib.messages import constants, get_messages
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from PIL import Image

from courses.factories import course_with_lessons, user_with_role
from trainers import certification, factories, importing, services
from trainers import urls as trainers_urls
from trainers.models import (
    Attendance,
    CascadeSession,
    Feedback,
    LinkInvitation,
    Observation,
    Participant,
    SessionPhoto,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Status = CascadeSession.Status
ROLES = ("anonymous", "trainee", "other_trainer", "own_trainer", "master", "manager")
# Who may see the participants of own_trainer's sessions.
SEE_PARTICIPANTS = {"own_trainer", "master", "manager"}
LOGIN = "/fr/accounts/login/?next="


# The data ------------------------------------------------------------------


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def course(db):
    """A published course, without lessons: the sessions need no more."""
    return course_with_lessons(lessons=0)


@pytest.fixture
def world(course, trainee, other_trainer, own_trainer, cofacilitator, master, manager):
    """own_trainer leads every session, with a co-facilitator:

    - ``held``: held, not public; two participants (one of them is the trainee,
      who claimed her record), attendance, scores, a photo, one feedback;
    - ``running``: scheduled, public, started yesterday; one participant;
    - ``draft`` and ``reported`` for the steps that need them.

    own_trainer was trained in a session led by the master, so the master is
    above them in the cascade.
    """
    today = timezone.localdate()
    team = {"co_facilitators": [cofacilitator]}
    trained_in = factories.session(
        course, master, status=Status.VALIDATED, start=today - timedelta(days=90)
    )
    TrainerProfile.objects.filter(user=own_trainer).update(trained_in=trained_in)
    held = factories.session(
        course,
        own_trainer,
        status=Status.HELD,
        start=today - timedelta(days=3),
        is_public=False,
        title="Session tenue",
        **team,
    )
    running = factories.session(
        course,
        own_trainer,
        start=today - timedelta(days=1),
        days=3,
        title="Session en cours",
        **team,
    )
    draft = factories.session(
        course, own_trainer, status=Status.DRAFT, title="Brouillon", **team
    )
    reported = factories.session(
        course,
        own_trainer,
        status=Status.REPORTED,
        start=today - timedelta(days=10),
        report="<p>Rapport de session</p>",
        title="Session rapportée",
        **team,
    )
    kadiatou = Participant.objects.create(
        session=held,
        user=trainee,
        full_name="Kadiatou Sangaré",
        sex="f",
        phone="+223 70 11 22 33",
        source=Participant.Source.SELF,
        pre_score=40,
        post_score=80,
    )
    boubacar = Participant.objects.create(
        session=held,
        full_name="Boubacar Dembélé",
        sex="m",
        phone="+223 66 44 55 66",
        source=Participant.Source.TRAINER,
        pre_score=50,
    )
    fatoumata = Participant.objects.create(
        session=running,
        full_name="Fatoumata Kanouté",
        sex="f",
        phone="+223 76 98 76 54",
        source=Participant.Source.TRAINER,
    )
    for person in (kadiatou, boubacar):
        for day in held.days:
            Attendance.objects.create(participant=person, day=day, present=True)
    photo = SessionPhoto(
        session=held, alt_text="Travail en groupe", uploaded_by=own_trainer
    )
    photo.image.save("photo.png", ContentFile(png()), save=True)
    Feedback.objects.create(session=held, satisfaction=5, comment="Très utile")
    # own_trainer asked to link Fatoumata's record to the trainee's account.
    invitation = LinkInvitation.objects.create(
        participant=fatoumata, user=trainee, invited_by=own_trainer
    )
    return SimpleNamespace(
        people=dict(
            zip(
                ROLES,
                (None, trainee, other_trainer, own_trainer, master, manager),
                strict=True,
            )
        ),
        course=course,
        cofacilitator=cofacilitator,
        newcomer=user_with_role("newcomer@example.org", "Trainee"),
        held=held,
        running=running,
        draft=draft,
        reported=reported,
        kadiatou=kadiatou,
        boubacar=boubacar,
        fatoumata=fatoumata,
        photo=photo,
        own_profile=own_trainer.trainer_profile,
        master_profile=master.trainer_profile,
        own_calendar=own_trainer.trainer_profile.calendar_token,
        feedback_token=held.feedback_token,
        invitation_token=invitation.token,
        participants=[kadiatou, boubacar, fatoumata],
    )


# POST data and what each POST changes ---------------------------------------


def session_data(w, session=None, **changes):
    session = session or w.running
    return {
        "title": "Session modifiée",
        "course": w.course.pk,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "region": session.region_id,
        "place": "",
        "venue": "Maison des jeunes",
        "mode": CascadeSession.Mode.IN_PERSON,
        "capacity": 20,
        "is_public": "on",
        "co_facilitators": [w.cofacilitator.pk],
        **changes,
    }


def person_data(full_name):
    return {
        "full_name": full_name,
        "sex": "f",
        "age_band": "25-34",
        "organisation_type": "cso",
        "role": "Animatrice",
        "phone": "+223 66 00 00 00",
    }


def attendance_data(w):
    """Everyone was marked present every day (``was``: the boxes ticked when
    the page was loaded); the post leaves only Kadiatou's first day."""
    first_day = w.held.days[0].isoformat()
    return {
        "row": [w.kadiatou.pk, w.boubacar.pk],
        "was": [
            f"{person.pk}:{day.isoformat()}"
            for person in (w.kadiatou, w.boubacar)
            for day in w.held.days
        ],
        "present": [f"{w.kadiatou.pk}:{first_day}"],
    }


def scores_data(w):
    return {
        "unit": "percent",
        f"pre_{w.kadiatou.pk}": "45",
        f"post_{w.kadiatou.pk}": "90",
        f"pre_{w.boubacar.pk}": "50",
        f"post_{w.boubacar.pk}": "75",
    }


def import_data(w):
    return {"file": SimpleUploadedFile("liste.csv", importing.template_csv())}


def status_of(session):
    return lambda w: CascadeSession.objects.get(pk=getattr(w, session).pk).status


def participant(name, *fields):
    return lambda w: Participant.objects.filter(pk=getattr(w, name).pk).values_list(
        *fields
    )[0]


def participants_of(session):
    return lambda w: Participant.objects.filter(session=getattr(w, session)).count()


# The table -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    args: tuple = ()  # names of ``world`` attributes (their pk) or literals
    expected: str = ""  # one outcome per role, in the order of ROLES
    data: Callable[[Any], dict] | None = None
    state: Callable[[Any], Any] | None = None  # what a POST changes
    setup: Callable[[Any], None] | None = None  # run before each role's request
    personal: bool = False  # lists participants by name
    note: str = ""  # tells rows of the same view apart

    @property
    def id(self):
        return "-".join(filter(None, [self.name, self.method, self.note]))

    def url(self, w):
        values = []
        for arg in self.args:
            value = getattr(w, arg, arg)
            values.append(getattr(value, "pk", value))
        if self.name == "feedback_short":
            return reverse("feedback_short", args=values)
        return reverse(f"trainers:{self.name}", args=values)


GET, POST = "get", "post"

# fmt: off
ROWS = [
    # The pool: directory, profiles, levels, cascade, calendars.
    #                                                        anonym  trainee  other    own      master   manager
    Row("directory", GET, (),                                "login  403      ok       ok       ok       ok"),
    Row("profile_edit", GET, (),                             "login  404      ok       ok       ok       404"),
    Row("profile_edit", POST, (),                            "login  404      ok       ok       ok       404",
        data=lambda w: {"bio": "Nouvelle bio", "visibility": "staff"},
        state=lambda w: TrainerProfile.objects.filter(bio="Nouvelle bio").count()),
    Row("calendar_reset", POST, (),                          "login  404      ok       ok       ok       404",
        state=lambda w: sorted(TrainerProfile.objects.values_list("calendar_token", flat=True))),
    Row("profile_add", GET, (),                              "login  403      403      403      ok       ok"),
    Row("profile_add", POST, (),                             "login  403      403      403      ok       ok",
        data=lambda w: {"email": "newcomer@example.org", "reason": "Recrue"},
        state=lambda w: TrainerProfile.objects.count()),
    Row("cascade_all", GET, (),                              "login  403      403      403      403      ok"),
    Row("calendar_public", GET, (),                          "ok     ok       ok       ok       ok       ok"),
    Row("calendar_trainer", GET, ("own_calendar",),          "ok     ok       ok       ok       ok       ok"),
    Row("calendar_trainer", GET, ("no-such-token",),         "404    404      404      404      404      404",
        note="bad-token"),
    Row("profile_detail", GET, ("own_profile",),             "login  403      ok       ok       ok       ok"),
    Row("profile_detail", GET, ("master_profile",),          "login  403      ok       ok       ok       ok",
        note="master"),
    Row("profile_level", GET, ("own_profile",),              "login  403      403      403      ok       ok"),
    Row("profile_level", POST, ("own_profile",),             "login  403      403      403      ok       ok",
        data=lambda w: {"action": "suspend", "suspend-reason": "Absences répétées"},
        state=lambda w: TrainerProfile.objects.get(pk=w.own_profile.pk).status),
    # Nobody changes their own level; a master's is in the managers' hands.
    Row("profile_level", POST, ("master_profile",),          "login  403      403      403      403      ok",
        data=lambda w: {"action": "suspend", "suspend-reason": "Absences répétées"},
        state=lambda w: TrainerProfile.objects.get(pk=w.master_profile.pk).status,
        note="master"),
    Row("cascade_trainer", GET, ("own_profile",),            "login  403      403      ok       ok       ok"),

    # Sessions: lists, the session's life, report, review, observation.
    Row("session_list", GET, (),                             "login  403      ok       ok       ok       ok"),
    Row("session_create", GET, (),                           "login  403      ok       ok       ok       403"),
    Row("session_create", POST, (),                          "login  403      ok       ok       ok       403",
        data=lambda w: session_data(w, title="Nouvelle session"),
        state=lambda w: CascadeSession.objects.count()),
    Row("session_detail", GET, ("held",),                    "login  403      403      ok       ok       ok"),
    Row("session_edit", GET, ("running",),                   "login  403      403      ok       403      403"),
    Row("session_edit", POST, ("running",),                  "login  403      403      ok       403      403",
        data=session_data,
        state=lambda w: CascadeSession.objects.get(pk=w.running.pk).title),
    Row("session_schedule", POST, ("draft",),                "login  403      403      ok       403      403",
        state=status_of("draft")),
    Row("session_held", POST, ("running",),                  "login  403      403      ok       403      403",
        state=status_of("running")),
    Row("session_cancel", GET, ("running",),                 "login  403      403      ok       ok       403"),
    Row("session_cancel", POST, ("running",),                "login  403      403      ok       ok       403",
        data=lambda w: {"reason": "Insécurité sur la route"},
        state=status_of("running")),
    Row("session_report", GET, ("held",),                    "login  403      403      ok       403      403"),
    Row("session_report", POST, ("held",),                   "login  403      403      ok       403      403",
        data=lambda w: {"action": "save", "narrative": "<p>Nouveau récit</p>"},
        state=lambda w: CascadeSession.objects.get(pk=w.held.pk).report),
    Row("session_photo", GET, ("held", "photo"),             "login  403      403      ok       ok       ok"),
    Row("session_photo", GET, ("running", "photo"),          "login  403      403      404      404      404",
        note="other-session"),
    Row("review_queue", GET, (),                             "login  403      403      403      ok       403"),
    Row("session_review", GET, ("reported",),                "login  403      403      403      ok       403"),
    Row("session_review", POST, ("reported",),               "login  403      403      403      ok       403",
        data=lambda w: {"decision": "validated", "comment": ""},
        state=status_of("reported")),
    Row("session_observe", GET, ("held",),                   "login  403      403      ok       ok       403"),
    Row("session_observe", POST, ("held",),                  "login  403      403      ok       ok       403",
        data=lambda w: {"trainer": w.cofacilitator.pk, "report": "Bien préparé.", "satisfactory": "on"},
        state=lambda w: Observation.objects.count()),

    # The public calendar and signing up.
    Row("session_upcoming", GET, (),                         "ok     ok       ok       ok       ok       ok"),
    Row("session_public", GET, ("running",),                 "ok     ok       ok       ok       ok       ok"),
    # Not public: only its trainers and participants (the trainee) see it.
    Row("session_public", GET, ("held",),                    "404    ok       404      ok       404      404",
        note="not-public"),
    Row("session_public", GET, ("draft",),                   "404    404      404      ok       404      404",
        note="draft"),
    Row("session_register", POST, ("running",),              "login  ok       ok       refused  ok       ok",
        state=participants_of("running")),
    # Only the person registered can withdraw (here: the trainee).
    Row("session_withdraw", POST, ("running",),              "login  ok       refused  refused  refused  refused",
        setup=lambda w: services.participant_register(session=w.running, user=w.people["trainee"]),
        state=lambda w: sorted(w.running.participants.values_list("state", flat=True))),

    # Participants: the list, one person, import, attendance, scores, exports.
    Row("participant_list", GET, ("held",),                  "login  403      403      ok       ok       ok",
        personal=True),
    Row("participant_list", POST, ("held",),                 "login  403      403      ok       403      403",
        data=lambda w: person_data("Awa Nouvelle"),
        state=participants_of("held")),
    Row("participant_edit", GET, ("held", "boubacar"),       "login  403      403      ok       403      403",
        personal=True),
    Row("participant_edit", POST, ("held", "boubacar"),      "login  403      403      ok       403      403",
        data=lambda w: person_data("Boubacar Corrigé"),
        state=participant("boubacar", "full_name")),
    Row("participant_withdraw", POST, ("held", "boubacar"),  "login  403      403      ok       403      403",
        state=participant("boubacar", "state")),
    Row("participant_link", GET, ("held", "boubacar"),       "login  403      403      ok       403      403",
        personal=True),
    # An invitation to the account holder: nothing is linked yet.
    Row("participant_link", POST, ("held", "boubacar"),      "login  403      403      ok       403      403",
        data=lambda w: {"email": "newcomer@example.org"},
        state=lambda w: (LinkInvitation.objects.count(), Participant.objects.get(pk=w.boubacar.pk).user_id)),
    # Only the person invited answers; for anyone else the address does not exist.
    Row("link_invitation", GET, ("invitation_token",),       "login  ok       404      404      404      404"),
    Row("link_invitation", POST, ("invitation_token",),      "login  ok       404      404      404      404",
        data=lambda w: {"action": "accept"},
        state=participant("fatoumata", "user")),
    Row("link_invitation", GET, ("no-such-token",),          "login  404      404      404      404      404",
        note="bad-token"),
    # Anyone logged in, with the code the trainer gave.
    Row("participant_claim", GET, (),                        "login  ok       ok       ok       ok       ok"),
    Row("participant_claim", POST, (),                       "login  ok       ok       ok       ok       ok",
        data=lambda w: {"code": w.fatoumata.claim_code},
        state=participant("fatoumata", "user")),
    Row("participant_import", GET, ("held",),                "login  403      403      ok       403      403"),
    # The upload only shows a preview: nothing is saved yet.
    Row("participant_import", POST, ("held",),               "login  403      403      ok       403      403",
        data=import_data),
    Row("participant_import_template", GET, ("csv",),        "login  403      ok       ok       ok       ok"),
    Row("participant_import_template", GET, ("xlsx",),       "login  403      ok       ok       ok       ok",
        note="xlsx"),
    Row("attendance", GET, ("held",),                        "login  403      403      ok       ok       ok",
        personal=True),
    Row("attendance", POST, ("held",),                       "login  403      403      ok       403      403",
        data=attendance_data,
        state=lambda w: sorted(Attendance.objects.values_list("participant", "day", "present"))),
    Row("scores", GET, ("held",),                            "login  403      403      ok       ok       ok",
        personal=True),
    Row("scores", POST, ("held",),                           "login  403      403      ok       403      403",
        data=scores_data,
        state=lambda w: sorted(Participant.objects.values_list("pk", "pre_score", "post_score"))),
    Row("participant_export", GET, ("held", "csv"),          "login  403      403      ok       ok       ok",
        personal=True),
    Row("participant_export", GET, ("held", "xlsx"),         "login  403      403      ok       ok       ok",
        note="xlsx"),

    # Feedback: a QR code for the trainers, an anonymous form for everyone.
    Row("feedback_qr", GET, ("held",),                       "login  403      403      ok       ok       ok"),
    Row("feedback_form", GET, ("feedback_token",),           "ok     ok       ok       ok       ok       ok"),
    Row("feedback_form", POST, ("feedback_token",),          "ok     ok       ok       ok       ok       ok",
        data=lambda w: {"satisfaction": "4", "comment": "Merci"},
        state=lambda w: Feedback.objects.count()),
    Row("feedback_thanks", GET, ("feedback_token",),         "ok     ok       ok       ok       ok       ok"),
    Row("feedback_short", GET, ("feedback_token",),          "ok     ok       ok       ok       ok       ok"),
    Row("feedback_short", GET, ("ZZZZ9999",),                "404    404      404      404      404      404",
        note="bad-token"),
]
# fmt: on


# Running a row -------------------------------------------------------------


def is_redirect(response):
    return response.status_code in (301, 302, 303, 307, 308)


def to_login(response):
    return is_redirect(response) and response["Location"].startswith(LOGIN)


def outcome(response, changed):
    status = response.status_code
    if to_login(response):
        return "login"
    if status >= 400:
        return str(status)
    if changed is not None and not changed:
        return "refused"
    errors = [
        message
        for message in get_messages(response.wsgi_request)
        if message.level == constants.ERROR
    ]
    return "refused" if errors else "ok"


def body(response) -> str:
    if response.streaming:
        # Reading it to the end closes it (and the file), as a server would.
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def secrets_of(w, user):
    """Names and phone numbers of the participants, except the viewer's own."""
    hidden = set()
    for person in w.participants:
        if user is None or person.user_id != user.pk:
            hidden |= {person.full_name, person.full_name.split()[-1], person.phone}
    return hidden


# Answers that shared caches may keep, although the person is logged in.
SHAREABLE = {
    "calendar_public": "public by design",
    "participant_import_template": "an empty form, the same for everyone",
}


def answer(row, w, user):
    """One person's request; returns the response and whether the POST
    changed what the row's ``state`` reads (None without ``state``)."""
    client = Client()
    if row.setup:
        row.setup(w)
    if user is not None:
        client.force_login(user)
    before = row.state(w) if row.state else None
    data = row.data(w) if row.data else {}
    response = getattr(client, row.method)(row.url(w), data)
    if row.method == GET and is_redirect(response) and not to_login(response):
        # Where a page sends people is what they get (/f/<token>).
        response = client.get(response["Location"])
    changed = (row.state(w) != before) if row.state else None
    return response, changed


def findings(row, w, role, response, result, changed):
    """What is wrong with an answer, beyond its outcome."""
    user = w.people[role]
    text = body(response)
    if changed and result != "ok":
        yield f"{result}, but the POST changed something"
    if role not in SEE_PARTICIPANTS:
        leaked = sorted(secret for secret in secrets_of(w, user) if secret in text)
        if leaked:
            yield f"sees {leaked}"
    elif row.personal and result == "ok" and w.boubacar.full_name not in text:
        yield "the participants are missing"
    if row.method == GET and result == "ok" and user is not None:
        cache_control = response.get("Cache-Control", "")
        if "private" not in cache_control and row.name not in SHAREABLE:
            yield f"Cache-Control {cache_control!r}"


def check_row(row, w):
    """Every role in turn, each in a savepoint rolled back afterwards; returns
    the outcomes found and the problems seen on the way."""
    found, problems = {}, []
    for role in ROLES:
        cache.clear()  # rate limits, cached pages and menus
        with transaction.atomic():
            response, changed = answer(row, w, w.people[role])
            found[role] = outcome(response, changed)
            problems += [
                f"{role}: {problem}"
                for problem in findings(row, w, role, response, found[role], changed)
            ]
            transaction.set_rollback(True)
    return found, problems


def expected_of(row):
    outcomes = row.expected.split()
    assert len(outcomes) == len(ROLES), row.id
    return dict(zip(ROLES, outcomes, strict=True))


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_permission_matrix(world, row):
    found, problems = check_row(row, world)
    assert found == expected_of(row)
    assert not problems


def test_every_view_has_a_row():
    """A new view without a row in the table fails here."""
    names = {pattern.name for pattern in trainers_urls.urlpatterns}
    names.add("feedback_short")  # /f/<token>, outside the language prefix
    assert None not in names
    in_table = {row.name for row in ROWS}
    assert names - in_table == set(), "views without a row"
    assert in_table - names == set(), "rows without a view"


def test_rows_are_distinct_and_well_formed():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))
    for row in ROWS:
        expected_of(row)
        assert row.method in (GET, POST), row.id
        if row.state is not None:
            assert row.method == POST, row.id


def test_a_suspended_cofacilitator_changes_nothing(world, client, master):
    """Suspended (or brought back to candidate), a co-facilitator no longer
    acts for the programme: no more changes to the sessions they were on."""
    cofacilitator = world.cofacilitator
    certification.suspend(cofacilitator.trainer_profile, by=master, reason="Enquête")
    client.force_login(cofacilitator)
    edit = reverse("trainers:session_edit", args=[world.running.pk])
    add = reverse("trainers:participant_list", args=[world.held.pk])
    assert client.get(edit).status_code == 403
    assert client.post(add, person_data("Ajoutée")).status_code == 403
    assert not Participant.objects.filter(full_name="Ajoutée").exists()


def test_a_suspended_lead_reads_and_changes_nothing(world, client, master, manager):
    """Suspended, the lead no longer acts for the programme: no cancelling
    (with its e-mail to everyone), no changes, and no more reading of the
    participants' personal data or exports; masters and managers still read."""
    own = world.people["own_trainer"]
    certification.suspend(own.trainer_profile, by=master, reason="Enquête")
    client.force_login(own)
    cancel = reverse("trainers:session_cancel", args=[world.running.pk])
    assert client.post(cancel, {"reason": "Rumeur"}).status_code == 403
    assert CascadeSession.objects.get(pk=world.running.pk).status == Status.SCHEDULED
    for name, args in (
        ("session_detail", [world.held.pk]),
        ("participant_list", [world.held.pk]),
        ("participant_export", [world.held.pk, "csv"]),
        ("attendance", [world.held.pk]),
        ("scores", [world.held.pk]),
    ):
        address = reverse(f"trainers:{name}", args=args)
        assert client.get(address).status_code == 403, name
        for reader in (master, manager):
            other = Client()
            other.force_login(reader)
            assert other.get(address).status_code == 200, (name, reader)
        client.force_login(own)
