"""Who may upload a SCORM package, and who may launch one: the same rule as
the lesson that shows it (public course, private course, page restricted to
groups), enrolled or not."""

import re

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

import pytest

from courses.factories import user_with_role
from scorm.models import ScormPackage, ScormSession
from scorm.services import package_create

from .conftest import scorm_course, upload

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/scorm/scormpackage/add/"
ROLES = [
    "Trainee",
    "Trainer",
    "Master trainer",
    "Editor",
    "Moderator",
    "Programme manager",
]
MAY_UPLOAD = {"Editor", "Moderator"}


@pytest.mark.parametrize("role", [None, *ROLES])
def test_who_may_upload(client, settings, role):
    if role is not None:
        client.force_login(
            user_with_role(f"{role or 'x'}@example.org".replace(" ", ""), role)
        )
    response = client.post(
        ADD_URL, {"title": "", "upload": upload("singlescobasic.zip")}
    )
    if role in MAY_UPLOAD:
        assert response.status_code == 302, response.content[:500]
        package = ScormPackage.objects.get()
        assert package.version == "1.2"
        assert (package.path / "imsmanifest.xml").is_file()
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert (
                "/login/" in response["Location"] or response["Location"] == "/admin/"
            )
        assert not ScormPackage.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "scorm").exists() or role in MAY_UPLOAD


def test_invalid_upload_shows_the_reason_and_stores_nothing(client, settings):
    client.force_login(user_with_role("ed@example.org", "Editor"))
    response = client.post(
        ADD_URL,
        {"title": "", "upload": upload("invalid/singlescobasic_missingorg.zip")},
    )
    assert response.status_code == 200
    assert (
        "no organisation" in response.content.decode()
        or "organisation" in response.content.decode()
    )
    assert not ScormPackage.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "scorm").exists()


def launched(client, lesson):
    response = client.get(lesson.url)
    html = response.content.decode() if response.status_code == 200 else ""
    return response.status_code, bool(re.search(r'class="scorm-frame"', html))


@pytest.fixture
def package():
    return package_create(upload=upload("singlescobasic.zip"))


def test_private_course_needs_an_account_enrolled_or_not(client, scorm_origin, package):
    _course, lesson = scorm_course(package, public=False)
    status, player = launched(client, lesson)
    assert status == 302 and not player  # to the login form, as native lessons
    # Logged in, not enrolled: as a native lesson, the lesson opens.
    client.force_login(user_with_role("t@example.org", "Trainee"))
    assert launched(client, lesson) == (200, True)


def test_public_course_visitor_is_asked_to_log_in(client, scorm_origin, package):
    _course, lesson = scorm_course(package, public=True)
    status, player = launched(client, lesson)
    assert status == 200 and not player
    assert (
        "Connectez-vous pour faire cette activité"
        in client.get(lesson.url).content.decode()
    )
    assert not ScormSession.objects.exists()


def test_group_restricted_lesson_launches_only_for_the_group(
    client, scorm_origin, package
):
    course, lesson = scorm_course(package, public=False)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Trainer"))
    client.force_login(user_with_role("trainee@example.org", "Trainee"))
    status, player = launched(client, lesson)
    assert not player and status in (302, 403, 404)
    assert not ScormSession.objects.exists()
    client.force_login(user_with_role("trainer@example.org", "Trainer"))
    assert launched(client, lesson) == (200, True)


def test_editor_renames_a_package_but_cannot_replace_its_files(client, package):
    client.force_login(user_with_role("ed@example.org", "Editor"))
    url = f"/admin/snippets/scorm/scormpackage/edit/{package.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="upload"' not in response.content.decode()
    response = client.post(url, {"title": "Golf"})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.title == "Golf"
    assert client.post(url, {"title": " "}).status_code == 200  # a title is needed
