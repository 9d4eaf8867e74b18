"""The tasks through django-tasks-db, as production runs them: queued in the
database by this test process, run by a ``manage.py db_worker`` process on
the test database. Certificates, e-mails, reminders, and a worker killed in
the middle of a certificate."""

import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from certificates.models import Credential
from kalanso.accounts.models import Region, User
from tests.processes import eventually
from tests.settings_variants.pauses import CERTIFICATE_TASK
from tests.trainers.pages import account_participant
from trainers import factories, services
from trainers.models import CascadeSession, Participant

from .conftest import (
    certificates_of,
    pass_post_test,
    post_test_course,
    sent,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READY, RUNNING, SUCCESSFUL = "READY", "RUNNING", "SUCCESSFUL"


def queued(task_path):
    return DBTaskResult.objects.filter(task_path=task_path)


# Certificates -----------------------------------------------------------------------


def test_a_passed_post_test_queues_the_certificate_and_the_worker_issues_it(
    db_worker, trainee, course
):
    post_test_course(course)
    pass_post_test(trainee, course)
    # Queued in the database, not run: nothing issued before a worker runs.
    assert [task.status for task in queued(CERTIFICATE_TASK)] == [READY]
    assert certificates_of(trainee) == []

    worker = db_worker()
    task = eventually(
        lambda: queued(CERTIFICATE_TASK).filter(status=SUCCESSFUL).first(),
        what=lambda: "the certificate task run by the worker\n" + worker.output(),
    )
    (credential,) = certificates_of(trainee)
    assert task.return_value == [credential.pk]
    assert credential.kind == Credential.Kind.COURSE
    assert credential.achievement_fr == course.title
    assert worker.running(), worker.output()


@pytest.mark.parametrize("point", ["started", "issued"])
def test_a_worker_killed_mid_task_runs_it_again_once_restarted(
    db_worker, trainee, course, tmp_path, point
):
    """SIGKILL while the certificate task runs: before anything is issued
    ("started") or after the certificate is committed, before the task is
    recorded as done ("issued"). The task stays RUNNING; the worker restarted
    with the same id queues it again and runs it, and there is exactly one
    certificate."""
    post_test_course(course)
    pass_post_test(trainee, course)
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    environment = {
        "settings_module": "tests.settings_variants.worker_pauses",
        "KALANSO_TEST_PAUSE_DIR": str(pauses),
        "KALANSO_TEST_PAUSE_AT": point,
    }
    first = db_worker(**environment)
    eventually(
        lambda: any(pauses.glob(f"{point}-*")),
        what=lambda: f"the worker at {point}\n" + first.output(),
    )
    first.kill()
    task = queued(CERTIFICATE_TASK).get()
    assert task.status == RUNNING
    assert len(certificates_of(trainee)) == (1 if point == "issued" else 0)

    (pauses / "go").touch()
    second = db_worker(**environment)
    task = eventually(
        lambda: queued(CERTIFICATE_TASK).filter(status=SUCCESSFUL).first(),
        what=lambda: "the task run again\n" + second.output(),
    )
    assert task.worker_ids == ["kalanso-test-1", "kalanso-test-1"]
    (credential,) = certificates_of(trainee)
    assert task.return_value == [credential.pk]
    assert "left running by a dead worker_id=kalanso-test-1" in second.output()


def test_a_worker_of_another_id_leaves_a_running_task_alone(
    db_worker, trainee, course, tmp_path
):
    """Only the dead worker's own id says its tasks are not running any
    more: a worker with another id may be running them."""
    post_test_course(course)
    pass_post_test(trainee, course)
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    first = db_worker(
        settings_module="tests.settings_variants.worker_pauses",
        KALANSO_TEST_PAUSE_DIR=str(pauses),
        KALANSO_TEST_PAUSE_AT="started",
    )
    eventually(lambda: any(pauses.glob("started-*")), what=first.output)
    other = db_worker(worker_id="kalanso-test-2")
    eventually(lambda: "Starting worker" in other.output(), what=other.output)
    assert queued(CERTIFICATE_TASK).get().status == RUNNING
    (pauses / "go").touch()
    eventually(lambda: queued(CERTIFICATE_TASK).filter(status=SUCCESSFUL).exists())
    assert queued(CERTIFICATE_TASK).get().worker_ids == ["kalanso-test-1"]
    assert len(certificates_of(trainee)) == 1


def test_the_database_refuses_a_second_certificate_of_the_same_award(trainee, course):
    """What makes a task run twice at once (a worker thought dead) still
    issue one certificate: the database's unique (award, edition), not the
    code's check before it creates."""
    post_test_course(course)
    pass_post_test(trainee, course)  # immediate tasks: issued at once
    (credential,) = certificates_of(trainee)
    twin = Credential.objects.get(pk=credential.pk)
    twin.pk = None
    twin.code = "x" * 43
    twin.short_code = "ABCDEFGHJKLM"
    twin.status_index = credential.status_index + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)
    assert Credential.objects.filter(award_key=credential.award_key).count() == 1


# E-mails -----------------------------------------------------------------------------


def test_session_e_mails_are_sent_by_the_worker(
    db_worker, mail_dir, course, own_trainer
):
    """Invitation (the session scheduled), promotion (a seat freed for the
    waiting list), cancellation: queued by the services, sent by the worker
    through its e-mail backend."""
    session = factories.session(
        course, own_trainer, status=CascadeSession.Status.DRAFT, capacity=1
    )
    seated = account_participant(session, "awa@example.org")
    account_participant(
        session, "binta@example.org", state=Participant.State.WAITLISTED
    )
    services.session_schedule(session=session, by=own_trainer)
    services.participant_withdraw(participant=seated)
    services.session_cancel(
        session=CascadeSession.objects.get(pk=session.pk),
        by=own_trainer,
        reason="Route coupée",
    )
    assert sent(mail_dir) == []  # queued, not sent, until a worker runs them

    tasks = DBTaskResult.objects.filter(task_path__startswith="trainers.")
    assert sorted(task.task_path.rsplit(".", 1)[1] for task in tasks) == [
        "send_cancellation",
        "send_invitation",
        "send_promotion_notice",
    ]

    worker = db_worker()
    eventually(
        lambda: not tasks.exclude(status=SUCCESSFUL).exists(),
        what=lambda: "the three e-mail tasks run\n" + worker.output(),
    )
    messages = sent(mail_dir)
    recipients = [message["To"] for message in messages]
    assert sorted(recipients) == [
        "awa@example.org",  # invited
        "binta@example.org",  # promoted
        "binta@example.org",  # then told of the cancellation
    ]
    assert all(session.title in message["Subject"] for message in messages)
    cancellation = next(
        message
        for message in messages
        if "Route coupée" in message.get_body(("plain",)).get_content()
    )
    assert cancellation["To"] == "binta@example.org"


def test_the_sign_up_confirmation_is_sent_by_the_worker(db_worker, mail_dir):
    password = "Sahel-paix-2026!"
    response = Client().post(
        reverse("accounts:signup"),
        {
            "full_name": "Aminata Traoré",
            "email": "aminata@example.org",
            "organisation": "",
            "job_title": "Animatrice",
            "region": Region.objects.get(code="ML-5").pk,
            "preferred_language": "fr",
            "gender": "f",
            "password1": password,
            "password2": password,
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert queued("kalanso.accounts.services.send_confirmation_email").count() == 1
    assert sent(mail_dir) == []

    worker = db_worker()
    (message,) = eventually(
        lambda: sent(mail_dir), what=lambda: "the confirmation\n" + worker.output()
    )
    assert message["To"] == "aminata@example.org"
    link = re.search(
        r"https?://\S+(/fr/accounts/confirm/\S+/)",
        message.get_body(("plain",)).get_content(),
    )
    assert link, message.get_body(("plain",)).get_content()
    # The link the worker wrote confirms the account in this process.
    assert Client().get(link.group(1)).status_code == 302
    assert User.objects.get(email="aminata@example.org").is_active


# Reminders ---------------------------------------------------------------------------


def test_reminders_are_queued_once_per_session_and_sent_by_the_worker(
    db_worker, mail_dir, course, own_trainer, trainee
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    session = factories.session(course, own_trainer, start=tomorrow)
    Participant.objects.create(
        session=session,
        user=trainee,
        full_name="Trainee",
        source=Participant.Source.SELF,
    )
    factories.participants(session, 2)  # no account: no e-mail
    later = factories.session(course, own_trainer, start=tomorrow + timedelta(days=1))
    account_participant(later, "later@example.org")

    for _run in range(2):  # the daily command, run twice
        call_command("send_session_reminders", stdout=StringIO())
    reminders = queued("trainers.tasks.send_reminder")
    assert reminders.count() == 1
    assert sent(mail_dir) == []

    worker = db_worker()
    (message,) = eventually(
        lambda: sent(mail_dir), what=lambda: "the reminder\n" + worker.output()
    )
    assert message["To"] == trainee.email
    assert session.title in message["Subject"]
    eventually(  # recorded just after the e-mail is written
        lambda: reminders.get().status == SUCCESSFUL, what=worker.output
    )
    call_command("send_session_reminders", stdout=StringIO())  # after it was sent
    assert reminders.count() == 1
