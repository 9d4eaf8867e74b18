"""The page editor's preview panel shows the lesson being edited.

The preview is an iframe of the admin's own origin: its response must allow
that (``frame-ancestors 'self'``) while public pages keep refusing any frame.
"""

import pytest
from playwright.sync_api import expect

from courses.factories import course_with_lessons, user_with_role
from courses.models import LessonPage
from tests.browser.test_trainee_journey import LOGIN_PASSWORD, click_and_wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_preview_panel_renders_the_lesson(live_server, new_context):
    course = course_with_lessons(lessons=1, public=False, title="Cours prévisualisé")
    lesson = LessonPage.objects.live().descendant_of(course).get()
    editor = user_with_role("awa@example.org", "Editor")

    page = new_context().new_page()
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "frame-ancestors" in message.text or "Refused to frame" in message.text
            else None
        ),
    )
    page.goto(f"/admin/login/?next=/admin/pages/{lesson.pk}/edit/")
    page.locator('input[name="username"]').fill(editor.email)
    page.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, page.locator("form button[type=submit]"))

    page.locator('input[name="title"]').fill("Leçon vue dans l'aperçu")
    page.locator('[data-side-panel-toggle="preview"]').click()
    frame = page.frame_locator("#w-preview-iframe")
    expect(frame.locator("h1")).to_contain_text("Leçon vue dans l'aperçu")
    expect(frame.locator("main")).to_contain_text("Les connecteurs")
    assert blocked == []
