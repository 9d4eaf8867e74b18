"""A record entered by a trainer follows the person once they have an
account: claimed with the code the trainer gave them, or linked by the trainer."""

from django.urls import reverse
from django.utils import translation

import pytest

from courses.factories import user_with_role
from trainers import factories
from trainers.models import LinkInvitation, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Pages in English, whatever an earlier test's request left active, so
    that the assertions on messages hold once the French catalogue exists."""
    with translation.override("en"):
        yield


CLAIM = "trainers:participant_claim"


@pytest.fixture
def entered(cascade_session):
    return factories.participants(cascade_session, 1, women=1)[0]


def claim(client, code):
    return client.post(reverse(CLAIM), {"code": code})


class TestClaimWithCode:
    def test_claim_page_needs_an_account(self, client):
        response = client.get(reverse(CLAIM))
        assert response.status_code == 302
        assert "/accounts/login/?next=" in response["Location"]

    def test_code_typed_loosely(self, trainee_client, trainee, entered):
        code = entered.claim_code
        typed = f" {code[:5].lower()} - {code[5:].lower()} "
        response = claim(trainee_client, typed)
        assert response.status_code == 302
        entered.refresh_from_db()
        assert entered.user == trainee
        page = trainee_client.get(reverse(CLAIM))
        assert "private" in page["Cache-Control"]
        html = page.content.decode()
        assert entered.session.title in html

    def test_wrong_code(self, trainee_client, entered):
        response = claim(trainee_client, "ZZZZZ-ZZZZZ")
        assert response.status_code == 200
        assert "not valid" in response.content.decode()
        entered.refresh_from_db()
        assert entered.user is None

    def test_used_code(self, trainee_client, entered, other_trainer, client):
        entered.user = other_trainer
        entered.save()
        response = claim(trainee_client, entered.claim_code)
        assert "not valid" in response.content.decode()
        entered.refresh_from_db()
        assert entered.user == other_trainer

    def test_already_in_the_session(
        self, trainee_client, trainee, cascade_session, entered
    ):
        Participant.objects.create(
            session=cascade_session, user=trainee, full_name="Moi", source="self"
        )
        response = claim(trainee_client, entered.claim_code)
        assert "already a participant" in response.content.decode()
        entered.refresh_from_db()
        assert entered.user is None

    def test_empty_code(self, trainee_client):
        response = claim(trainee_client, "")
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()

    def test_rate_limit(self, trainee_client, trainee, entered):
        for _attempt in range(10):
            assert claim(trainee_client, "WRONG-CODE0").status_code == 200
        # Even the right code is refused for now...
        response = claim(trainee_client, entered.claim_code)
        assert response.status_code == 429
        assert "Too many wrong codes" in response.content.decode()
        entered.refresh_from_db()
        assert entered.user is None
        # ...but only for this person.
        other = user_with_role("someone@example.org", "Trainee")
        trainee_client.force_login(other)
        assert claim(trainee_client, entered.claim_code).status_code == 302
        entered.refresh_from_db()
        assert entered.user == other

    def test_successes_do_not_count(self, trainee_client, course, own_trainer):
        for _index in range(12):
            session = factories.session(course, own_trainer)
            person = factories.participants(session, 1)[0]
            assert claim(trainee_client, person.claim_code).status_code == 302


class TestLinkByTrainer:
    """The trainer's side of an account link: an invitation, never a link
    (tests/trainers/test_link_invitations.py has the rest)."""

    def url(self, person):
        return reverse("trainers:participant_link", args=[person.session_id, person.pk])

    def test_asking_invites_and_links_nothing(
        self, client, own_trainer, entered, trainee
    ):
        client.force_login(own_trainer)
        response = client.post(self.url(entered), {"email": "TRAINEE@example.org "})
        assert response.status_code == 302
        entered.refresh_from_db()
        assert entered.user is None
        assert LinkInvitation.objects.get().user == trainee

    def test_unknown_address(self, client, own_trainer, entered):
        client.force_login(own_trainer)
        response = client.post(self.url(entered), {"email": "nobody@example.org"})
        assert response.status_code == 302
        assert not LinkInvitation.objects.exists()

    def test_inactive_account(self, client, own_trainer, entered, trainee):
        trainee.is_active = False
        trainee.save()
        client.force_login(own_trainer)
        client.post(self.url(entered), {"email": trainee.email})
        assert not LinkInvitation.objects.exists()

    def test_already_linked(self, client, own_trainer, entered, trainee, other_trainer):
        entered.user = other_trainer
        entered.save()
        client.force_login(own_trainer)
        response = client.post(self.url(entered), {"email": trainee.email})
        assert response.status_code == 302
        entered.refresh_from_db()
        assert entered.user == other_trainer
        assert not LinkInvitation.objects.exists()

    def test_only_the_session_trainers(
        self, client, entered, trainee, other_trainer, master, manager, cofacilitator
    ):
        for user in (trainee, other_trainer, master, manager):
            client.force_login(user)
            assert (
                client.post(self.url(entered), {"email": trainee.email}).status_code
                == 403
            )
        assert not LinkInvitation.objects.exists()
        client.force_login(cofacilitator)
        assert (
            client.post(self.url(entered), {"email": trainee.email}).status_code == 302
        )
        entered.refresh_from_db()
        assert entered.user is None
        assert LinkInvitation.objects.get().invited_by == cofacilitator


def test_claimed_session_appears_in_my_learning(trainee_client, trainee, entered):
    """The claimed session is listed in "My learning", linked to its page."""
    learning = reverse("courses:my_learning")
    assert entered.session.title not in trainee_client.get(learning).content.decode()
    claim(trainee_client, entered.claim_code)
    html = trainee_client.get(learning).content.decode()
    assert entered.session.title in html
    session_url = reverse("trainers:session_public", args=[entered.session.pk])
    assert f'href="{session_url}"' in html
    assert trainee_client.get(session_url).status_code == 200
