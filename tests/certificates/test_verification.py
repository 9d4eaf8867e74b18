"""The public verification page: by link, QR code or typed code; valid,
expired or revoked; nothing else about the person; unguessable codes and a
rate limit."""

import re
import string
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from certificates import issuance
from certificates.models import (
    SHORT_CODE_ALPHABET,
    SHORT_CODE_LENGTH,
    Credential,
    new_code,
    new_short_code,
)

pytestmark = pytest.mark.django_db


def credential_queries(queries):
    table = Credential._meta.db_table
    return [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def page(client, credential, **kwargs):
    """The verification page in English (the source language of the UI)."""
    with translation.override("en"):
        url = reverse("certificates:verify", args=[credential.code])
    response = client.get(url, **kwargs)
    return response, response.content.decode()


def test_short_link_goes_to_the_page_in_the_visitors_language(
    course_credential, client
):
    response = client.get(f"/v/{course_credential.code}")
    assert response.status_code == 302
    assert response["Location"] == f"/fr/certificates/v/{course_credential.code}/"
    response = client.get(
        f"/v/{course_credential.short_code_display}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Location"] == (
        f"/en/certificates/v/{course_credential.short_code_display}/"
    )


def test_valid_certificate_shows_who_what_when_and_nothing_else(
    course_credential, trainee, client
):
    trainee.job_title = "Chargée de programme"
    trainee.save()
    response, html = page(client, course_credential)
    assert response.status_code == 200
    assert "Valid certificate" in html
    assert course_credential.holder_name in html
    assert course_credential.achievement_fr in html
    assert course_credential.short_code_display in html
    assert trainee.email not in html
    assert "Chargée de programme" not in html
    assert "<script" not in html  # works without JavaScript
    assert "no-store" in response["Cache-Control"]


def test_typed_short_code_in_any_case_with_or_without_dashes(course_credential, client):
    for typed in (
        course_credential.short_code_display.lower(),
        course_credential.short_code,
        " " + course_credential.short_code_display + " ",
    ):
        response = client.get(reverse("certificates:verify_form"), {"code": typed})
        assert response.status_code == 200, typed
        assert course_credential.holder_name in response.content.decode()


def test_revoked_certificate_says_so_with_the_date(course_credential, manager, client):
    issuance.credential_revoke(course_credential, by=manager, reason="Fraude")
    course_credential.refresh_from_db()
    response, html = page(client, course_credential)
    assert response.status_code == 200
    date = course_credential.revoked_at.astimezone(timezone.get_current_timezone())
    assert "Revoked on" in html
    assert str(date.year) in html and str(date.day) in html
    assert "Fraude" not in html  # the reason stays with the programme
    assert course_credential.holder_name in html
    # No download of a revoked credential from the page.
    assert reverse("certificate_public_jwt", args=[course_credential.code]) not in html


def test_expired_trainer_certificate_shows_expired(
    candidate, master, client, run_tasks
):
    from trainers import certification
    from trainers.models import TrainerProfile

    with run_tasks():
        certification.certify(TrainerProfile.objects.get(user=candidate), by=master)
    credential = Credential.objects.get(kind=Credential.Kind.TRAINER)
    Credential.objects.filter(pk=credential.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    response, html = page(client, credential)
    assert response.status_code == 200
    assert "Expired on" in html


def test_unknown_codes_get_a_404_without_a_hint(course_credential, client):
    almost = course_credential.code[:-1] + (
        "A" if course_credential.code[-1] != "A" else "B"
    )
    for code in (almost, "ABCD-EFGH-JKMN", "x" * 32, "nope"):
        response = client.get(reverse("certificates:verify", args=[code]))
        assert response.status_code == 404
        html = response.content.decode()
        assert course_credential.holder_name not in html
    response = client.get(
        reverse("certificates:verify_form"), {"code": "ABCD-EFGH-JKMN"}
    )
    assert response.status_code == 404


def test_lookups_are_rate_limited(course_credential, client, settings):
    settings.KALANSO_VERIFY_RATE_LIMIT = 5
    for _ in range(4):
        assert (
            client.get(reverse("certificates:verify", args=["x" * 32])).status_code
            == 404
        )
    assert page(client, course_credential)[0].status_code == 200
    response, html = page(client, course_credential)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert course_credential.holder_name not in html
    # The signed credential is behind the same limit.
    jwt_url = reverse("certificate_public_jwt", args=[course_credential.code])
    assert client.get(jwt_url).status_code == 429
    # Another address is not affected.
    assert page(client, course_credential, REMOTE_ADDR="10.9.8.7")[0].status_code == 200


def test_the_default_limit_is_30_a_minute(course_credential, client):
    codes = [
        client.get(reverse("certificates:verify", args=["y" * 32])).status_code
        for _ in range(31)
    ]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429


def test_codes_are_long_random_and_unrelated(attendance_session, course_credential):
    credentials = list(Credential.objects.order_by("pk"))
    for credential in credentials:
        assert len(credential.code) == 32
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", credential.code)
        assert len(credential.short_code) == SHORT_CODE_LENGTH
        assert set(credential.short_code) <= set(SHORT_CODE_ALPHABET)
    # Entropy: 192 bits for links, about 59 bits for codes typed by hand.
    assert len(SHORT_CODE_ALPHABET) ** SHORT_CODE_LENGTH > 2**59
    # Links: 32 characters drawn from all 64 of base64url, so 192 bits.
    drawn = {new_code() for _ in range(1000)}
    assert {len(code) for code in drawn} == {32}
    assert set("".join(drawn)) == set(string.ascii_letters + string.digits + "-_")
    # Drawn, not derived: a thousand draws never repeat.
    assert len({new_code() for _ in range(1000)}) == 1000
    assert len({new_short_code() for _ in range(1000)}) == 1000
    # Consecutive credentials share nothing (no counter, no timestamp inside).
    first, second = credentials[0], credentials[1]
    assert first.code[:6] != second.code[:6]
    assert first.short_code[:4] != second.short_code[:4]


def test_form_page_and_verification_in_english(client):
    response = client.get("/en/certificates/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verify a certificate" in html
    assert 'name="code"' in html


@pytest.mark.parametrize(
    "code",
    ["a" * 12 + "\x00" + "b" * 19, "\x00" * 32, "é" * 30, "a" * 31 + "/"],
)
def test_codes_of_the_wrong_shape_are_not_looked_up(course_credential, client, code):
    """A NUL byte would make PostgreSQL fail: refused before any query."""
    from urllib.parse import quote

    for url, params in (
        (f"/fr/certificates/v/{quote(code, safe='')}/", None),
        ("/fr/certificates/", {"code": code}),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code in (200, 404), url
        assert credential_queries(queries) == [], url


def test_codes_of_the_right_shape_are_looked_up(course_credential, client):
    """The counterpart of the test above: the capture does see the lookup."""
    for code in (new_code(), new_short_code()):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("certificates:verify", args=[code]))
        assert response.status_code == 404
        assert len(credential_queries(queries)) == 1, code


def test_revoked_signed_credential_is_no_longer_handed_out(
    course_credential, manager, client
):
    jwt_url = reverse("certificate_public_jwt", args=[course_credential.code])
    assert client.get(jwt_url).status_code == 200
    issuance.credential_revoke(course_credential, by=manager, reason="Erreur de saisie")
    assert client.get(jwt_url).status_code == 410
