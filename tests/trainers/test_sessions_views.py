"""Cascade session pages: who may open what, creating and editing a session,
its life (schedule, held, cancel) with the e-mails it sends, the lists with a
constant number of queries, and the public calendar."""

from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

import pytest

from courses.factories import user_with_role
from kalanso.accounts.models import Region
from trainers import factories, services
from trainers.models import (
    CascadeSession,
    Participant,
    Place,
    SpokenLanguage,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Status = CascadeSession.Status
LOGIN = "/fr/accounts/login/"
TODAY = timezone.localdate


def days(n):
    return TODAY() + timedelta(days=n)


def url(name, *args):
    return reverse(f"trainers:{name}", args=args)


def outcome(response):
    if response.status_code == 302 and response.url.startswith(LOGIN):
        return "login"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "missing"
    if response.status_code in (200, 302):
        return "ok"
    return response.status_code


@pytest.fixture
def sessions(course, own_trainer, cofacilitator):
    """One session in each state the pages care about, all led by own_trainer."""
    common = {"co_facilitators": [cofacilitator]}
    return {
        "scheduled": factories.session(course, own_trainer, **common),
        "held": factories.session(
            course, own_trainer, status=Status.HELD, start=days(-3), **common
        ),
        "reported": factories.session(
            course,
            own_trainer,
            status=Status.REPORTED,
            start=days(-10),
            report="<p>Rapport</p>",
            **common,
        ),
    }


@pytest.fixture
def people(trainee, other_trainer, own_trainer, cofacilitator, master, manager):
    return {
        "anonymous": None,
        "trainee": trainee,
        "other_trainer": other_trainer,
        "own_trainer": own_trainer,
        "cofacilitator": cofacilitator,
        "master": master,
        "manager": manager,
    }


ROLES = [
    "anonymous",
    "trainee",
    "other_trainer",
    "own_trainer",
    "cofacilitator",
    "master",
    "manager",
]
# view -> (session state, expected outcome per role in the order of ROLES)
MATRIX = {
    "session_list": (None, "login denied ok ok ok ok ok"),
    "session_create": (None, "login denied ok ok denied ok denied"),
    "session_detail": ("scheduled", "login denied denied ok ok ok ok"),
    "session_edit": ("scheduled", "login denied denied ok ok denied denied"),
    "session_cancel": ("scheduled", "login denied denied ok denied ok denied"),
    "session_report": ("held", "login denied denied ok ok denied denied"),
    "session_observe": ("held", "login denied denied ok denied ok denied"),
    "session_review": ("reported", "login denied denied denied denied ok denied"),
    "session_upcoming": (None, "ok ok ok ok ok ok ok"),
    "session_public": ("scheduled", "ok ok ok ok ok ok ok"),
}


@pytest.mark.parametrize("view", list(MATRIX))
def test_who_may_open_each_page(client, sessions, people, view):
    state, expected = MATRIX[view]
    target = url(view, sessions[state].pk) if state else url(view)
    for role, wanted in zip(ROLES, expected.split(), strict=True):
        client.logout()
        if people[role]:
            client.force_login(people[role])
        response = client.get(target)
        assert outcome(response) == wanted, (view, role, response.status_code)
        if wanted == "ok" and view not in ("session_upcoming", "session_public"):
            assert "private" in response["Cache-Control"], (view, role)


@pytest.mark.parametrize(
    ("view", "state"),
    [
        ("session_schedule", "scheduled"),
        ("session_held", "scheduled"),
        ("session_cancel", "scheduled"),
        ("session_register", "scheduled"),
        ("session_withdraw", "scheduled"),
    ],
)
def test_posts_need_login(client, sessions, view, state):
    before = CascadeSession.objects.get(pk=sessions[state].pk).status
    response = client.post(url(view, sessions[state].pk), {"reason": "x"})
    assert outcome(response) == "login"
    assert CascadeSession.objects.get(pk=sessions[state].pk).status == before
    assert not Participant.objects.exists()


def test_transitions_are_post_only(client, own_trainer, sessions):
    client.force_login(own_trainer)
    for view in ("session_schedule", "session_held"):
        assert client.get(url(view, sessions["scheduled"].pk)).status_code == 405


def test_other_trainer_cannot_change_a_session(client, other_trainer, course):
    draft = factories.session(course, other_trainer, status=Status.DRAFT)
    intruder = factories.trainer("intruder@example.org")
    client.force_login(intruder)
    for view, data in (
        ("session_schedule", {}),
        ("session_held", {}),
        ("session_cancel", {"reason": "Je veux"}),
        ("session_edit", {"title": "Piraté"}),
    ):
        assert client.post(url(view, draft.pk), data).status_code == 403, view
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.title != "Piraté"


# --- creating and editing ---------------------------------------------------------


def last_message(response):
    return list(response.context["messages"])[-1]


def form_data(course, /, **overrides):
    gao = Region.objects.get(code="ML-7")
    data = {
        "title": "Analyse des conflits — Gao",
        "course": course.pk,
        "start_date": days(10).isoformat(),
        "end_date": days(12).isoformat(),
        "region": gao.pk,
        "place": Place.objects.filter(region=gao).first().pk,
        "venue": "Maison des jeunes",
        "mode": "in_person",
        "languages": [
            SpokenLanguage.objects.get(code="fr").pk,
            SpokenLanguage.objects.get(code="ses").pk,
        ],
        "capacity": 25,
        "is_public": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_session(client, course, own_trainer, cofacilitator, master):
    candidate = factories.trainer(
        "candidate@example.org", TrainerProfile.Level.CANDIDATE
    )
    client.force_login(own_trainer)
    page = client.get(url("session_create")).content.decode()
    # Places grouped by region; camps under "Outside Mali".
    assert '<optgroup label="Gao">' in page
    assert '<optgroup label="Hors du Mali">' in page
    # Co-facilitators: active pool members from co-facilitator level, not me.
    choices = client.get(url("session_create")).context["form"]["co_facilitators"]
    offered = {int(choice.data["value"].value) for choice in choices}
    assert offered == {cofacilitator.pk, master.pk}
    assert candidate.pk not in offered and own_trainer.pk not in offered

    response = client.post(
        url("session_create"),
        form_data(course, co_facilitators=[cofacilitator.pk]),
    )
    session = CascadeSession.objects.get()
    assert response.status_code == 302
    assert response.url == url("session_detail", session.pk)
    assert session.status == Status.DRAFT
    assert session.lead_trainer == own_trainer
    assert session.created_by == own_trainer
    assert list(session.co_facilitators.all()) == [cofacilitator]
    assert {lang.code for lang in session.languages.all()} == {"fr", "ses"}
    assert session.is_public and session.capacity == 25


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"end_date": days(9).isoformat()},
            "end_date",
            "The last day cannot be before the first day.",
        ),
        (
            {"end_date": days(200).isoformat()},
            "end_date",
            "A session lasts at most %(days)s days.",
        ),
        ({"capacity": 0}, "capacity", ""),
        ({"title": ""}, "title", ""),
        ({"course": 999999}, "course", ""),
        ({"start_date": "31/02/2025"}, "start_date", ""),
    ],
)
def test_create_validation(client, course, own_trainer, overrides, field, message):
    client.force_login(own_trainer)
    response = client.post(url("session_create"), form_data(course, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    # The page is in French: the message is checked through the catalogue.
    with translation.override("fr"):
        expected = gettext(message) % {"days": 60} if message else ""
    assert escape(expected) in response.content.decode()
    assert not CascadeSession.objects.exists()


def test_place_must_be_in_the_region(client, course, own_trainer):
    client.force_login(own_trainer)
    camp = Place.objects.filter(kind="camp").first()
    response = client.post(url("session_create"), form_data(course, place=camp.pk))
    assert response.status_code == 200
    assert "place" in response.context["form"].errors
    assert not CascadeSession.objects.exists()
    # In its own region ("Outside Mali"), the camp is fine.
    outside = Region.objects.get(code="XX")
    response = client.post(
        url("session_create"), form_data(course, place=camp.pk, region=outside.pk)
    )
    assert response.status_code == 302
    assert CascadeSession.objects.get().place == camp


def test_cofacilitator_choices_are_checked(client, course, own_trainer, cofacilitator):
    suspended = factories.trainer("suspended@example.org")
    TrainerProfile.objects.filter(user=suspended).update(
        status=TrainerProfile.Status.SUSPENDED
    )
    trainee = user_with_role("somebody@example.org", "Trainee")
    client.force_login(own_trainer)
    for bad in (own_trainer, suspended, trainee):
        response = client.post(
            url("session_create"), form_data(course, co_facilitators=[bad.pk])
        )
        assert response.status_code == 200, bad
        assert "co_facilitators" in response.context["form"].errors
    assert not CascadeSession.objects.exists()


def test_edit_session(client, own_trainer, cascade_session, course):
    client.force_login(own_trainer)
    edit = url("session_edit", cascade_session.pk)
    page = client.get(edit).content.decode()
    assert cascade_session.title in page
    data = form_data(course, title="Nouveau titre", capacity=30)
    response = client.post(edit, data)
    assert response.status_code == 302
    cascade_session.refresh_from_db()
    assert cascade_session.title == "Nouveau titre"
    assert cascade_session.capacity == 30
    assert cascade_session.status == Status.SCHEDULED  # unchanged
    assert cascade_session.lead_trainer == own_trainer


def test_capacity_cannot_go_below_registered(
    client, own_trainer, cascade_session, course
):
    factories.participants(cascade_session, 5)
    client.force_login(own_trainer)
    response = client.post(
        url("session_edit", cascade_session.pk),
        form_data(course, title="Changé", capacity=4),
    )
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    cascade_session.refresh_from_db()
    # Nothing changed: neither the capacity nor the other fields.
    assert cascade_session.capacity == 20
    assert cascade_session.title != "Changé"


def test_capacity_increase_promotes_waiting_list(
    client, own_trainer, cascade_session, course, django_capture_on_commit_callbacks
):
    cascade_session.capacity = 1
    cascade_session.save()
    first, second, third = (
        user_with_role(f"p{i}@example.org", "Trainee") for i in range(3)
    )
    for person in (first, second, third):
        services.participant_register(session=cascade_session, user=person)
    client.force_login(own_trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("session_edit", cascade_session.pk), form_data(course, capacity=2)
        )
    assert response.status_code == 302
    states = dict(cascade_session.participants.values_list("user__email", "state"))
    assert states == {
        "p0@example.org": "registered",
        "p1@example.org": "registered",
        "p2@example.org": "waitlisted",
    }
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]


def test_cofacilitator_edits_but_does_not_choose_cofacilitators(
    client, cofacilitator, cascade_session, course, other_trainer
):
    client.force_login(cofacilitator)
    page = client.get(url("session_edit", cascade_session.pk)).content.decode()
    assert 'name="co_facilitators"' not in page
    response = client.post(
        url("session_edit", cascade_session.pk),
        form_data(course, title="Par le co", co_facilitators=[other_trainer.pk]),
    )
    assert response.status_code == 302
    cascade_session.refresh_from_db()
    assert cascade_session.title == "Par le co"
    assert list(cascade_session.co_facilitators.all()) == [cofacilitator]


def test_no_edit_once_held(client, own_trainer, sessions, course):
    held = sessions["held"]
    client.force_login(own_trainer)
    response = client.post(url("session_edit", held.pk), form_data(course, title="X"))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.title != "X"


# --- the life of a session ------------------------------------------------------------


def account_participant(session, email, state="registered"):
    user = user_with_role(email, "Trainee")
    return Participant.objects.create(
        session=session,
        user=user,
        full_name=user.full_name,
        state=state,
        source=Participant.Source.TRAINER,
    )


def test_schedule_invites_registered_account_holders(
    client, course, own_trainer, django_capture_on_commit_callbacks
):
    draft = factories.session(course, own_trainer, status=Status.DRAFT)
    account_participant(draft, "invited@example.org")
    account_participant(draft, "waiting@example.org", state="waitlisted")
    factories.participants(draft, 3)  # no account, no e-mail
    client.force_login(own_trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("session_schedule", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED
    assert [m.to for m in mail.outbox] == [["invited@example.org"]]
    body = mail.outbox[0].body
    assert url("session_public", draft.pk) in body
    assert draft.title in mail.outbox[0].subject

    # Scheduling twice: a message, nothing changes, no new e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("session_schedule", draft.pk), follow=True)
    assert response.status_code == 200
    assert last_message(response).level_tag == "error"
    assert len(mail.outbox) == 1


def test_only_the_lead_schedules(client, course, own_trainer, cofacilitator, master):
    draft = factories.session(
        course, own_trainer, status=Status.DRAFT, co_facilitators=[cofacilitator]
    )
    for user in (cofacilitator, master):
        client.force_login(user)
        assert client.post(url("session_schedule", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_held_not_before_the_first_day(client, own_trainer, course):
    future = factories.session(course, own_trainer, start=days(2))
    client.force_login(own_trainer)
    response = client.post(url("session_held", future.pk), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("first day" in m or "premier jour" in m for m in messages), messages
    future.refresh_from_db()
    assert future.status == Status.SCHEDULED

    today = factories.session(course, own_trainer, start=TODAY())
    page = client.get(url("session_detail", today.pk)).content.decode()
    assert url("session_held", today.pk) in page
    assert client.post(url("session_held", today.pk)).status_code == 302
    today.refresh_from_db()
    assert today.status == Status.HELD
    # Held twice: refused with a message.
    response = client.post(url("session_held", today.pk), follow=True)
    assert last_message(response).level_tag == "error"


def test_cancel_needs_a_reason(client, own_trainer, cascade_session):
    client.force_login(own_trainer)
    cancel = url("session_cancel", cascade_session.pk)
    page = client.get(cancel)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    for reason in ("", "   "):
        response = client.post(cancel, {"reason": reason})
        assert response.status_code == 200
        assert "reason" in response.context["form"].errors
    cascade_session.refresh_from_db()
    assert cascade_session.status == Status.SCHEDULED


def test_cancel_tells_account_holders(
    client, own_trainer, cascade_session, django_capture_on_commit_callbacks
):
    account_participant(cascade_session, "registered@example.org")
    account_participant(cascade_session, "waiting@example.org", state="waitlisted")
    account_participant(cascade_session, "gone@example.org", state="cancelled")
    factories.participants(cascade_session, 2)
    client.force_login(own_trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("session_cancel", cascade_session.pk),
            {"reason": "Insécurité sur la route de Gao"},
        )
    assert response.status_code == 302
    cascade_session.refresh_from_db()
    assert cascade_session.status == Status.CANCELLED
    assert cascade_session.cancel_reason == "Insécurité sur la route de Gao"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "registered@example.org",
        "waiting@example.org",
    ]
    assert all("Insécurité sur la route de Gao" in m.body for m in mail.outbox)
    # Cancelled: no more cancelling, editing or scheduling.
    response = client.post(
        url("session_cancel", cascade_session.pk), {"reason": "encore"}, follow=True
    )
    assert last_message(response).level_tag == "error"
    assert client.get(url("session_edit", cascade_session.pk)).status_code == 302


def test_master_may_cancel_a_session_he_does_not_lead(client, master, cascade_session):
    client.force_login(master)
    response = client.post(
        url("session_cancel", cascade_session.pk), {"reason": "Décision du programme"}
    )
    assert response.status_code == 302
    cascade_session.refresh_from_db()
    assert cascade_session.status == Status.CANCELLED


def test_detail_shows_actions_and_seats(client, own_trainer, master, cascade_session):
    factories.participants(cascade_session, 3)
    account_participant(cascade_session, "w@example.org", state="waitlisted")
    client.force_login(own_trainer)
    response = client.get(url("session_detail", cascade_session.pk))
    html = response.content.decode()
    assert response.context["seats"] == {"registered": 3, "waiting": 1, "left": 17}
    assert response.context["can_edit"] is True
    assert url("session_edit", cascade_session.pk) in html
    assert url("session_cancel", cascade_session.pk) in html
    assert url("session_schedule", cascade_session.pk) not in html  # scheduled
    client.force_login(master)
    html = client.get(url("session_detail", cascade_session.pk)).content.decode()
    assert url("session_edit", cascade_session.pk) not in html
    assert url("session_cancel", cascade_session.pk) in html


# --- lists ------------------------------------------------------------------------------


def test_my_sessions_and_all_sessions(
    client, course, own_trainer, other_trainer, master
):
    mine = factories.session(course, own_trainer, title="La mienne")
    theirs = factories.session(
        course, other_trainer, title="La leur", region="ML-5", status=Status.DRAFT
    )
    client.force_login(own_trainer)
    response = client.get(url("session_list"))
    assert [s.pk for s in response.context["mine"]] == [mine.pk]
    assert "sessions" not in response.context
    assert "La leur" not in response.content.decode()

    client.force_login(master)
    response = client.get(url("session_list"))
    assert {s.pk for s in response.context["sessions"]} == {mine.pk, theirs.pk}
    for query, expected in (
        ({"status": "draft"}, [theirs.pk]),
        ({"region": "ML-5"}, [theirs.pk]),
        ({"course": course.pk}, [mine.pk, theirs.pk]),
        ({"start": days(100).isoformat()}, []),
        ({"end": days(-100).isoformat()}, []),
        (
            {"start": days(0).isoformat(), "end": days(8).isoformat()},
            [mine.pk, theirs.pk],
        ),
        ({"status": "nonsense", "region": "<script>", "start": "hier"}, None),
    ):
        response = client.get(url("session_list"), query)
        assert response.status_code == 200, query
        if expected is not None:
            assert sorted(s.pk for s in response.context["sessions"]) == sorted(
                expected
            ), query


def test_pages_of_the_list(client, course, master):
    lead = factories.trainer("busy@example.org")
    for number in range(30):
        factories.session(course, lead, title=f"Session {number}")
    client.force_login(master)
    first = client.get(url("session_list"))
    assert len(first.context["sessions"].object_list) == 25
    second = client.get(url("session_list"), {"page": 2})
    assert len(second.context["sessions"].object_list) == 5
    assert client.get(url("session_list"), {"page": "x"}).status_code == 200
    assert client.get(url("session_list"), {"page": 999}).status_code == 200


def _count(client, target):
    with CaptureQueriesContext(connection) as context:
        response = client.get(target)
    assert response.status_code == 200
    return len(context.captured_queries)


def _make_sessions(course, lead, cofacilitator, count, offset):
    for number in range(count):
        session = factories.session(
            course,
            lead,
            title=f"S{offset + number}",
            co_facilitators=[cofacilitator],
            place=Place.objects.filter(region__code="ML-7").first(),
        )
        session.languages.set(SpokenLanguage.objects.all()[:3])
        factories.participants(session, 3, women=1)


def test_list_pages_run_a_constant_number_of_queries(
    client, course, own_trainer, cofacilitator, master
):
    _make_sessions(course, own_trainer, cofacilitator, 2, 0)
    counts = {}
    users = {"lead": own_trainer, "cofac": cofacilitator, "master": master}
    targets = {"list": url("session_list"), "upcoming": url("session_upcoming")}
    for who, user in users.items():
        client.force_login(user)
        client.get(targets["list"])  # warm the process-wide caches
        counts[("list", who)] = [_count(client, targets["list"])]
    client.logout()
    client.get(targets["upcoming"])
    counts[("upcoming", "anonymous")] = [_count(client, targets["upcoming"] + "?a=1")]

    _make_sessions(course, own_trainer, cofacilitator, 8, 2)
    for who, user in users.items():
        client.force_login(user)
        counts[("list", who)].append(_count(client, targets["list"]))
    client.logout()
    counts[("upcoming", "anonymous")].append(
        _count(client, targets["upcoming"] + "?a=2")
    )
    for key, (two, ten) in counts.items():
        assert two == ten, (key, two, ten)


# --- the public calendar -------------------------------------------------------------------


def test_upcoming_lists_public_scheduled_sessions_without_names(
    client, course, own_trainer, cofacilitator
):
    own_trainer.full_name = "Aminata Traoré"
    own_trainer.save()
    shown = factories.session(
        course, own_trainer, title="Ouverte", co_facilitators=[cofacilitator]
    )
    shown.languages.set(SpokenLanguage.objects.filter(code__in=["fr", "bm"]))
    factories.participants(shown, 5)
    Participant.objects.filter(session=shown).update(full_name="Fatoumata Participante")
    factories.session(course, own_trainer, title="Brouillon", status=Status.DRAFT)
    factories.session(course, own_trainer, title="Discrète", is_public=False)
    factories.session(course, own_trainer, title="Passée", start=days(-20))
    later = factories.session(course, own_trainer, title="Plus tard", start=days(30))
    response = client.get(url("session_upcoming"))
    html = response.content.decode()
    assert [s.pk for s in response.context["sessions"]] == [shown.pk, later.pk]
    for hidden in ("Brouillon", "Discrète", "Passée"):
        assert hidden not in html
    assert "Aminata" not in html and "Fatoumata" not in html
    assert "Bambara" in html and "Gao" in html
    assert "15" in html  # seats left
    assert "max-age=60" in response["Cache-Control"]

    public = client.get(url("session_public", shown.pk))
    html = public.content.decode()
    assert public.status_code == 200
    assert "Aminata" not in html and "Fatoumata" not in html
    assert "Cofac" not in html
    assert LOGIN in html  # log in to sign up
    assert "csrfmiddlewaretoken" not in html  # safe to share from the cache


def test_public_page_hidden_unless_public_or_involved(
    client, course, own_trainer, trainee, cofacilitator
):
    discreet = factories.session(
        course, own_trainer, is_public=False, co_facilitators=[cofacilitator]
    )
    draft = factories.session(course, own_trainer, status=Status.DRAFT)
    for session in (discreet, draft):
        assert client.get(url("session_public", session.pk)).status_code == 404
    client.force_login(trainee)
    for session in (discreet, draft):
        assert client.get(url("session_public", session.pk)).status_code == 404
        response = client.post(url("session_register", session.pk))
        assert response.status_code == 404
    assert not Participant.objects.exists()
    for user in (own_trainer, cofacilitator):
        client.force_login(user)
        assert client.get(url("session_public", discreet.pk)).status_code == 200
    # A participant entered by the trainer and linked to the account sees it.
    Participant.objects.create(
        session=discreet,
        user=trainee,
        full_name="T",
        source=Participant.Source.TRAINER,
    )
    client.force_login(trainee)
    response = client.get(url("session_public", discreet.pk))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_sign_up_waiting_list_and_withdraw(
    client, course, own_trainer, django_capture_on_commit_callbacks
):
    session = factories.session(course, own_trainer, capacity=1)
    first = user_with_role("first@example.org", "Trainee")
    second = user_with_role("second@example.org", "Trainee")
    third = user_with_role("third@example.org", "Trainee")
    register = url("session_register", session.pk)

    client.force_login(first)
    response = client.post(register, follow=True)
    assert "registered" in str(last_message(response)).lower() or (
        "inscrit" in str(last_message(response)).lower()
    )
    assert response.context["participation"].state == "registered"
    # Twice: the same record.
    client.post(register)
    assert session.participants.filter(user=first).count() == 1

    for number, user in enumerate((second, third), start=1):
        client.force_login(user)
        response = client.post(register, follow=True)
        message = str(last_message(response))
        assert f"position {number}" in message, message
        assert response.context["position"] == number
        assert f"position {number}" in response.content.decode()

    # The first withdraws: the second takes the seat and gets an e-mail.
    client.force_login(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("session_withdraw", session.pk))
    assert response.status_code == 302
    states = dict(session.participants.values_list("user__email", "state"))
    assert states == {
        "first@example.org": "cancelled",
        "second@example.org": "registered",
        "third@example.org": "waitlisted",
    }
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    assert url("session_public", session.pk) in mail.outbox[0].body
    client.force_login(third)
    assert client.get(url("session_public", session.pk)).context["position"] == 1
    # Withdrawing when not registered is a message, not an error.
    client.force_login(first)
    response = client.post(url("session_withdraw", session.pk), follow=True)
    assert last_message(response).level_tag == "error"


def test_trainer_cannot_sign_up_to_own_session(client, own_trainer, cascade_session):
    client.force_login(own_trainer)
    response = client.post(url("session_register", cascade_session.pk), follow=True)
    assert last_message(response).level_tag == "error"
    assert not cascade_session.participants.exists()


def test_no_withdrawal_online_once_held(client, course, own_trainer, trainee):
    session = factories.session(course, own_trainer)
    services.participant_register(session=session, user=trainee)
    CascadeSession.objects.filter(pk=session.pk).update(
        status=Status.HELD, start_date=days(-2), end_date=days(-1)
    )
    client.force_login(trainee)
    response = client.post(url("session_withdraw", session.pk), follow=True)
    assert last_message(response).level_tag == "error"
    assert session.participants.get().state == "registered"
