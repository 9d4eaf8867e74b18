"""The certification exam is for people in the trainer pool. Assessments asks
through the KALANSO_EXAM_ELIGIBILITY setting, without importing trainers."""

import ast
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt
from trainers import factories
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(db):
    return quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Examen de certification", kind="exam"
    )


@pytest.fixture
def post_test(db):
    return quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Post-test", kind="post"
    )


def test_the_setting_names_the_trainers_rule():
    assert settings.KALANSO_EXAM_ELIGIBILITY == "trainers.certification.may_sit_exam"


def test_a_trainee_outside_the_pool_cannot_start_the_exam(trainee_client, exam):
    response = trainee_client.get(reverse("assessments:quiz", args=[exam.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert response.context["eligible"] is False
    assert 'class="alert" role="alert"' in html  # the explanation
    assert reverse("assessments:start", args=[exam.pk]) not in html

    response = trainee_client.post(reverse("assessments:start", args=[exam.pk]))
    assert response.status_code == 403
    assert not Attempt.objects.filter(quiz=exam).exists()


@pytest.mark.parametrize("level", [TrainerProfile.Level.CANDIDATE, 20, 30])
def test_people_in_the_pool_can(client, exam, level):
    user = factories.trainer(f"pool-{level}@example.org", level)
    client.force_login(user)
    response = client.get(reverse("assessments:quiz", args=[exam.pk]))
    assert response.status_code == 200
    assert reverse("assessments:start", args=[exam.pk]) in response.content.decode()
    response = client.post(reverse("assessments:start", args=[exam.pk]))
    attempt = Attempt.objects.get(quiz=exam, user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:attempt", args=[attempt.pk])


def test_other_quizzes_are_unaffected(trainee_client, trainee, post_test):
    response = trainee_client.get(reverse("assessments:quiz", args=[post_test.pk]))
    assert response.status_code == 200
    response = trainee_client.post(reverse("assessments:start", args=[post_test.pk]))
    assert response.status_code == 302
    assert Attempt.objects.filter(quiz=post_test, user=trainee).exists()


def test_without_the_setting_anyone_may_sit(trainee_client, trainee, exam):
    with override_settings(KALANSO_EXAM_ELIGIBILITY=""):
        response = trainee_client.post(reverse("assessments:start", args=[exam.pk]))
    assert response.status_code == 302
    assert Attempt.objects.filter(quiz=exam, user=trainee).exists()


def test_assessments_does_not_import_trainers():
    root = Path(__file__).resolve().parents[2] / "assessments"
    for source in root.rglob("*.py"):
        tree = ast.parse(source.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "trainers" for n in names), source
