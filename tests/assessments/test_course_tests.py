"""Pre-test, post-test, knowledge checks in lessons, completion and gain."""

import uuid
from decimal import Decimal

from django.test import Client
from django.urls import reverse

import pytest

from assessments import factories
from assessments.models import Attempt
from courses.completion import trainee_test_ids
from courses.factories import user_with_role
from courses.models import Enrolment, LessonPage

pytestmark = pytest.mark.django_db


def make_test(title, kind="pre"):
    questions = [factories.single_choice(text=f"<p>{title} {i}</p>") for i in range(4)]
    return factories.quiz_with(questions, title=title, kind=kind, pass_mark=Decimal(75))


def take(client, quiz, right, next_url=""):
    """Start and submit `quiz` with `right` right answers out of its questions."""
    client.post(reverse("assessments:start", args=[quiz.pk]), {"next": next_url})
    attempt = Attempt.objects.filter(quiz=quiz, state="in_progress").latest("number")
    data = {"action": "submit"}
    for row in attempt.questions.order_by("position"):
        choices = row.snapshot["choices"]
        good = next(c["id"] for c in choices if Decimal(c["fraction"]) == 1)
        bad = next(c["id"] for c in choices if Decimal(c["fraction"]) == 0)
        data[f"q{row.position}"] = good if row.position <= right else bad
    client.post(reverse("assessments:attempt", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def course_with_tests(course):
    course.pre_test = make_test("Pré-test", "pre")
    course.post_test = make_test("Post-test", "post")
    course.save_revision().publish()
    course.refresh_from_db()
    return course


def test_completion_requires_passing_the_post_test(
    trainee_client, trainee, course_with_tests, lessons
):
    course = course_with_tests
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    pre = take(trainee_client, course.pre_test, right=1)
    assert pre.percent == 25
    for lesson in lessons:
        trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    enrolment = Enrolment.objects.get(user=trainee)
    assert enrolment.completed_at is None
    html = trainee_client.get(course.url).content.decode()
    assert "post-test" in html.lower()
    assert reverse("assessments:quiz", args=[course.post_test.pk]) in html

    failed = take(trainee_client, course.post_test, right=2)
    assert not failed.passed
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    passed = take(trainee_client, course.post_test, right=4)
    assert passed.passed
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    html = trainee_client.get(course.url).content.decode()
    assert 'class="gain"' in html and "75" in html  # 100 - 25 points


def test_gain_only_for_people_who_took_both(trainee_client, course_with_tests):
    course = course_with_tests
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    take(trainee_client, course.post_test, right=4)
    assert 'class="gain"' not in trainee_client.get(course.url).content.decode()


def test_parallel_forms_split_the_group(client, course_with_tests):
    course = course_with_tests
    course.parallel_forms = True
    course.save_revision().publish()
    orders = []
    for i in range(4):
        user = user_with_role(f"p{i}@example.org", "Trainee")
        client.force_login(user)
        client.post(reverse("courses:enrol", args=[course.pk]))
        enrolment = Enrolment.objects.get(user=user)
        orders.append(enrolment.reversed_forms)
        pre_id, post_id = trainee_test_ids(course, enrolment)
        html = client.get(course.url).content.decode()
        assert reverse("assessments:quiz", args=[pre_id]) in html
    assert orders.count(True) == 2 and orders.count(False) == 2


def test_knowledge_check_in_a_lesson(trainee_client, trainee, course, lessons):
    check = factories.quiz_with(
        [factories.single_choice(text="<p>Le puits partagé est un…</p>")],
        title="Vérifions",
        kind="check",
        feedback_policy="immediate",
    )
    lesson = lessons[0]
    lesson.body.append(("knowledge_check", {"quiz": check}, str(uuid.uuid4())))
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    block_id = next(b.id for b in lesson.body if b.block_type == "knowledge_check")

    html = trainee_client.get(lesson.url).content.decode()
    assert "Le puits partagé est un" in html
    assert "Oui : il rassemble." not in html  # feedback hidden before answering
    attempt = Attempt.objects.get(user=trainee, quiz=check)
    row = attempt.questions.get()
    good = next(c["id"] for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1)
    response = trainee_client.post(
        reverse("assessments:knowledge_check", args=[check.pk]),
        {"q1": good, "next": f"{lesson.url}#block-{block_id}"},
    )
    assert response["Location"] == f"{lesson.url}#block-{block_id}"
    html = trainee_client.get(lesson.url).content.decode()
    assert "Oui : il rassemble." in html and "100 %" in html
    # Try again shows a fresh form.
    html = trainee_client.get(f"{lesson.url}?retry={block_id}").content.decode()
    assert 'action="/fr/quiz/' in html
    assert Attempt.objects.filter(user=trainee, quiz=check).count() == 2
    # Anonymous readers of a public course are invited to log in.
    html = Client().get(lesson.url).content.decode()
    assert "Le puits partagé est un" not in html


def test_demo_course_has_tests_and_a_knowledge_check():
    from django.core.management import call_command

    from courses.models import CoursePage

    call_command("seed_demo", "--force", verbosity=0)
    for course in CoursePage.objects.filter(is_trainer_track=False):
        assert course.pre_test and course.post_test and course.parallel_forms
        assert course.pre_test.language == course.locale.language_code
        lessons = LessonPage.objects.descendant_of(course)
        assert any(
            b.block_type == "knowledge_check" for lesson in lessons for b in lesson.body
        )


def test_my_learning_follows_the_completion_rule_and_shows_the_gain(
    trainee_client, course_with_tests, lessons
):
    course = course_with_tests
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    take(trainee_client, course.pre_test, right=2)
    for lesson in lessons:
        trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    response = trainee_client.get(reverse("courses:my_learning"))
    assert [row.course.pk for row in response.context["in_progress"]] == [course.pk]
    assert response.context["completed"] == []
    take(trainee_client, course.post_test, right=4)
    response = trainee_client.get(reverse("courses:my_learning"))
    assert [row.course.pk for row in response.context["completed"]] == [course.pk]
    html = response.content.decode()
    assert 'class="gain"' in html and "50" in html  # 100 % - 50 %


def test_my_learning_links_straight_to_the_missing_post_test(
    trainee_client, trainee, course_with_tests, lessons
):
    """Every lesson done, only the post-test missing: the card opens the
    trainee's post-test (their parallel form), not a dead end."""
    course = course_with_tests
    trainee_client.post(reverse("courses:enrol", args=[course.pk]))
    html = trainee_client.get(reverse("courses:my_learning")).content.decode()
    post_url = reverse("assessments:quiz", args=[course.post_test.pk])
    assert post_url not in html  # lessons still to do: "Continue" goes to them
    for lesson in lessons:
        trainee_client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    _, post_id = trainee_test_ids(course, Enrolment.objects.get(user=trainee))
    html = trainee_client.get(reverse("courses:my_learning")).content.decode()
    assert f'href="{reverse("assessments:quiz", args=[post_id])}?next=' in html
    take(trainee_client, course.post_test, right=4)
    html = trainee_client.get(reverse("courses:my_learning")).content.decode()
    assert f'href="{reverse("assessments:quiz", args=[post_id])}?next=' not in html
