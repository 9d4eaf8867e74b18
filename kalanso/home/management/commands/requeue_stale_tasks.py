"""``manage.py requeue_stale_tasks``: put back in the queue the background
tasks that a stopped worker left "running" (``kalanso.taskqueue``).

Run it when the workers start (no task can then be running) with
``--older-than 0``, or periodically (cron, a systemd timer) with an age longer
than any task takes (ten minutes by default). Workers started with a stable
``--worker-id`` recover their own tasks themselves (``db_worker``).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from kalanso.taskqueue import requeue_stale


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
        count = len(requeue_stale(older_than=timedelta(seconds=older_than)))
        if options["verbosity"]:
            self.stdout.write(f"{count} task(s) requeued.")
