"""Password guessing is throttled by account and by client address on every
login form of the site (issue #12, finding 1)."""

import re
from datetime import timedelta

from django.core import mail
from django.db.models import F
from django.urls import reverse

import pytest
from axes.models import AccessAttempt

from courses.factories import user_with_role

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"  # tests/conftest.py's password


@pytest.fixture(autouse=True)
def small_limits(settings):
    # Small limits so each test reaches them quickly; the suite's other tests
    # keep the real ones.
    settings.KALANSO_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.KALANSO_LOGIN_FAILURES_PER_ADDRESS = 5


def log_in(client, email, password, *, address="10.0.0.1", url=None):
    return client.post(
        url or reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def test_account_is_locked_after_its_failures_whatever_the_address(client, trainee):
    for n in range(2):
        response = log_in(client, trainee.email, "wrong", address=f"10.0.1.{n}")
        assert response.status_code == 200
    # The third failure reaches the limit: the answer says so at once.
    response = log_in(client, trainee.email, "wrong", address="10.0.1.9")
    assert response.status_code == 429
    # The right password, from yet another address, is refused too.
    response = log_in(client, trainee.email.upper(), RIGHT, address="10.0.2.1")
    assert response.status_code == 429
    assert not logged_in(client)
    assert int(response["Retry-After"]) == 15 * 60
    # Another account from the same addresses is not affected.
    other = user_with_role("other@example.org", "Trainee")
    assert log_in(client, other.email, RIGHT, address="10.0.1.0").status_code == 302


def test_address_is_locked_after_failures_on_several_accounts(client, trainee):
    for n in range(5):
        log_in(client, f"guess{n}@example.org", "wrong", address="10.0.3.3")
    response = log_in(client, trainee.email, RIGHT, address="10.0.3.3")
    assert response.status_code == 429
    assert not logged_in(client)
    # The same account from another address logs in.
    assert log_in(client, trainee.email, RIGHT, address="10.0.3.4").status_code == 302


def test_message_is_translated_and_says_when(client, trainee):
    for _ in range(3):
        log_in(client, trainee.email, "wrong")
    response = log_in(client, trainee.email, RIGHT, url="/en/accounts/login/")
    assert response.status_code == 429
    html = response.content.decode()
    assert re.search(r"Try again in 15 minutes, at \d\d:\d\d", html), html
    assert "forgotten your password" in html


def test_attempts_during_the_lockout_do_not_move_the_time(client, trainee):
    for _ in range(3):
        log_in(client, trainee.email, "wrong")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=5))
    for _ in range(5):
        response = log_in(client, trainee.email, "wrong")
        assert response.status_code == 429
    assert int(response["Retry-After"]) == 10 * 60


def test_lockout_ends_after_the_cool_off(client, trainee):
    for _ in range(3):
        log_in(client, trainee.email, "wrong")
    assert log_in(client, trainee.email, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert log_in(client, trainee.email, RIGHT).status_code == 302


def test_successful_login_clears_the_account_failures(client, trainee):
    for _ in range(2):
        log_in(client, trainee.email, "wrong")
    assert log_in(client, trainee.email, RIGHT).status_code == 302
    client.logout()
    for _ in range(2):
        assert log_in(client, trainee.email, "wrong").status_code == 200
    assert log_in(client, trainee.email, RIGHT).status_code == 302


def test_successful_login_does_not_clear_the_address_failures(client, trainee):
    for n in range(4):
        log_in(client, f"guess{n}@example.org", "wrong")
    assert log_in(client, trainee.email, RIGHT).status_code == 302
    client.logout()
    # One more guess at someone else reaches the address's limit.
    assert log_in(client, "guess9@example.org", "wrong").status_code == 429


def test_new_password_by_e_mail_ends_the_account_lockout(client, trainee):
    for n in range(3):
        log_in(client, trainee.email, "wrong", address=f"10.0.4.{n}")
    assert log_in(client, trainee.email, RIGHT).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": trainee.email})
    link = re.search(r"http://testserver(\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Nouveau-mot-2026", "new_password2": "Nouveau-mot-2026"},
    )
    assert response.status_code == 302
    assert log_in(client, trainee.email, "Nouveau-mot-2026").status_code == 302


@pytest.mark.parametrize("url", ["/django-admin/login/", "/admin/login/"])
def test_admin_logins_are_throttled_too(client, url):
    from kalanso.accounts.models import User

    admin = User.objects.create_superuser(
        email="root@example.org", password=RIGHT, full_name="Root"
    )
    for _ in range(3):
        response = log_in(client, admin.email, "wrong", url=url)
    assert response.status_code == 429
    response = log_in(client, admin.email, RIGHT, url=url)
    assert response.status_code == 429
    assert not logged_in(client)
    # Failures on the site's own form count for the admin's too, and back.
    AccessAttempt.objects.all().delete()
    assert log_in(client, admin.email, RIGHT, url=url).status_code == 302


def test_message_in_french(client, trainee):
    for _ in range(3):
        log_in(client, trainee.email, "wrong")
    response = log_in(client, trainee.email, RIGHT, url="/fr/accounts/login/")
    assert response.status_code == 429
    html = response.content.decode()
    assert re.search(r"Réessayez dans 15 minutes, à \d\d:\d\d", html), html
