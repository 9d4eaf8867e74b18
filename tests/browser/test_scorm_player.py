"""SCORM packages played in Chromium: Rustici's golf samples imported, then
launched from a lesson on a separate content origin (the live server's
127.0.0.1, while the site is on localhost: two hosts, two cookie jars)."""

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from courses.factories import user_with_role
from courses.models import LessonProgress
from scorm.models import ScormAttempt
from scorm.services import package_create
from tests.scorm.conftest import scorm_course, upload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def content_origin(settings, live_server, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    parts = urlsplit(live_server.url)
    assert parts.hostname == "localhost"
    settings.SCORM_CONTENT_ORIGIN = f"http://127.0.0.1:{parts.port}"
    return settings.SCORM_CONTENT_ORIGIN


def log_in(context, email):
    page = context.new_page()
    page.goto("/fr/accounts/login/")
    form = page.locator('main form[method="post"]')
    form.locator('input[name="username"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    return page


def shell(page):
    """The player frame (content origin) of the page."""
    for _ in range(100):
        for frame in page.frames:
            if "/scorm/s/" in frame.url:
                return frame
        time.sleep(0.05)
    raise AssertionError([f.url for f in page.frames])


def close_tab(page):
    """Close the tab as a person does: beforeunload, pagehide and unload run
    (the golf samples save their bookmark from beforeunload)."""
    page.close(run_before_unload=True)


def wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met")


def test_scorm12_eighteen_scos_table_of_contents(content_origin, new_context):
    package = package_create(upload=upload("RuntimeMinimumCalls_SCORM12.zip"))
    _course, lesson = scorm_course(package, native_lessons=0)
    learner = user_with_role("awa@example.org", "Trainee")
    context = new_context()
    page = log_in(context, "awa@example.org")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lesson.url)
    toc = page.locator("nav.scorm-toc li")
    expect(toc).to_have_count(18)
    content = page.frame_locator("iframe.scorm-frame").frame_locator("#sco")
    expect(content.locator("body")).to_contain_text("stroke play")
    # The SCO found the API in its parent (the shell, same content origin).
    assert shell(page).evaluate("() => window.API.LMSGetValue('cmi.core.entry')") == ""
    assert shell(page).evaluate("() => window.API.isInitialized()") is True
    # The package cannot reach the site: another origin, no cookie.
    assert shell(page).evaluate("() => document.cookie") == ""
    assert (
        shell(page).evaluate(
            "() => { try { return String(window.parent.document.title); }"
            " catch (e) { return 'blocked'; } }"
        )
        == "blocked"
    )
    # Choice navigation: the table of contents moves to another SCO; the one
    # left (LMSFinish on unload) is recorded as completed.
    with page.expect_navigation():
        page.locator("nav.scorm-toc a", has_text="Par?").click()
    expect(content.locator("body")).to_contain_text("par")
    wait_for(
        lambda: ScormAttempt.objects.filter(
            user=learner, sco_id="playing_playing_item", completion_status="completed"
        ).exists()
    )
    # The table of contents shows it done (the commit may land after the
    # next page was rendered: reload).
    page.reload()
    expect(page.locator("nav.scorm-toc li").first).to_contain_text("✓")
    # Flow navigation: "next" goes to the following SCO.
    with page.expect_navigation():
        page.locator('a[data-scorm-nav="continue"]').click()
    expect(page.locator('nav.scorm-toc [aria-current="step"]')).to_have_text(
        "Keeping Score"
    )
    assert errors == []


def test_scorm2004_sequencing_sample_resume_after_closing_the_tab(
    content_origin, new_context
):
    package = package_create(upload=upload("RuntimeBasicCalls_SCORM20043rdEdition.zip"))
    _course, lesson = scorm_course(package, native_lessons=0)
    learner = user_with_role("binta@example.org", "Trainee")
    context = new_context()
    page = log_in(context, "binta@example.org")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(lesson.url)
    launch = page.frame_locator("iframe.scorm-frame").frame_locator("#sco")
    expect(launch.locator("#butNext")).to_be_visible()
    inner = launch.frame_locator("#contentFrame")
    expect(inner.locator("body")).to_contain_text("stroke play")
    for _ in range(3):
        launch.locator("#butNext").click()
    expect(inner.locator("body")).to_contain_text("Stableford")  # page 4: OtherScoring
    # Mid-SCO: the tab is closed without the learner pressing anything.
    close_tab(page)
    attempt = wait_for(
        lambda: ScormAttempt.objects.filter(user=learner, location="3").first()
    )
    assert attempt.completion_status == "incomplete"
    # Relaunch: cmi.entry is resume, the bookmark is restored.
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(lesson.url)
    frame = shell(page)
    wait_for(lambda: frame.evaluate("() => window.API_1484_11.isInitialized()"))
    assert frame.evaluate("() => window.API_1484_11.GetValue('cmi.entry')") == "resume"
    assert frame.evaluate("() => window.API_1484_11.GetValue('cmi.location')") == "3"
    launch = page.frame_locator("iframe.scorm-frame").frame_locator("#sco")
    inner = launch.frame_locator("#contentFrame")
    expect(inner.locator("body")).to_contain_text("Stableford")
    # To the end: the SCO sets completion; the lesson is then complete.
    for _ in range(11):
        launch.locator("#butNext").click()
    wait_for(
        lambda: (
            frame.evaluate("() => window.API_1484_11.GetValue('cmi.completion_status')")
            == "completed"
        )
    )
    launch.locator("#butExit").click()
    wait_for(
        lambda: LessonProgress.objects.filter(
            user=learner, lesson_key=lesson.translation_key
        ).exists()
    )


def test_single_sco_and_64000_characters_of_suspend_data(content_origin, new_context):
    package = package_create(upload=upload("singlescobasic.zip"))
    _course, lesson = scorm_course(package, native_lessons=0)
    learner = user_with_role("coumba@example.org", "Trainee")
    context = new_context()
    page = log_in(context, "coumba@example.org")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(lesson.url)
    expect(page.locator("nav.scorm-toc")).to_have_count(0)  # one SCO: no TOC
    frame = shell(page)
    wait_for(lambda: frame.evaluate("() => window.API.isInitialized()"))
    data = "".join(chr(0x41 + i % 26) for i in range(63_990)) + "éàü€ߊ\"'<>\\"
    assert len(data) == 64_000
    assert (
        frame.evaluate(
            "(data) => window.API.LMSSetValue('cmi.suspend_data', data)", data
        )
        == "true"
    )
    assert frame.evaluate("() => window.API.LMSCommit('')") == "true"
    wait_for(
        lambda: ScormAttempt.objects.filter(user=learner, suspend_data=data).exists()
    )
    close_tab(page)
    wait_for(lambda: ScormAttempt.objects.filter(user=learner, exit="suspend").exists())
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(lesson.url)
    frame = shell(page)
    wait_for(lambda: frame.evaluate("() => window.API.isInitialized()"))
    assert frame.evaluate("() => window.API.LMSGetValue('cmi.suspend_data')") == data
    assert frame.evaluate("() => window.API.LMSGetValue('cmi.core.entry')") == "resume"
