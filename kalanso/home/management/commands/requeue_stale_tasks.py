"""Put back in the queue the background tasks that a stopped worker left
"running".

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or
FAILED when it ends. A worker that is killed (out of memory, SIGKILL, the
machine restarted) in the middle of a task leaves it RUNNING for ever, and no
worker takes it again. This command makes such tasks READY again, so that the
next worker runs them: run it when the workers start (no task can then be
running) with ``--older-than 0``, or periodically (cron, a systemd timer) with
an age longer than any task takes (ten minutes by default).

Running a task again is safe here: every task of the project is idempotent
(certificates/tasks.py: issuance finds the credential already there).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Requeue the background tasks left running by a worker that stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=600,
            help="Seconds since the task started (default: 600).",
        )

    def handle(self, *args, older_than, **options):
        started_before = timezone.now() - timedelta(seconds=older_than)
        count = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lte=started_before
        ).update(status=TaskResultStatus.READY, started_at=None)
        if options["verbosity"]:
            self.stdout.write(f"{count} task(s) requeued.")
