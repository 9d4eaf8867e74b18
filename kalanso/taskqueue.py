"""Tasks that a dead worker left "running" go back in the queue: the one
place that decides it, for ``manage.py db_worker`` (at start, the tasks of its
own ``--worker-id``) and ``manage.py requeue_stale_tasks`` (by age, for
workers without a stable id, or before any worker starts).

django-tasks-db marks a task RUNNING when a worker claims it, and SUCCESSFUL
or FAILED when it ends. A worker killed in the middle of a task (SIGKILL, out
of memory, the machine restarted) leaves it RUNNING for ever: nothing picks
it up again (django-tasks-db issue #5, "Unclean exits of the worker leave
tasks in limbo", open). Kalanso runs such tasks again instead of marking them
failed, because its tasks are idempotent: a certificate is unique per award
and edition (a database constraint), and an e-mail may then be sent twice but
is never lost.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def _requeue(results) -> list[str]:
    for result in results:
        result.status = TaskResultStatus.READY
        result.started_at = None
        result.save(update_fields=["status", "started_at"])
    return [str(result.id) for result in results]


def requeue_abandoned(*, worker_id: str, backend_name: str) -> list[str]:
    """Queue again the tasks left RUNNING by ``worker_id`` (whose last claim
    was that worker's): a worker starting with that id knows they are not
    running any more. Returns their ids."""
    with transaction.atomic():
        return _requeue(
            [
                result
                for result in DBTaskResult.objects.running()
                .filter(backend_name=backend_name)
                .select_for_update()
                if result.worker_ids and result.worker_ids[-1] == worker_id
            ]
        )


def requeue_stale(*, older_than: timedelta) -> list[str]:
    """Queue again the tasks RUNNING for longer than ``older_than``: with
    zero, when no worker runs; otherwise with an age longer than any task
    takes. Returns their ids."""
    with transaction.atomic():
        return _requeue(
            list(
                DBTaskResult.objects.running()
                .filter(started_at__lte=timezone.now() - older_than)
                .select_for_update()
            )
        )
