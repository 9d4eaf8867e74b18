"""The offline field kit for trainees, in a real browser (French and English).

A trainee downloads a course, goes offline (``context.set_offline``), reads two
lessons, does the exercise, answers a knowledge check and completes a lesson.
Back online, the server has the progress, the answer (scored there) and the
completion exactly once; replaying the same events changes nothing. A tab
killed in the middle of a sync loses and doubles nothing.
"""

import uuid

import pytest
from playwright.sync_api import expect

from assessments import factories
from assessments.models import Attempt
from courses.factories import course_with_lessons, user_with_role
from courses.models import Enrolment, LessonPage, LessonProgress
from offline.models import SyncEvent
from offline.templatetags.offline_tags import strings

from .test_trainee_journey import LESSON_TEXT, LOGIN_PASSWORD, click_and_wait, tr

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def js(lang, key, **values):
    """A text of the offline layer as the page shows it in ``lang``."""
    from django.utils import translation

    with translation.override(lang):
        text = strings()[key]
    return text % values if values else text


def course_for(lang):
    course = course_with_lessons(
        lessons=3, public=False, locale_code=lang, title=f"Hors ligne {lang}"
    )
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    check = factories.quiz_with(
        [factories.single_choice()],
        title="Vérifions",
        kind="check",
        feedback_policy="immediate",
    )
    lessons[1].body.append(("knowledge_check", {"quiz": check}, str(uuid.uuid4())))
    lessons[1].save_revision().publish()
    return course, lessons, check


def log_in(page, lang, user, next_url):
    page.goto(f"/{lang}/accounts/login/?next={next_url}")
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, page.locator("main form button[type=submit]"))


def download_course(page, lang, course):
    page.goto(course.url)
    box = page.locator("[data-offline-course]")
    button = box.get_by_role("button", name=js(lang, "download"))
    expect(button).to_be_visible()
    button.click()
    # The size comes first; nothing is stored before the trainee agrees.
    # ("About 0.1 MB to download (4 pages…" in the page's language.)
    size = js(lang, "size_first", size="\0", pages=4).split("\0")
    expect(box.locator("[data-offline-size]")).to_contain_text(size[0])
    expect(box.locator("[data-offline-size]")).to_contain_text(size[1][:25])
    box.get_by_role("button", name=js(lang, "download_confirm"), exact=True).click()
    expect(box).to_contain_text(js(lang, "download_done"), timeout=20_000)
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null", timeout=10_000
    )


def pending_in_browser(page):
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("kalanso-offline");
            open.onsuccess = () => {
                const req = open.result.transaction("outbox").objectStore("outbox").count();
                req.onsuccess = () => resolve(req.result);
            };
        })"""
    )


def done_events(page):
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("kalanso-offline");
            open.onsuccess = () => {
                const req = open.result.transaction("done").objectStore("done").getAll();
                req.onsuccess = () => resolve(req.result);
            };
        })"""
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_offline_course_syncs_once(lang, live_server, new_context):
    course, lessons, check = course_for(lang)
    user = user_with_role(f"mopti.{lang}@example.org", "Trainee")
    context = new_context()
    page = context.new_page()
    log_in(page, lang, user, course.url)
    click_and_wait(page, page.locator('form[action*="/enrol/"] button[type=submit]'))
    download_course(page, lang, course)
    attempt = Attempt.objects.get(user=user, quiz=check)  # started by the download
    assert Enrolment.objects.get(user=user).last_lesson_id is None

    context.set_offline(True)
    # A page that was not downloaded says so.
    page.goto(f"/{lang}/search/")
    expect(page.locator("h1")).to_have_text(tr(lang, "Not available offline"))

    # Lesson 1: read it, do the exercise, mark it complete.
    page.goto(lessons[0].url)
    expect(page.locator("main")).to_contain_text(LESSON_TEXT)
    expect(page.locator("#offline-loader")).to_have_count(1)
    page.wait_for_function("document.querySelector('.offline-status') !== null")
    form = page.locator("form.exercise-form")
    for index, category in enumerate(["connector", "divider", "divider"]):
        form.locator("fieldset").nth(index).locator(
            f'input[type="radio"][value="{category}"]'
        ).check()
    form.locator("button[type=submit]").click()
    expect(form.locator(".offline-note")).to_have_text(js(lang, "answer_recorded"))
    page.locator('form[action*="/complete/"] button[type=submit]').click()
    expect(page.locator(".lesson-complete .offline-note")).to_have_text(
        js(lang, "complete_recorded")
    )

    # Lesson 2: read it and answer the knowledge check (no key in the page).
    page.goto(lessons[1].url)
    expect(page.locator("main")).to_contain_text(LESSON_TEXT)
    assert "Oui : il rassemble." not in page.content()
    check_form = page.locator('form[action*="/check/"]')
    check_form.get_by_label("un connecteur").check()
    check_form.locator("button[type=submit]").click()
    expect(check_form.locator(".offline-note")).to_have_text(
        js(lang, "answer_recorded")
    )
    expect(page.locator(".offline-status .offline-count")).to_have_text(
        js(lang, "pending_n", count=3)
    )

    # "My learning" works offline too, and shows what waits.
    page.goto(f"/{lang}/learn/")
    expect(page.locator("[data-offline-pending]")).to_have_text(
        js(lang, "pending_n", count=3)
    )
    expect(page.locator("[data-offline-storage]")).to_contain_text(course.title)
    # Its size, with the unit in the page's language ("Mo" in French).
    unit = js(lang, "stored_size", size="").strip()
    expect(page.locator("[data-offline-storage]")).to_contain_text(f" {unit} ")
    # Nothing reached the server yet.
    assert LessonProgress.objects.filter(user=user).count() == 0
    assert SyncEvent.objects.count() == 0

    # Back online: "Synchronise now".
    context.set_offline(False)
    page.locator("[data-offline-sync]").click()
    expect(page.locator("[data-offline-pending]")).to_have_text(
        js(lang, "pending_0", count=0), timeout=20_000
    )
    assert pending_in_browser(page) == 0
    progress = LessonProgress.objects.filter(user=user)
    assert [p.lesson_id for p in progress] == [lessons[0].pk]
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.passed  # scored by the server
    assert Attempt.objects.filter(user=user, quiz=check).count() == 1
    events = {e.kind: e for e in SyncEvent.objects.filter(user=user)}
    assert sorted(events) == ["exercise", "knowledge_check", "lesson_complete"]
    assert events["exercise"].result == {
        "lesson": lessons[0].pk,
        "block": events["exercise"].payload["block"],
        "right": 2,
        "total": 3,
    }
    assert events["knowledge_check"].attempt_id == attempt.pk
    assert all(e.device_time is not None for e in events.values())
    # The refreshed lesson shows the server's feedback.
    page.goto(lessons[1].url)
    expect(page.locator(".knowledge-check .score")).to_be_visible()

    # Replaying the same events changes nothing.
    sent = done_events(page)
    assert len(sent) == 3
    replies = page.evaluate(
        """async ([url, events]) => {
            const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const r = await fetch(url, {method: "POST", headers: {
                "Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify({events})});
            return (await r.json()).results;
        }""",
        [f"/{lang}/offline/sync/", sent],
    )
    assert [r.get("duplicate") for r in replies] == [True] * 3
    assert SyncEvent.objects.count() == 3
    assert LessonProgress.objects.filter(user=user).count() == 1
    assert Attempt.objects.filter(user=user, quiz=check).count() == 1


def test_tab_killed_mid_sync_loses_and_doubles_nothing(live_server, new_context):
    lang = "fr"
    course, lessons, _check = course_for(lang)
    user = user_with_role("killed@example.org", "Trainee")
    context = new_context(service_workers="allow")
    page = context.new_page()
    log_in(page, lang, user, course.url)
    click_and_wait(page, page.locator('form[action*="/enrol/"] button[type=submit]'))
    download_course(page, lang, course)

    context.set_offline(True)
    for lesson in lessons:
        page.goto(lesson.url)
        page.locator('form[action*="/complete/"] button[type=submit]').click()
        expect(page.locator(".lesson-complete .offline-note")).to_be_visible()
    assert pending_in_browser(page) == 3

    # The first sync reaches the server, which applies everything, but the tab
    # is killed before the answer comes back.
    reached = []

    def kill(route):
        reached.append(route.fetch())  # the server commits
        page.close()

    context.route("**/offline/sync/", kill)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_event("close", timeout=10_000)
    assert reached and reached[0].status == 200
    assert LessonProgress.objects.filter(user=user).count() == 3
    context.unroute("**/offline/sync/")

    # A new tab syncs again: every event comes back as already applied.
    page = context.new_page()
    page.goto(f"/{lang}/learn/")
    expect(page.locator("[data-offline-pending]")).to_have_text(
        js(lang, "pending_0", count=0), timeout=20_000
    )
    assert pending_in_browser(page) == 0
    assert LessonProgress.objects.filter(user=user).count() == 3
    assert SyncEvent.objects.filter(user=user).count() == 3
    assert Enrolment.objects.get(user=user).completed_at is not None
