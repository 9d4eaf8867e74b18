"""A trainee's journey in a real browser, in French and in English.

Sign up → confirm the e-mail → catalogue → enrol → read a lesson → do the
connectors-and-dividers exercise → mark every lesson complete → "My learning".
Each page the trainee sees is also audited with axe-core.

Selectors rely on stable attributes (form actions, input names, hrefs, classes);
expected UI text is computed with Django's own gettext for the page's language,
so the tests hold whether or not the French catalogue is compiled.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.utils import translation
from django.utils.translation import gettext

import pytest
from playwright.sync_api import expect

from courses.factories import course_with_lessons, user_with_role
from courses.models import Enrolment, LessonPage, LessonProgress
from kalanso.accounts.models import User

SIGNUP_PASSWORD = "Sahel-paix-2026!"
LOGIN_PASSWORD = "correct-horse-battery"  # the factories' default
LESSON_TEXT = "Les connecteurs rapprochent les gens."
REFLECTION_NOTE = "Le marché de Sévaré rassemble tout le monde."
# The factory's exercise: market (connector), rumours (divider), marriages (connector).
EXPLANATIONS = [
    "Le marché rassemble.",
    "Les rumeurs divisent.",
    "Les liens familiaux relient.",
]
# Answer "connector" everywhere: right, wrong, right.
MIXED_ANSWERS = ["connector", "connector", "connector"]
MIXED_RESULTS = ["correct", "incorrect", "correct"]
RIGHT_ANSWERS = ["connector", "divider", "connector"]

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; the flush after each test
    # would otherwise delete the home page, site, locales and groups created by
    # the data migrations, which the next test needs.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tr(lang, message, **values):
    """A UI string as the server renders it in ``lang``."""
    with translation.override(lang):
        text = gettext(message)
    return text % values if values else text


def path_of(page):
    return urlsplit(page.url).path


def assert_language(page, lang):
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert path_of(page).startswith(f"/{lang}/"), page.url


def click_and_wait(page, locator):
    """Click a link or submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def messages(page):
    return page.locator("main ul.messages")


def answer_exercise(page, answers):
    fieldsets = page.locator("form.exercise-form fieldset")
    expect(fieldsets).to_have_count(len(answers))
    for index, category in enumerate(answers):
        fieldsets.nth(index).locator(f'input[type="radio"][value="{category}"]').check()
    click_and_wait(page, page.locator("form.exercise-form button[type=submit]"))


def mark_complete(page):
    click_and_wait(page, page.locator('form[action*="/complete/"] button[type=submit]'))


def expect_progress(page, percent, scope="main"):
    expect(page.locator(f"{scope} progress").first).to_have_attribute(
        "value", str(percent)
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_trainee_journey(lang, live_server, new_context, axe_audit, mailoutbox):
    course = course_with_lessons(
        lessons=3, public=False, locale_code=lang, title=f"Analyse de conflit {lang}"
    )
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    catalogue = course.get_parent()
    course_url = course.url
    lesson_urls = [lesson.url for lesson in lessons]
    my_learning_url = f"/{lang}/learn/"
    email = f"aminata.{lang}@example.org"
    assert course_url.startswith(f"/{lang}/"), course_url

    page = new_context().new_page()

    # --- Home, as a visitor -------------------------------------------------
    page.goto(f"/{lang}/")
    assert_language(page, lang)
    expect(page.locator(f'main a[href="{catalogue.url}"]')).to_be_visible()
    axe_audit.check(page, "home (visitor)")

    # --- Sign up --------------------------------------------------------------
    click_and_wait(page, page.locator(f'header a[href="/{lang}/accounts/signup/"]'))
    assert path_of(page) == f"/{lang}/accounts/signup/"
    assert_language(page, lang)
    axe_audit.check(page, "sign-up form")
    form = page.locator('main form[method="post"]')
    form.locator('input[name="full_name"]').fill("Aminata Traoré")
    form.locator('input[name="email"]').fill(email.replace("aminata", "Aminata"))
    form.locator('select[name="region"]').select_option(index=1)
    form.locator('input[name="password1"]').fill(SIGNUP_PASSWORD)
    form.locator('input[name="password2"]').fill(SIGNUP_PASSWORD)
    form.locator('input[name="consent"]').check()
    expect(form.locator('select[name="preferred_language"]')).to_have_value(lang)
    click_and_wait(page, form.locator("button[type=submit]"))

    assert path_of(page) == f"/{lang}/accounts/signup/done/", page.url
    assert_language(page, lang)
    expect(page.locator("main h1")).to_have_text(tr(lang, "Check your e-mail"))
    expect(page.locator("main")).to_contain_text(email)
    user = User.objects.get(email=email)
    assert not user.is_active
    assert user.preferred_language == lang

    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    assert mailoutbox[0].to == [email]
    match = re.search(r"https?://\S+/accounts/confirm/\S+/", mailoutbox[0].body)
    assert match, mailoutbox[0].body
    link = match.group(0)
    assert link.startswith(live_server.url), link
    assert urlsplit(link).path.startswith(f"/{lang}/accounts/confirm/"), link

    # --- Confirm: logged in, on "My learning" ---------------------------------
    page.goto(link)
    assert path_of(page) == my_learning_url, page.url
    assert_language(page, lang)
    expect(page.locator("main h1")).to_have_text(tr(lang, "My learning"))
    expect(messages(page)).to_contain_text(
        tr(lang, "Your e-mail address is confirmed. Welcome to Kalanso!")
    )
    expect(page.locator(f'header a[href="{my_learning_url}"]')).to_be_visible()
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at
    axe_audit.check(page, "my learning (empty)")

    # --- Catalogue → course → enrol -------------------------------------------
    click_and_wait(page, page.locator(f'main a[href="{catalogue.url}"]'))
    assert path_of(page) == catalogue.url
    assert_language(page, lang)
    axe_audit.check(page, "catalogue")
    click_and_wait(page, page.locator(f'main a[href="{course_url}"]'))
    assert path_of(page) == course_url
    assert_language(page, lang)
    expect(page.locator("main h1")).to_have_text(course.title)
    axe_audit.check(page, "course page (not enrolled)")

    click_and_wait(page, page.locator('form[action*="/enrol/"] button[type=submit]'))
    assert path_of(page) == course_url
    expect(messages(page)).to_contain_text(
        tr(lang, "You are enrolled in “%(course)s”.", course=course.title)
    )
    expect_progress(page, 0, scope=".status-box")
    assert Enrolment.objects.filter(user=user).count() == 1
    axe_audit.check(page, "course page (enrolled)")

    # --- Lesson 1: read, reflect, do the exercise -----------------------------
    click_and_wait(page, page.locator('main a[href*="/continue/"]'))
    assert path_of(page) == lesson_urls[0], page.url
    assert_language(page, lang)
    expect(page.locator("main h1")).to_have_text(lessons[0].title)
    expect(page.get_by_text(LESSON_TEXT)).to_be_visible()
    # The right answers never reach the page before the trainee answers.
    html = page.content()
    for explanation in EXPLANATIONS:
        assert explanation not in html
    axe_audit.check(page, "lesson (exercise form)")

    reflection = page.locator('form[action*="/reflection/"]')
    reflection.locator("textarea[name=text]").fill(REFLECTION_NOTE)
    click_and_wait(page, reflection.locator("button[type=submit]"))
    assert path_of(page) == lesson_urls[0]
    expect(messages(page)).to_contain_text(tr(lang, "Your note has been saved."))
    expect(page.locator(".my-note .note-text")).to_have_text(REFLECTION_NOTE)

    answer_exercise(page, MIXED_ANSWERS)
    assert path_of(page) == lesson_urls[0]
    assert "exercise" in parse_qs(urlsplit(page.url).query)
    assert_language(page, lang)
    expect(page.locator(".exercise p.score")).to_have_text(
        tr(
            lang,
            "You sorted %(right)s of %(total)s statements correctly.",
            right=2,
            total=3,
        )
    )
    results = page.locator(".exercise-results > li")
    expect(results).to_have_count(3)
    for index, expected in enumerate(MIXED_RESULTS):
        expect(results.nth(index)).to_have_class(expected)
        expect(results.nth(index).locator(".explanation")).to_have_text(
            EXPLANATIONS[index]
        )
    expect(page.locator(".exercise-results li.correct")).to_have_count(2)
    expect(page.locator(".exercise-results li.incorrect")).to_have_count(1)
    axe_audit.check(page, "lesson (exercise feedback)")

    # --- Mark lesson 1 complete → lesson 2; "My learning" shows 33 % ---------
    mark_complete(page)
    assert path_of(page) == lesson_urls[1], page.url
    expect(messages(page)).to_contain_text(tr(lang, "Lesson marked as complete."))
    expect_progress(page, 33)

    click_and_wait(page, page.locator(f'header a[href="{my_learning_url}"]'))
    assert path_of(page) == my_learning_url
    assert_language(page, lang)
    in_progress = page.locator('section[aria-labelledby="in-progress-title"]')
    completed = page.locator('section[aria-labelledby="completed-title"]')
    expect(in_progress.locator(f'a[href="{course_url}"]')).to_be_visible()
    expect(in_progress.locator("progress")).to_have_attribute("value", "33")
    expect(completed.locator(f'a[href="{course_url}"]')).to_have_count(0)
    axe_audit.check(page, "my learning (in progress)")

    # --- Continue → lessons 2 and 3 -------------------------------------------
    click_and_wait(page, in_progress.locator(f'a[href="{lesson_urls[1]}"]'))
    assert path_of(page) == lesson_urls[1]
    expect(page.get_by_text(LESSON_TEXT)).to_be_visible()
    mark_complete(page)
    assert path_of(page) == lesson_urls[2]
    assert_language(page, lang)
    expect_progress(page, 67)
    mark_complete(page)

    # --- Course complete -----------------------------------------------------
    assert path_of(page) == course_url, page.url
    assert_language(page, lang)
    expect(messages(page)).to_contain_text(
        tr(
            lang,
            "Congratulations! You have completed “%(course)s”.",
            course=course.title,
        )
    )
    status = page.locator(".status-box")
    expect(status.locator("p.success")).to_have_text(
        tr(lang, "You have completed this course.")
    )
    expect_progress(page, 100, scope=".status-box")
    expect(page.locator(".outline span.done")).to_have_count(3)
    axe_audit.check(page, "course page (completed)")
    assert LessonProgress.objects.filter(user=user).count() == 3
    assert Enrolment.objects.get(user=user).completed_at is not None

    click_and_wait(page, page.locator(f'header a[href="{my_learning_url}"]'))
    assert path_of(page) == my_learning_url
    expect(completed.locator(f'a[href="{course_url}"]')).to_be_visible()
    expect(completed.locator("p.success")).to_be_visible()
    expect(in_progress.locator(f'a[href="{course_url}"]')).to_have_count(0)
    axe_audit.check(page, "my learning (completed)")

    axe_audit.assert_clean()


def test_exercise_and_completion_work_without_javascript(live_server, new_context):
    """The site is designed to work without JavaScript: log in, enrol, the
    exercise (including its validation) and "mark as complete" are plain forms."""
    lang = "fr"
    course = course_with_lessons(lessons=3, public=False, title="Cours sans JS")
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    user = user_with_role("moussa@example.org", "Trainee")

    context = new_context(java_script_enabled=False)
    page = context.new_page()

    # A private lesson sends visitors to the login form, then back.
    page.goto(lessons[0].url)
    assert path_of(page) == f"/{lang}/accounts/login/", page.url
    assert_language(page, lang)
    form = page.locator('main form[method="post"]')
    form.locator('input[name="username"]').fill("Moussa@Example.org")
    form.locator('input[name="password"]').fill(LOGIN_PASSWORD)
    click_and_wait(page, form.locator("button[type=submit]"))
    assert path_of(page) == lessons[0].url, page.url
    expect(page.get_by_text(LESSON_TEXT)).to_be_visible()

    click_and_wait(page, page.locator(f'aside a[href="{course.url}"]'))
    click_and_wait(page, page.locator('form[action*="/enrol/"] button[type=submit]'))
    assert path_of(page) == course.url
    click_and_wait(page, page.locator('main a[href*="/continue/"]'))
    assert path_of(page) == lessons[0].url

    # The browser refuses an incomplete answer (required radios); the server
    # checks again: a statement left out asks for every answer, keeps the others.
    fieldsets = page.locator("form.exercise-form fieldset")
    expect(fieldsets.locator("input[type=radio]:not([required])")).to_have_count(0)
    block_id = page.locator('form.exercise-form input[name="exercise"]').input_value()
    page.goto(f"{lessons[0].url}?exercise={block_id}&ex-{block_id}-0=connector")
    expect(page.locator('form.exercise-form p.error[role="alert"]')).to_have_text(
        tr(lang, "Please sort every statement before checking.")
    )
    expect(
        page.locator('form.exercise-form fieldset[aria-invalid="true"]')
    ).to_have_count(2)
    expect(fieldsets.nth(0).locator('input[value="connector"]')).to_be_checked()
    expect(page.locator(".exercise-results")).to_have_count(0)

    answer_exercise(page, RIGHT_ANSWERS)
    expect(page.locator(".exercise p.score")).to_have_text(
        tr(
            lang,
            "You sorted %(right)s of %(total)s statements correctly.",
            right=3,
            total=3,
        )
    )
    expect(page.locator(".exercise-results li.correct")).to_have_count(3)
    expect(page.locator(".exercise-results li.incorrect")).to_have_count(0)

    mark_complete(page)
    assert path_of(page) == lessons[1].url, page.url
    expect_progress(page, 33)
    assert LessonProgress.objects.filter(user=user).count() == 1
