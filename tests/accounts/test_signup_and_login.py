import re

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

import pytest

from kalanso.accounts.models import Organisation, Region, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup(client, django_capture_on_commit_callbacks):
    """Post the sign-up form; the e-mail task is enqueued on commit, as in production."""

    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:signup"), signup_data(**overrides))

    return post


PASSWORD = "Sahel-paix-2026!"


def signup_data(**overrides):
    data = {
        "full_name": "Aminata Traoré",
        "email": "Aminata@Example.org",
        "organisation": "",
        "job_title": "Animatrice",
        "region": Region.objects.get(code="ML-5").pk,
        "preferred_language": "fr",
        "gender": "f",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


def confirmation_link():
    assert len(mail.outbox) == 1
    match = re.search(r"https?://\S+/accounts/confirm/\S+/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(0).split("testserver", 1)[1]


def test_signup_creates_inactive_trainee_and_sends_confirmation(client, signup):
    response = signup()
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "aminata@example.org"
    assert not user.is_active
    assert user.consent_given_at is not None
    assert list(user.groups.values_list("name", flat=True)) == ["Trainee"]
    assert "aminata@example.org" in mail.outbox[0].to
    # The e-mail is in the user's preferred language.
    assert "Bonjour" in mail.outbox[0].body or "Hello" in mail.outbox[0].body


def test_confirmation_activates_and_logs_in_once(client, signup):
    signup()
    link = confirmation_link()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_learning")
    user = User.objects.get()
    assert user.is_active and user.email_confirmed_at
    assert client.get(reverse("courses:my_learning")).status_code == 200
    # One use only.
    client.logout()
    assert client.get(link).status_code == 400


def test_bad_confirmation_links(client):
    assert client.get("/fr/accounts/confirm/xx/yy/").status_code == 400
    assert client.get("/fr/accounts/confirm/MTIz/bad-token/").status_code == 400


def test_login_before_confirmation_explains(client, signup):
    signup()
    response = client.post(
        reverse("accounts:login"),
        {"username": "aminata@example.org", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["__all__"][0]
        .startswith(("Your e-mail", "Votre"))
    )
    assert "_auth_user_id" not in client.session


def test_login_is_case_insensitive(client, signup):
    signup()
    client.get(confirmation_link())
    client.logout()
    response = client.post(
        reverse("accounts:login"),
        {"username": "AMINATA@example.org ", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_wrong_password(client, trainee):
    response = client.post(
        reverse("accounts:login"), {"username": trainee.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_disabled_account_cannot_log_in(client, trainee):
    trainee.is_active = False
    trainee.save()
    response = client.post(
        reverse("accounts:login"),
        {"username": trainee.email, "password": "correct-horse-battery"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    # A confirmation link cannot re-enable a disabled account.
    from kalanso.accounts.services import confirmation_path

    assert client.get(confirmation_path(trainee)).status_code == 302
    trainee.refresh_from_db()
    assert not trainee.is_active


def signup_done_page(client, response, email):
    """The page a sign-up lands on, with the address typed taken out."""
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode().replace(email, "EMAIL")


def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(
    client, signup, trainee
):
    """Nothing tells the person signing up that an address has an account:
    same answer, same page; the owner is told by e-mail, with a way to choose
    a new password."""
    trainee.preferred_language = "en"  # the notice is in the owner's language
    trainee.save()
    known = signup_done_page(
        client, signup(email="TRAINEE@example.org"), "trainee@example.org"
    )
    assert User.objects.count() == 1
    trainee.refresh_from_db()
    assert trainee.check_password("correct-horse-battery")  # unchanged
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["trainee@example.org"]
    assert "Someone tried to create a Kalanso account" in notice.subject
    reset = re.search(
        r"http://testserver(/\S+/accounts/password/reset/\S+/)", notice.body
    )
    assert reset, notice.body
    mail.outbox.clear()
    client.cookies.clear()
    new = signup_done_page(client, signup(), "aminata@example.org")
    assert User.objects.filter(email="aminata@example.org").exists()
    assert "confirm" in mail.outbox[0].body
    assert known == new
    # The link works: it leads to the form to choose a new password.
    response = client.get(reset.group(1), follow=True)
    assert "new_password1" in response.content.decode()


def test_signup_with_an_unconfirmed_address_sends_its_activation_link(client, signup):
    signup()
    mail.outbox.clear()
    signup(password1="Autre-mot-2026!", password2="Autre-mot-2026!")
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "/accounts/confirm/" in mail.outbox[0].body
    assert "/accounts/password/reset/" not in mail.outbox[0].body
    # The password typed the second time was not taken.
    assert User.objects.get().check_password(PASSWORD)


def test_password_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    client, trainee
):
    pages = []
    for email in (trainee.email, "nobody@example.org"):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
        pages.append(client.get(response["Location"]).content)
    assert pages[0] == pages[1]
    assert [message.to for message in mail.outbox] == [[trainee.email]]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"consent": ""}, "consent"),
        ({"password2": "different-password"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"region": "999999"}, "region"),
        ({"gender": "z"}, "gender"),
    ],
)
def test_signup_bad_input_changes_nothing(signup, overrides, field):
    response = signup(**overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_resend_confirmation_does_not_reveal_accounts(client, signup):
    signup()
    mail.outbox.clear()
    for email in ("aminata@example.org", "nobody@example.org"):
        response = client.post(
            reverse("accounts:resend_confirmation"), {"email": email}
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_and_change(client, trainee):
    response = client.post(reverse("accounts:password_reset"), {"email": trainee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Nouveau-mot-2026", "new_password2": "Nouveau-mot-2026"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:login"),
        {"username": trainee.email, "password": "Nouveau-mot-2026"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Nouveau-mot-2026",
            "new_password1": "Encore-un-autre-2026",
            "new_password2": "Encore-un-autre-2026",
        },
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("Encore-un-autre-2026")


def test_profile_edit(trainee_client, trainee):
    org = Organisation.objects.create(name="Association Tassaght (test)", type="ngo")
    response = trainee_client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Nouveau Nom",
            "organisation": org.pk,
            "job_title": "Coordinatrice",
            "region": Region.objects.get(code="ML-7").pk,
            "preferred_language": "en",
            "gender": "x",
        },
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.full_name == "Nouveau Nom"
    assert trainee.organisation == org
    assert trainee.preferred_language == "en"


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_roles_exist_with_workflow():
    from wagtail.models import Page, Workflow

    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Trainee",
        "Trainer",
        "Master trainer",
        "Editor",
        "Moderator",
        "Programme manager",
    } <= names
    workflow = Page.objects.get(depth=1).get_workflow()
    assert isinstance(workflow, Workflow)
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Moderator"]


def test_create_user_requires_email():
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password="x")


def test_login_goes_to_preferred_language(client, trainee):
    trainee.preferred_language = "en"
    trainee.save()
    response = client.post(
        "/fr/accounts/login/",
        {"username": trainee.email, "password": "correct-horse-battery"},
    )
    assert response["Location"] == "/en/learn/"
    client.logout()
    response = client.post(
        "/fr/accounts/login/?next=/fr/learn/",
        {
            "username": trainee.email,
            "password": "correct-horse-battery",
            "next": "/fr/learn/",
        },
    )
    assert response["Location"] == "/fr/learn/"
