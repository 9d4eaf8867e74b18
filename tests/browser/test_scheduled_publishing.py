"""Scheduled publishing, end to end, in French and in English (issue #11,
item 1): an editor writes a lesson in the page editor and submits it, a
moderator schedules it, and the site served by ANOTHER process (gunicorn,
each worker with its own local-memory cache, as on the embedded set-up)
shows it at the scheduled time, once ``manage.py publish_scheduled`` has run
in a third process, as cron runs it.

The admin runs on the live server in this process; the site is read from
the second server, which has the old text cached beforehand."""

import time
from datetime import timedelta

from django.utils import timezone, translation

import pytest
from playwright.sync_api import expect

from courses.factories import course_with_lessons, user_with_role
from courses.models import LessonPage
from tests.browser.test_trainee_journey import LOGIN_PASSWORD, click_and_wait
from tests.servers import SiteServer, run_command

pytestmark = [
    pytest.mark.skip(
        reason="unfinished: not yet seen passing (the moderator's publish "
        "confirmation step); see the page-cache branch report"
    ),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOCALES = {"fr": "fr-FR", "en": "en-GB"}
NEW_TITLE = {"fr": "Écouter avant d'agir", "en": "Listen before acting"}
# Seconds between setting the go-live time and reaching it: enough for the
# moderator's two submissions and the checks that the site still shows the
# old text, on a loaded machine (at 25 s the go-live time had passed before
# the moderator published, and Wagtail published at once).
DELAY = 150


@pytest.fixture(scope="module")
def second_server(django_db_setup, django_db_blocker):
    site = SiteServer(workers=2).start()
    yield site
    site.stop()


def admin_user(email, role, language):
    from wagtail.users.models import UserProfile

    user = user_with_role(email, role, preferred_language=language)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def admin_context(new_context, language, **options):
    """A browser speaking ``language``; the admin's pages are heavy, so the
    navigations get more time than the default."""
    context = new_context(locale=LOCALES[language], **options)
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    return context


def admin_login(context, user, next_path):
    page = context.new_page()
    page.goto(f"/admin/login/?next={next_path}")
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, page.locator("form button[type=submit]"))
    return page


def footer_action(page, name):
    """The page editor's footer button ``name``, opening the footer's
    dropdown when the button is in it."""
    button = page.locator(f'button[name="{name}"]')
    if not button.is_visible():
        page.locator(".w-dropdown-button", has=button).locator(
            "[data-w-dropdown-target='toggle']"
        ).click()
    return button


def label(language, text):
    """Wagtail's label in the admin's language (the admin must speak it)."""
    with translation.override(language):
        return translation.gettext(text)


def read_everywhere(server, path):
    """The page's text from every worker of the second server."""
    return [server.get(path) for _ in range(6)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_scheduled_lesson_shows_at_its_time_in_another_process(
    live_server, new_context, second_server, language
):
    course = course_with_lessons(
        lessons=2, locale_code=language, title=f"Cours programmé {language}"
    )
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    old_title, path = lesson.title, lesson.url
    editor = admin_user(f"editor-{language}@example.org", "Editor", language)
    moderator = admin_user(f"moderator-{language}@example.org", "Moderator", language)
    new_title = NEW_TITLE[language]

    # The second server has the lesson cached, in every worker.
    assert all(
        status == 200 and old_title in body
        for status, body in read_everywhere(second_server, path)
    )

    # The editor writes the lesson and submits it for review.
    edit_path = f"/admin/pages/{lesson.pk}/edit/"
    page = admin_login(admin_context(new_context, language), editor, edit_path)
    assert page.locator("html").get_attribute("lang") == language
    page.locator('input[name="title"]').fill(new_title)
    submit = footer_action(page, "action-submit")
    expect(submit).to_contain_text(
        label(language, "Submit to %(workflow_name)s").split("%(")[0].strip()
    )
    click_and_wait(page, submit)
    expect(page.locator(".messages")).to_contain_text(new_title)

    # The moderator opens it, sets the go-live time and publishes.
    page = admin_login(admin_context(new_context, language), moderator, edit_path)
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator('input[name="title"]')).to_have_value(new_title)
    page.locator('[data-side-panel-toggle="status"]').click()
    page.get_by_role("button", name=label(language, "Set schedule")).click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    go_live_at = timezone.localtime(timezone.now() + timedelta(seconds=DELAY))
    # Seconds too (the picker shows minutes; the form accepts both), so the
    # test need not wait for the next minute.
    dialog.locator('input[name="go_live_at"]').evaluate(
        "(input, value) => { input.value = value }",
        go_live_at.strftime("%Y-%m-%d %H:%M:%S"),
    )
    click_and_wait(
        page, dialog.get_by_role("button", name=label(language, "Save schedule"))
    )
    publish = footer_action(page, "action-publish")
    schedule = label(language, "Schedule to publish")
    expect(publish).to_contain_text(schedule)
    publish.click()
    # Publishing a page under review cancels its workflow: Wagtail asks
    # first, and the moderator confirms.
    confirm = (
        page.get_by_role("button", name=label(language, "Publish"), exact=True)
        .locator("visible=true")
        .first
    )
    with page.expect_navigation():
        confirm.click()
    expect(page.locator(".messages")).to_contain_text(new_title)

    lesson.refresh_from_db()
    assert lesson.title == old_title  # scheduled, not live
    assert lesson.has_unpublished_changes

    # Before its time: the old text, everywhere, even after publish_scheduled.
    run_command("publish_scheduled")
    bodies = read_everywhere(second_server, path)
    assert all(old_title in body and new_title not in body for _s, body in bodies)

    # At its time, cron runs publish_scheduled in its own process.
    time.sleep(max(0.0, (go_live_at - timezone.now()).total_seconds()) + 1)
    run_command("publish_scheduled")

    browser_page = admin_context(
        new_context, language, base_url=second_server.url
    ).new_page()
    browser_page.goto(path)
    expect(browser_page.locator("h1")).to_contain_text(new_title)
    assert all(
        status == 200 and new_title in body
        for status, body in read_everywhere(second_server, path)
    )
    # The course page (its outline lists the lesson) too.
    assert all(
        new_title in body for _s, body in read_everywhere(second_server, course.url)
    )
