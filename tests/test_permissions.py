"""Every view × anonymous / trainee / editor: who gets in, who is sent to log in,
who is refused. Also: one trainee never sees another's private notes."""

from django.urls import reverse

import pytest

from courses.models import LessonPage, ReflectionAnswer

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def pages(course, private_course):
    lesson = LessonPage.objects.live().descendant_of(course).first()
    private_lesson = LessonPage.objects.live().descendant_of(private_course).first()
    reflection = next(b for b in lesson.body if b.block_type == "reflection")
    return {
        "course": course,
        "lesson": lesson,
        "private_lesson": private_lesson,
        "reflection_id": reflection.id,
    }


def views(p):
    """(name, method, url, data) for every view of the platform."""
    return [
        ("home", "get", "/fr/", None),
        ("catalogue", "get", p["course"].get_parent().url, None),
        ("course", "get", p["course"].url, None),
        ("public lesson", "get", p["lesson"].url, None),
        ("private lesson", "get", p["private_lesson"].url, None),
        ("search", "get", reverse("search") + "?q=cours", None),
        ("signup", "get", reverse("accounts:signup"), None),
        ("login", "get", reverse("accounts:login"), None),
        ("password reset", "get", reverse("accounts:password_reset"), None),
        ("my learning", "get", reverse("courses:my_learning"), None),
        ("profile", "get", reverse("accounts:profile"), None),
        ("password change", "get", reverse("accounts:password_change"), None),
        ("continue", "get", reverse("courses:continue", args=[p["course"].pk]), None),
        ("enrol", "post", reverse("courses:enrol", args=[p["course"].pk]), {}),
        (
            "complete",
            "post",
            reverse("courses:complete_lesson", args=[p["lesson"].pk]),
            {},
        ),
        (
            "reflection",
            "post",
            reverse(
                "courses:save_reflection", args=[p["lesson"].pk, p["reflection_id"]]
            ),
            {"text": "note"},
        ),
        ("wagtail admin", "get", "/admin/", None),
        ("wagtail admin pages", "get", "/admin/pages/", None),
        ("django admin", "get", "/django-admin/", None),
    ]


# Expected outcome per role: "ok" (2xx or a redirect inside the site that is
# not the login page), "login" (sent to log in), "denied" (403/redirect away).
EXPECTED = {
    "anonymous": {
        "home": "ok",
        "catalogue": "ok",
        "course": "ok",
        "public lesson": "ok",
        "private lesson": "login",
        "search": "ok",
        "signup": "ok",
        "login": "ok",
        "password reset": "ok",
        "my learning": "login",
        "profile": "login",
        "password change": "login",
        "continue": "login",
        "enrol": "login",
        "complete": "login",
        "reflection": "login",
        "wagtail admin": "login",
        "wagtail admin pages": "login",
        "django admin": "login",
    },
    "trainee": {
        "home": "ok",
        "catalogue": "ok",
        "course": "ok",
        "public lesson": "ok",
        "private lesson": "ok",
        "search": "ok",
        "signup": "ok",
        "login": "ok",
        "password reset": "ok",
        "my learning": "ok",
        "profile": "ok",
        "password change": "ok",
        "continue": "ok",
        "enrol": "ok",
        "complete": "ok",
        "reflection": "ok",
        "wagtail admin": "denied",
        "wagtail admin pages": "denied",
        "django admin": "login",
    },
    "editor": {
        "home": "ok",
        "catalogue": "ok",
        "course": "ok",
        "public lesson": "ok",
        "private lesson": "ok",
        "search": "ok",
        "signup": "ok",
        "login": "ok",
        "password reset": "ok",
        "my learning": "ok",
        "profile": "ok",
        "password change": "ok",
        "continue": "ok",
        "enrol": "ok",
        "complete": "ok",
        "reflection": "ok",
        "wagtail admin": "ok",
        "wagtail admin pages": "ok",
        "django admin": "login",
    },
}


def outcome(response, logged_in):
    if response.status_code in (401, 403):
        return "denied"
    if response.status_code in (301, 302):
        location = response["Location"]
        if logged_in and location.startswith(("/admin/login", "/django-admin/login")):
            # Wagtail sends a logged-in user without admin access to its login
            # page with "You do not have permission".
            return "denied" if location.startswith("/admin/") else "login"
        if "login" in location:
            return "login"
        if location.startswith("http") and "testserver" not in location:
            return "denied"
        return "ok"
    if 200 <= response.status_code < 300:
        return "ok"
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ["anonymous", "trainee", "editor"])
def test_permission_matrix(client, role, pages, trainee, editor):
    if role == "trainee":
        client.force_login(trainee)
    elif role == "editor":
        client.force_login(editor)
    results = {}
    for name, method, url, data in views(pages):
        response = (
            getattr(client, method)(url, data) if method == "post" else client.get(url)
        )
        results[name] = outcome(response, role != "anonymous")
    mismatches = {
        name: (got, EXPECTED[role][name])
        for name, got in results.items()
        if got != EXPECTED[role][name]
    }
    assert not mismatches, mismatches


def test_reflections_are_private(client, pages, trainee, editor):
    lesson, block_id = pages["lesson"], pages["reflection_id"]
    client.force_login(trainee)
    client.post(
        reverse("courses:save_reflection", args=[lesson.pk, block_id]),
        {"text": "Mon secret : la confiance manque à Gao."},
    )
    assert "Mon secret" in client.get(lesson.url).content.decode()
    client.force_login(editor)
    assert "Mon secret" not in client.get(lesson.url).content.decode()
    client.logout()
    assert "Mon secret" not in client.get(lesson.url).content.decode()


def test_reflection_edit_and_delete(client, pages, trainee):
    lesson, block_id = pages["lesson"], pages["reflection_id"]
    url = reverse("courses:save_reflection", args=[lesson.pk, block_id])
    client.force_login(trainee)
    client.post(url, {"text": "Première version"})
    client.post(url, {"text": "Deuxième version"})
    answer = ReflectionAnswer.objects.get(user=trainee)
    assert answer.text == "Deuxième version"
    client.post(url, {"text": "   "})
    assert not ReflectionAnswer.objects.filter(user=trainee).exists()


def test_reflection_on_unknown_block_is_404(client, pages, trainee):
    client.force_login(trainee)
    url = reverse("courses:save_reflection", args=[pages["lesson"].pk, "not-a-block"])
    assert client.post(url, {"text": "x"}).status_code == 404
    assert not ReflectionAnswer.objects.exists()
