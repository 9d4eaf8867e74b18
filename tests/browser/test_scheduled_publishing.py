"""Scheduled publishing, end to end, in French and in English (issue #11,
item 1): an editor writes a lesson in the page editor and submits it, a
moderator schedules it, and the site served by ANOTHER process (gunicorn,
each worker with its own local-memory cache, as on the embedded set-up)
shows it at the scheduled time, once ``manage.py publish_scheduled`` has run
in a third process, as cron runs it.

The admin runs on the live server in this process; the site is read from
the second server, which has the old text cached beforehand.

The moderator schedules the lesson for tomorrow, so that a slow machine
never reaches the go-live time before the moderator has published (Wagtail
would then publish at once). Instead of waiting for tomorrow, the test then
moves the scheduled revision's go-live time to just before now, in the
database, where ``publish_scheduled`` reads it, and runs the command."""

import html
import re
from datetime import timedelta

from django.utils import timezone, translation

from wagtail.models import Page

import pytest
from playwright.sync_api import expect

from courses.factories import course_with_lessons, user_with_role
from courses.models import LessonPage
from tests.browser.test_trainee_journey import LOGIN_PASSWORD, click_and_wait
from tests.servers import SiteServer, run_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOCALES = {"fr": "fr-FR", "en": "en-GB"}
NEW_TITLE = {"fr": "Écouter avant d'agir", "en": "Listen before acting"}


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
    """(status, body) of the page from every worker of the second server."""
    return [server.get(path) for _ in range(6)]


def headings_everywhere(server, path):
    """The page's <h1> text as every worker of the second server serves it
    (None for an answer other than 200)."""
    headings = set()
    for status, body in read_everywhere(server, path):
        found = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
        headings.add(
            html.unescape(found.group(1)).strip() if status == 200 and found else None
        )
    return headings


def listed_everywhere(server, path, title):
    """Whether every worker of the second server lists ``title`` at ``path``."""
    return all(
        status == 200 and html.escape(title) in body
        for status, body in read_everywhere(server, path)
    )


def reach_go_live_time(lesson):
    """Move the lesson's scheduled go-live time to a second ago, everywhere
    Wagtail keeps it: ``publish_scheduled`` picks the revisions whose
    ``approved_go_live_at`` has passed, then publishes the page rebuilt from
    the revision's content, and schedules it again if the ``go_live_at``
    there is still ahead; the page's own ``go_live_at`` is updated when set."""
    just_before = timezone.now() - timedelta(seconds=1)
    revision = lesson.scheduled_revision
    revision.approved_go_live_at = just_before
    revision.content["go_live_at"] = just_before.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    Page.objects.filter(pk=lesson.pk, go_live_at__isnull=False).update(
        go_live_at=just_before
    )


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

    # The second server has the lesson and its course cached, in every worker.
    assert headings_everywhere(second_server, path) == {old_title}
    assert listed_everywhere(second_server, course.url, old_title)

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

    # The moderator opens it, schedules it for tomorrow and publishes.
    page = admin_login(admin_context(new_context, language), moderator, edit_path)
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator('input[name="title"]')).to_have_value(new_title)
    page.locator('[data-side-panel-toggle="status"]').click()
    page.get_by_role("button", name=label(language, "Set schedule")).click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    tomorrow = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        second=0, microsecond=0
    )
    dialog.locator('input[name="go_live_at"]').evaluate(
        "(input, value) => { input.value = value }",
        tomorrow.strftime("%Y-%m-%d %H:%M"),
    )
    click_and_wait(
        page, dialog.get_by_role("button", name=label(language, "Save schedule"))
    )
    publish = footer_action(page, "action-publish")
    expect(publish).to_contain_text(label(language, "Schedule to publish"))
    publish.click()
    # Publishing a page under review cancels its workflow: Wagtail asks
    # first (wagtailadmin/pages/confirm_workflow_cancellation.html, in a
    # modal), and the moderator confirms.
    confirm = page.locator("[data-confirm-cancellation]")
    expect(confirm).to_have_text(label(language, "Publish"))
    with page.expect_navigation():
        confirm.click()
    expect(page.locator(".messages")).to_contain_text(new_title)

    # Scheduled for tomorrow, not live.
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.title == old_title
    assert lesson.has_unpublished_changes
    scheduled = lesson.scheduled_revision
    assert scheduled is not None and scheduled.approved_go_live_at == tomorrow
    assert scheduled.as_object().title == new_title

    # Before its time: the old text, everywhere, even after publish_scheduled.
    run_command("publish_scheduled")
    assert LessonPage.objects.get(pk=lesson.pk).title == old_title
    assert headings_everywhere(second_server, path) == {old_title}
    assert not any(
        html.escape(new_title) in body
        for _status, body in read_everywhere(second_server, course.url)
    )

    # Its time comes; cron runs publish_scheduled in its own process.
    reach_go_live_time(lesson)
    run_command("publish_scheduled")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and lesson.title == new_title
    assert lesson.scheduled_revision is None

    browser_page = admin_context(
        new_context, language, base_url=second_server.url
    ).new_page()
    browser_page.goto(path)
    expect(browser_page.locator("h1")).to_contain_text(new_title)
    assert headings_everywhere(second_server, path) == {new_title}
    # The course page (its outline lists the lesson) too.
    assert listed_everywhere(second_server, course.url, new_title)
