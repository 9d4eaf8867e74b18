"""Tasks through the backends production uses, run by real worker processes
(``manage.py db_worker``, RQ's ``rqworker``) started by the test on the test
database. The tests are transactional: the worker, another process, sees
only what is committed.

The worker runs with the test settings and KALANSO_TEST_TASKS_BACKEND, on the
test database (DATABASE_URL), and sends its e-mails as files into a
directory of the test (KALANSO_TEST_EMAIL_DIR), read with ``sent``.
"""

import email
import email.policy
from decimal import Decimal

from django.db import connection
from django.test import override_settings

import pytest

from assessments import factories as quiz_factories
from assessments.services import attempt_start, attempt_submit
from certificates.models import Credential
from courses.models import LessonPage
from courses.services import lesson_complete
from tests import processes

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}


@pytest.fixture
def mail_dir(tmp_path):
    directory = tmp_path / "mail"
    directory.mkdir()
    return directory


def sent(mail_dir) -> list[email.message.EmailMessage]:
    """The e-mails a worker sent (the file-based e-mail backend's files)."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(
                    email.message_from_bytes(chunk, policy=email.policy.default)
                )
    return messages


def worker_environment(settings, mail_dir, backend: str, **env) -> dict:
    return {
        "DATABASE_URL": processes.database_url(connection.settings_dict),
        "KALANSO_TEST_TASKS_BACKEND": backend,
        "KALANSO_TEST_EMAIL_DIR": str(mail_dir),
        "KALANSO_TEST_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        **env,
    }


@pytest.fixture
def database_tasks(settings):
    """This test process enqueues into the database, as production does."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def db_worker(database_tasks, settings, mail_dir):
    """``db_worker(worker_id=…, settings=…, **env)`` starts ``manage.py
    db_worker`` on the test database; every worker started is stopped at the
    end of the test."""
    started = []

    def start(*, worker_id="kalanso-test-1", settings_module=processes.TEST, **env):
        process = processes.start(
            "db_worker",
            "--worker-id",
            worker_id,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            settings=settings_module,
            **worker_environment(settings, mail_dir, "database", **env),
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def post_test_course(course):
    """``course`` with a post-test of four single-choice questions (75 % to
    pass)."""
    questions = [
        quiz_factories.single_choice(text=f"<p>Question {i}</p>") for i in range(4)
    ]
    course.post_test = quiz_factories.quiz_with(
        questions, title="Post-test", kind="post", pass_mark=Decimal(75)
    )
    course.save_revision().publish()
    course.refresh_from_db()
    return course


def pass_post_test(user, course):
    """Every lesson completed earlier (their certificate tasks ran then, and
    issued nothing: the post-test was not passed yet), then the post-test
    taken and submitted with the right answers (the services the pages
    call): the one certificate task queued is the post-test's."""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        for lesson in LessonPage.objects.live().descendant_of(course):
            lesson_complete(user=user, lesson=lesson, course=course)
        assert not Credential.objects.filter(user=user).exists()
    attempt = attempt_start(quiz=course.post_test, user=user)
    for row in attempt.questions.all():
        right = next(
            c["id"] for c in row.snapshot["choices"] if Decimal(c["fraction"]) == 1
        )
        row.response = {"choice": right}
        row.save(update_fields=["response"])
    attempt = attempt_submit(attempt=attempt)
    assert attempt.passed
    return attempt


def certificates_of(user):
    return list(Credential.objects.filter(user=user))
