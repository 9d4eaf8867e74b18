"""The translation round-trip in the admin, as editors and moderators do it:
an editor changes a French lesson and submits it, a moderator approves it,
the editor syncs the translated pages, translates the changed string in
wagtail-localize's translation editor and submits the translation for
review; a moderator publishes it there, and the English lesson shows the new
text to everyone."""

from wagtail.models import Locale

import pytest
from playwright.sync_api import expect

from courses.factories import course_with_lessons, user_with_role
from courses.models import LessonPage
from tests.browser.test_trainee_journey import LOGIN_PASSWORD, click_and_wait
from tests.localize import localize

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_FR = "Les connecteurs qui rassemblent"
NEW_EN = "Connectors that bring people together"


# The admin's pages (the editor, wagtail-localize's React app) are heavier
# than the site's: more time than the suite's default 10 s on a busy machine.
ADMIN_TIMEOUT_MS = 60_000


def admin_page(new_context):
    context = new_context()
    context.set_default_timeout(ADMIN_TIMEOUT_MS)
    context.set_default_navigation_timeout(ADMIN_TIMEOUT_MS)
    return context.new_page()


def log_in(page, user, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, page.locator("form button[type=submit]"))


def open_actions(page):
    """The footer's menu of page actions (submit, approve…)."""
    page.locator('footer [data-w-dropdown-target="toggle"]').first.click()


def test_change_sync_translate_submit_publish(live_server, new_context):
    course = course_with_lessons(lessons=1, public=True, title="Cours traduit")
    lesson = LessonPage.objects.live().descendant_of(course).get()
    translation = localize(lesson)
    english = lesson.get_translation(Locale.objects.get(language_code="en"))
    editor = user_with_role("awa@example.org", "Editor")
    moderator = user_with_role("modibo@example.org", "Moderator")

    # The editor changes the French lesson and submits it for review.
    awa = admin_page(new_context)
    log_in(awa, editor, f"/admin/pages/{lesson.pk}/edit/")
    awa.locator('input[name="title"]').fill(NEW_FR)
    open_actions(awa)
    click_and_wait(awa, awa.locator('button[name="action-submit"]'))
    lesson.refresh_from_db()
    assert lesson.title != NEW_FR  # waiting for review

    # A moderator approves it: the French lesson is live.
    modibo = admin_page(new_context)
    log_in(modibo, moderator, f"/admin/pages/{lesson.pk}/edit/")
    open_actions(modibo)
    with modibo.expect_navigation():
        modibo.locator('button[data-workflow-action-name="approve"]').first.click()
    lesson.refresh_from_db()
    assert lesson.live and lesson.title == NEW_FR

    # The editor syncs the translated pages: "Sync translated pages" in the
    # lesson editor's header menu.
    awa.goto(f"/admin/pages/{lesson.pk}/edit/")
    sync = awa.locator('a[href*="/localize/update/"]').first
    if not sync.is_visible():
        awa.locator('nav[aria-label="Actions"] button').first.click()
    click_and_wait(awa, sync)
    click_and_wait(awa, awa.locator("main form [type=submit]").first)

    # ...opens the English lesson: the translation editor, with the changed
    # title waiting for its translation.
    awa.goto(f"/admin/pages/{english.pk}/edit/")
    segment = awa.locator("li").filter(has_text=NEW_FR).last
    expect(segment).to_be_visible(timeout=ADMIN_TIMEOUT_MS)
    field = segment.locator("textarea").first
    if not field.is_visible():  # a segment opens for editing on its button
        segment.locator("button").first.click()
    field.fill(NEW_EN)
    field.press("Enter")
    expect(awa.locator("p", has_text=NEW_EN).first).to_be_visible(
        timeout=ADMIN_TIMEOUT_MS
    )
    # No "Publish" for an editor; ours submits the translation for review.
    assert awa.locator('button[name="action"][value="publish"]').count() == 0
    click_and_wait(awa, awa.locator('button[name="kalanso-submit-translation"]'))
    expect(awa.locator(".messages")).to_contain_text(NEW_EN, timeout=ADMIN_TIMEOUT_MS)
    english.refresh_from_db()
    assert english.title != NEW_EN  # not live before the review
    assert translation.target_locale.language_code == "en"

    # The moderator publishes it from the translation editor.
    modibo.goto(f"/admin/pages/{english.pk}/edit/")
    publish = modibo.locator('button[name="action"][value="publish"]').first
    if not publish.is_visible():
        open_actions(modibo)
    with modibo.expect_navigation():
        publish.click()

    # Everyone sees the new English text.
    visitor = admin_page(new_context)
    english.refresh_from_db()
    visitor.goto(english.url)
    expect(visitor.locator("h1")).to_have_text(NEW_EN, timeout=ADMIN_TIMEOUT_MS)
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
