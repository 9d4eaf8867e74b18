"""TASKS_BACKEND=rq: the tasks in Redis, run by an RQ worker (issue #12), the
switch for a programme that outgrows one machine's database queue.

Needs the Redis of KALANSO_TEST_REDIS_URL (tests/services.py, which CI
runs): without it these tests fail, they never skip. They empty the RQ queue "default" of that database."""

import pytest

from certificates.tasks import issue_course_credentials_after_attempt
from kalanso.settings.base import TASK_BACKENDS, tasks_settings
from tests import processes
from tests.certificates.test_keys import deploy_check
from tests.services import REDIS_URL, require_redis
from tests.settings_variants.pauses import CERTIFICATE_TASK

from .conftest import (
    certificates_of,
    pass_post_test,
    post_test_course,
    worker_environment,
)


@pytest.fixture
def rq_queue(settings):
    """This test process enqueues into Redis; the queue, empty."""
    import django_rq

    settings.TASKS, settings.RQ_QUEUES = tasks_settings("rq", REDIS_URL)
    queue = django_rq.get_queue("default")
    require_redis(REDIS_URL)
    queue.empty()
    yield queue
    queue.empty()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_passed_post_test_is_issued_by_an_rq_worker(
    rq_queue, settings, mail_dir, trainee, course
):
    post_test_course(course)
    pass_post_test(trainee, course)
    jobs = rq_queue.get_jobs()  # in Redis, not run
    (job,) = [job for job in jobs if job.func_name == CERTIFICATE_TASK]
    assert certificates_of(trainee) == []

    worker = processes.start(
        "rqworker",
        "--job-class",
        "django_tasks_rq.Job",
        "--burst",  # runs what is queued, then exits
        "default",
        settings=processes.TEST,
        **worker_environment(
            settings, mail_dir, "rq", KALANSO_TEST_REDIS_URL=REDIS_URL
        ),
    )
    code, stdout, stderr = processes.finish(worker, timeout=120)
    assert code == 0, stdout + stderr
    (credential,) = certificates_of(trainee)
    result = issue_course_credentials_after_attempt.get_backend().get_result(job.id)
    assert result.status == "SUCCESSFUL", stdout + stderr
    assert result.return_value == [credential.pk]
    assert rq_queue.count == 0  # the others run too


def test_production_switches_to_rq_with_a_setting():
    """TASKS_BACKEND=rq with REDIS_URL: the RQ backend, its queue in that
    Redis, a clean deploy check; without REDIS_URL production refuses to
    start."""
    from certificates.keys import generate_pem

    shown = processes.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings;"
        "print(settings.TASKS['default']['BACKEND'], settings.RQ_QUEUES)",
        TASKS_BACKEND="rq",
        REDIS_URL=REDIS_URL,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[0] == TASK_BACKENDS["rq"]
    assert REDIS_URL in shown.stdout

    checked = deploy_check(
        TASKS_BACKEND="rq", REDIS_URL=REDIS_URL, KALANSO_SIGNING_KEY=generate_pem()
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    default = processes.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.TASKS)",
        without=("TASKS_BACKEND",),
    )
    assert TASK_BACKENDS["database"] in default.stdout, default.stderr

    refused = processes.manage(
        "check", TASKS_BACKEND="rq", without=("REDIS_URL",), REDIS_URL=""
    )
    assert refused.returncode != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in refused.stderr
