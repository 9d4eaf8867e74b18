"""Sign-up, confirmation links and password resets are limited per client
address and per e-mail address, nothing being sent beyond the limits; the
site's login is refused when the limits cannot be counted (issue #12,
findings 2 and 7)."""

import dataclasses
import re
import uuid

from django.core import mail

import pytest

from kalanso import ratelimit
from kalanso.accounts.models import User
from tests.accounts.test_signup_and_login import signup_data

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many requests from this connection or for this e-mail address"


def sign_up(client, address="10.1.0.1", **overrides):
    return client.post(
        "/en/accounts/signup/", signup_data(**overrides), REMOTE_ADDR=address
    )


def reset(client, email, address="10.1.0.1"):
    return client.post(
        "/en/accounts/password/reset/", {"email": email}, REMOTE_ADDR=address
    )


def page(response, email):
    """The page without the address typed nor the CSRF token."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def refused(response):
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    return True


def test_signup_is_limited_per_e_mail_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert sign_up(client, address=f"10.1.1.{n}").status_code == 302
    assert len(mail.outbox) == 3  # the confirmation, then two notices
    with django_capture_on_commit_callbacks(execute=True):
        assert refused(sign_up(client, address="10.1.1.9"))
    assert len(mail.outbox) == 3
    # Another address is not concerned.
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, address="10.1.1.9", email="autre@example.org")
    assert response.status_code == 302
    assert len(mail.outbox) == 4


def test_signup_is_limited_per_client_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.KALANSO_SIGNUPS_PER_ADDRESS = 3
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert sign_up(client, email=f"p{n}@example.org").status_code == 302
        assert refused(sign_up(client, email="p9@example.org"))
    assert User.objects.count() == 3 and len(mail.outbox) == 3
    assert not User.objects.filter(email="p9@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(client, "10.1.2.2", email="p9@example.org").status_code == 302


def test_new_confirmation_links_are_limited_too(client, settings):
    settings.KALANSO_SIGNUPS_PER_ADDRESS = 2
    for n in range(2):
        response = client.post(
            "/en/accounts/confirm/resend/", {"email": f"x{n}@example.org"}
        )
        assert response.status_code == 302
    response = client.post("/en/accounts/confirm/resend/", {"email": "y@example.org"})
    assert refused(response)


def test_password_reset_is_limited_per_e_mail_address(client, trainee):
    for n in range(3):
        assert reset(client, trainee.email, f"10.1.3.{n}").status_code == 302
    assert len(mail.outbox) == 3
    known = reset(client, trainee.email.upper(), "10.1.3.9")
    assert refused(known)
    assert len(mail.outbox) == 3
    # An address without an account: the same limit, the same answer.
    for n in range(3):
        assert reset(client, "nobody@example.org", f"10.1.4.{n}").status_code == 302
    unknown = reset(client, "nobody@example.org", "10.1.4.9")
    assert refused(unknown)
    assert page(known, "TRAINEE@EXAMPLE.ORG") == page(unknown, "nobody@example.org")


def test_password_reset_is_limited_per_client_address(client, trainee, monkeypatch):
    monkeypatch.setattr(
        ratelimit,
        "PASSWORD_RESET_BY_ADDRESS",
        dataclasses.replace(ratelimit.PASSWORD_RESET_BY_ADDRESS, limit=2),
    )
    for n in range(2):
        assert reset(client, f"n{n}@example.org").status_code == 302
    assert refused(reset(client, trainee.email))
    assert mail.outbox == []
    assert reset(client, trainee.email, "10.1.5.5").status_code == 302
    assert len(mail.outbox) == 1


def test_declared_account_limits():
    assert ratelimit.SIGNUP_BY_ADDRESS.allowed() == 20
    for policy in (
        ratelimit.SIGNUP_BY_ADDRESS,
        ratelimit.SIGNUP_BY_EMAIL,
        ratelimit.PASSWORD_RESET_BY_ADDRESS,
        ratelimit.PASSWORD_RESET_BY_EMAIL,
        ratelimit.LOGIN,
    ):
        assert policy.fail_open is False, policy.name


@pytest.fixture
def redis_down(settings):
    """The caches as production configures them with REDIS_URL, pointing at a
    port where nothing listens."""
    location = "redis://127.0.0.1:1/0"
    prefix = f"kalanso-tests-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        },
        "ratelimit": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit"
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True


def test_redis_down_refuses_logins_and_keeps_serving_pages(
    client, course, trainee, redis_down
):
    assert client.get(course.url).status_code == 200
    assert client.get("/en/accounts/login/").status_code == 200
    response = client.post(
        "/en/accounts/login/",
        {"username": trainee.email, "password": "correct-horse-battery"},
    )
    assert response.status_code == 429
    assert "Please try again in a minute" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Sign-ups and resets send e-mails: refused too, nothing sent.
    assert refused(sign_up(client))
    assert refused(reset(client, trainee.email))
    assert mail.outbox == []
    assert client.get(course.url).status_code == 200
