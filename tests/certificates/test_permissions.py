"""Every certificates view × anonymous, the holder, another trainee, the
session's trainer, a master trainer and a programme manager."""

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "holder", "other_trainee", "session_trainer", "master", "manager"]
LOGIN = "login"


def views(course, attendance):
    """(name, method, url, data, expected status per role)."""
    session = attendance.session
    public = dict.fromkeys(ROLES, 200)
    holder_or_manager = {
        "anonymous": LOGIN,
        "holder": 200,
        "other_trainee": 403,
        "session_trainer": 403,
        "master": 403,
        "manager": 200,
    }
    session_people = {
        "anonymous": LOGIN,
        "holder": 403,
        "other_trainee": 403,
        "session_trainer": 200,
        "master": 200,
        "manager": 200,
    }
    managers_only = {
        "anonymous": LOGIN,
        "holder": 403,
        "other_trainee": 403,
        "session_trainer": 403,
        "master": 403,
        "manager": 200,
    }
    return [
        ("verify form", "get", reverse("certificates:verify_form"), None, public),
        (
            "verify page",
            "get",
            reverse("certificates:verify", args=[course.code]),
            None,
            public,
        ),
        ("short link", "get", f"/v/{course.code}", None, dict.fromkeys(ROLES, 302)),
        (
            "signed credential by code",
            "get",
            f"/credentials/{course.code}.jwt",
            None,
            public,
        ),
        ("issuer", "get", "/credentials/issuer", None, public),
        ("public key set", "get", "/credentials/jwks.json", None, public),
        ("status list", "get", "/credentials/status/1", None, public),
        (
            "course PDF",
            "get",
            reverse("certificates:pdf", args=[course.pk]),
            None,
            holder_or_manager,
        ),
        (
            "course VC-JWT",
            "get",
            reverse("certificates:jwt", args=[course.pk]),
            None,
            holder_or_manager,
        ),
        (
            "attendance PDF",
            "get",
            reverse("certificates:pdf", args=[attendance.pk]),
            None,
            session_people,
        ),
        (
            "attendance VC-JWT",
            "get",
            reverse("certificates:jwt", args=[attendance.pk]),
            None,
            managers_only,
        ),
        ("sessions", "get", reverse("certificates:sessions"), None, session_people),
        (
            "session batch PDF",
            "get",
            reverse("certificates:session_pdf", args=[session.pk]),
            None,
            session_people,
        ),
        (
            "issue missing",
            "post",
            reverse("certificates:session_issue", args=[session.pk]),
            {},
            {**managers_only, "manager": 302},
        ),
        ("search", "get", reverse("certificates:manage_list"), None, managers_only),
        (
            "detail",
            "get",
            reverse("certificates:manage_detail", args=[course.pk]),
            None,
            managers_only,
        ),
        (
            "reissue",
            "post",
            reverse("certificates:manage_reissue", args=[attendance.pk]),
            {"holder_name": "Fatoumata Koné Traoré"},
            {**managers_only, "manager": 302},
        ),
        (
            "revoke",
            "post",
            reverse("certificates:manage_revoke", args=[course.pk]),
            {"reason": "Test"},
            {**managers_only, "manager": 302},
        ),
    ]


@pytest.fixture
def people(trainee, other_trainee, own_trainer, master, manager):
    return {
        "anonymous": None,
        "holder": trainee,
        "other_trainee": other_trainee,
        "session_trainer": own_trainer,
        "master": master,
        "manager": manager,
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    role, people, client, course_credential, attendance_credential
):
    if people[role] is not None:
        client.force_login(people[role])
    failures = []
    for name, method, url, data, expected in views(
        course_credential, attendance_credential
    ):
        response = getattr(client, method)(url, data or {})
        want = expected[role]
        if want == LOGIN:
            ok = (
                response.status_code == 302
                and "/accounts/login/" in response["Location"]
            )
        else:
            ok = response.status_code == want
        if not ok:
            failures.append(f"{name}: {response.status_code}, expected {want}")
    assert failures == []


def test_participant_who_claims_their_record_holds_the_certificate(
    attendance_credential, trainee, client
):
    """A person entered by the trainer who later links the record to an
    account (claim code) holds the certificate from then on."""
    participant = attendance_credential.participant
    participant.user = trainee
    participant.save()
    client.force_login(trainee)
    response = client.get(reverse("certificates:pdf", args=[attendance_credential.pk]))
    assert response.status_code == 200
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert attendance_credential.short_code_display in html
