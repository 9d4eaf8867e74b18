"""Linking a participant's record to an account (issue #12, finding 4): the
trainer asks, the account holder accepts or declines. Nothing is linked, and
nothing about the account reaches the trainer, until they accept."""

import threading
from datetime import timedelta

from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.factories import course_with_lessons, user_with_role
from trainers import factories, services
from trainers.models import LinkInvitation, Participant

pytestmark = pytest.mark.django_db

Status = LinkInvitation.Status


@pytest.fixture
def entered(cascade_session):
    """A record the trainer entered, without an account."""
    return factories.participants(cascade_session, 1)[0]


def link_url(person):
    return reverse("trainers:participant_link", args=[person.session_id, person.pk])


def answer_url(invitation):
    return reverse("trainers:link_invitation", args=[invitation.token])


def ask(client, person, email):
    response = client.post(link_url(person), {"email": email})
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def invite(person, user, by):
    invitation = services.link_invitation_create(
        participant=person, email=user.email, by=by
    )
    assert invitation is not None
    return invitation


# The trainer's side: the same answer whatever the address -----------------------


def test_the_trainer_learns_nothing_about_the_address(
    django_capture_on_commit_callbacks, own_trainer, entered, trainee, cascade_session
):
    """An address with an account, without one, of an inactive account, of
    someone already in the session: the same redirect, the same message (but
    for the address typed), nothing linked."""
    inactive = user_with_role("inactive@example.org", "Trainee", is_active=False)
    inside = user_with_role("inside@example.org", "Trainee")
    Participant.objects.create(
        session=cascade_session, user=inside, full_name="Déjà là", source="self"
    )
    answers = []
    for email in (trainee.email, "nobody@example.org", inactive.email, inside.email):
        client = Client()
        client.force_login(own_trainer)
        with django_capture_on_commit_callbacks(execute=True):
            response, messages = ask(client, entered, email)
        answers.append(
            (
                response.status_code,
                response["Location"],
                [m.replace(email, "ADDRESS") for m in messages],
            )
        )
    assert len(set(map(repr, answers))) == 1, answers
    assert answers[0][0] == 302
    entered.refresh_from_db()
    assert entered.user is None
    # Only the account holder who can accept was invited (and e-mailed).
    assert list(LinkInvitation.objects.values_list("user", "status")) == [
        (trainee.pk, Status.PENDING)
    ]
    assert [message.to for message in mail.outbox] == [[trainee.email]]


def test_the_form_page_says_nothing_about_accounts(client, own_trainer, entered):
    client.force_login(own_trainer)
    page = client.get(link_url(entered)).content.decode()
    assert "No active account" not in page
    response = client.post(link_url(entered), {"email": "nobody@example.org"})
    assert response.status_code == 302  # no form error for an unknown address


def test_the_invitation_email(
    django_capture_on_commit_callbacks, client, own_trainer, entered, trainee
):
    client.force_login(own_trainer)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, entered, "  Trainee@Example.org ")
    invitation = LinkInvitation.objects.get()
    [message] = mail.outbox
    assert message.to == [trainee.email]
    assert answer_url(invitation) in message.body
    assert entered.session.title in message.body
    # The name the trainer typed is not sent: a mistyped address would
    # give a stranger someone's name.
    assert entered.full_name not in message.body


def test_asking_twice_sends_one_invitation(
    django_capture_on_commit_callbacks, client, own_trainer, entered, trainee
):
    client.force_login(own_trainer)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, entered, trainee.email)
    assert LinkInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_only_the_session_trainers_invite(entered, trainee, other_trainer, master):
    for user in (trainee, other_trainer, master):
        with pytest.raises(PermissionDenied):
            services.link_invitation_create(
                participant=entered, email=trainee.email, by=user
            )
    assert not LinkInvitation.objects.exists()


# The account holder's side --------------------------------------------------------


def test_the_notice_and_accepting(client, own_trainer, entered, trainee):
    invitation = invite(entered, trainee, own_trainer)
    client.force_login(trainee)
    for page in (reverse("courses:my_learning"), reverse("accounts:profile")):
        html = client.get(page).content.decode()
        assert answer_url(invitation) in html, page
    response = client.post(answer_url(invitation), {"action": "accept"})
    assert response.status_code == 302
    entered.refresh_from_db()
    assert entered.user == trainee
    invitation.refresh_from_db()
    assert invitation.status == Status.ACCEPTED
    assert invitation.answered_at is not None
    # Accepted: the notice is gone; accepting again changes nothing and is fine.
    assert (
        answer_url(invitation)
        not in client.get(reverse("courses:my_learning")).content.decode()
    )
    again = client.post(answer_url(invitation), {"action": "accept"})
    assert again.status_code == 302
    assert not [m for m in get_messages(again.wsgi_request) if m.level_tag == "error"]
    assert Participant.objects.filter(user=trainee).count() == 1


def test_declining_links_nothing(client, own_trainer, entered, trainee):
    invitation = invite(entered, trainee, own_trainer)
    client.force_login(trainee)
    client.post(answer_url(invitation), {"action": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == Status.DECLINED
    client.post(answer_url(invitation), {"action": "accept"})
    entered.refresh_from_db()
    assert entered.user is None


def test_someone_else_cannot_answer(client, own_trainer, entered, trainee):
    invitation = invite(entered, trainee, own_trainer)
    intruder = user_with_role("intruder@example.org", "Trainee")
    client.force_login(intruder)
    assert client.get(answer_url(invitation)).status_code == 404
    assert client.post(answer_url(invitation), {"action": "accept"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.link_invitation_accept(invitation=invitation, user=intruder)
    entered.refresh_from_db()
    assert entered.user is None


def test_an_expired_invitation_links_nothing(own_trainer, entered, trainee):
    invitation = invite(entered, trainee, own_trainer)
    LinkInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    invitation.refresh_from_db()
    assert not services.pending_link_invitations(trainee).exists()
    with pytest.raises(ValidationError):
        services.link_invitation_accept(invitation=invitation, user=trainee)
    entered.refresh_from_db()
    assert entered.user is None


def test_a_record_linked_meanwhile_withdraws_the_invitation(
    own_trainer, entered, trainee
):
    first = invite(entered, trainee, own_trainer)
    other = user_with_role("other@example.net", "Trainee")
    second = invite(entered, other, own_trainer)
    services.link_invitation_accept(invitation=second, user=other)
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.link_invitation_accept(invitation=first, user=trainee)
    entered.refresh_from_db()
    assert entered.user == other


# Two answers at once ----------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accepting_from_two_tabs_at_once_links_once():
    course = course_with_lessons(lessons=1)
    lead = factories.trainer("lead-link@example.org")
    session = factories.session(course, lead)
    person = factories.participants(session, 1)[0]
    holder = user_with_role("holder@example.org", "Trainee")
    invitation = invite(person, holder, lead)
    barrier = threading.Barrier(6)
    results, errors = [], []

    def accept():
        try:
            barrier.wait(timeout=30)
            client = Client()
            client.force_login(holder)
            response = client.post(answer_url(invitation), {"action": "accept"})
            results.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert results == [302] * 6
    assert Participant.objects.get(pk=person.pk).user == holder
    assert LinkInvitation.objects.get().status == Status.ACCEPTED
    assert Participant.objects.filter(user=holder).count() == 1
