"""Assessments in a real browser: a trainee takes the pre-test, does a
knowledge check inside a lesson, finishes the lessons, passes the post-test and
sees the knowledge gain on the course page. Quiz pages are audited with axe."""

import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessments import factories
from assessments.models import Attempt
from courses.factories import course_with_lessons, user_with_role
from courses.models import Enrolment, LessonPage
from tests.browser.test_trainee_journey import (
    LOGIN_PASSWORD,
    assert_language,
    click_and_wait,
    mark_complete,
    path_of,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def make_test(title, kind):
    questions = [
        factories.single_choice(text=f"<p>{title} — question {n}</p>")
        for n in range(1, 5)
    ]
    return factories.quiz_with(questions, title=title, kind=kind, pass_mark=Decimal(75))


def answer_quiz(page, right):
    """Tick the right option for the first `right` questions, a wrong one after.
    The page does not say which is right: the test reads the key from the database."""
    attempt_id = int(path_of(page).rstrip("/").split("/")[-1])
    attempt = Attempt.objects.get(pk=attempt_id)
    for row in attempt.questions.order_by("position"):
        choices = row.snapshot["choices"]
        wanted = [
            c
            for c in choices
            if (Decimal(c["fraction"]) == 1) == (row.position <= right)
        ][0]
        page.locator(f'input[name="q{row.position}"][value="{wanted["id"]}"]').check()
    return attempt


def test_pre_test_knowledge_check_post_test_and_gain(
    live_server, new_context, axe_audit
):
    lang = "fr"
    course = course_with_lessons(lessons=2, public=False, title="Cours avec tests")
    course.pre_test = make_test("Pré-test", "pre")
    course.post_test = make_test("Post-test", "post")
    course.save_revision().publish()
    check = factories.quiz_with(
        [factories.single_choice(text="<p>Le marché partagé, vérifions.</p>")],
        title="Vérifions",
        kind="check",
        feedback_policy="immediate",
    )
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    lessons[0].body.append(("knowledge_check", {"quiz": check}, str(uuid.uuid4())))
    lessons[0].save_revision().publish()
    user = user_with_role("kadidia@example.org", "Trainee")

    page = new_context().new_page()
    page.goto(f"/{lang}/accounts/login/?next={course.url}")
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert path_of(page) == course.url
    click_and_wait(page, page.locator('form[action*="/enrol/"] button[type=submit]'))

    # Pre-test: 1 right answer out of 4.
    click_and_wait(
        page, page.locator(f'main a[href^="/{lang}/quiz/{course.pre_test.pk}/"]')
    )
    axe_audit.check(page, "quiz page")
    click_and_wait(page, page.locator('form[action*="/start/"] button[type=submit]'))
    assert_language(page, lang)
    html = page.content()
    assert "Oui : il rassemble." not in html  # no feedback before submitting
    axe_audit.check(page, "attempt")
    answer_quiz(page, right=1)
    click_and_wait(page, page.locator('button[name="action"][value="submit"]'))
    expect(page.locator(".status-box .score")).to_contain_text("25")
    axe_audit.check(page, "review")
    click_and_wait(page, page.locator("main a.btn"))  # back to the course
    assert path_of(page) == course.url

    # Knowledge check inside the first lesson.
    page.goto(lessons[0].url)
    check_form = page.locator('form[action*="/check/"]')
    expect(check_form).to_be_visible()
    attempt = Attempt.objects.get(user=user, quiz=check)
    row = attempt.questions.get()
    right_id = next(
        c["id"] for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1
    )
    check_form.locator(f'input[value="{right_id}"]').check()
    click_and_wait(page, check_form.locator("button[type=submit]"))
    assert path_of(page) == lessons[0].url
    expect(page.locator(".knowledge-check .score")).to_contain_text("100")
    expect(page.get_by_text("Oui : il rassemble.")).to_be_visible()
    axe_audit.check(page, "lesson with knowledge check")

    # Lessons, then the post-test: first failed, then passed.
    mark_complete(page)
    mark_complete(page)
    assert Enrolment.objects.get(user=user).completed_at is None
    page.goto(course.url)
    missing = page.locator("ul.missing")
    expect(
        missing.locator(f'a[href^="/{lang}/quiz/{course.post_test.pk}/"]')
    ).to_have_count(1)
    for right in (2, 4):
        page.goto(f"/{lang}/quiz/{course.post_test.pk}/?next={course.url}")
        click_and_wait(
            page, page.locator('form[action*="/start/"] button[type=submit]')
        )
        answer_quiz(page, right=right)
        click_and_wait(page, page.locator('button[name="action"][value="submit"]'))
    expect(page.locator(".status-box .success")).to_be_visible()
    click_and_wait(page, page.locator("main a.btn"))
    assert path_of(page) == course.url
    expect(page.locator(".tests .gain")).to_contain_text("75")
    assert Enrolment.objects.get(user=user).completed_at is not None
    axe_audit.check(page, "course with gain")
    axe_audit.assert_clean()
