"""Remind registered participants of sessions starting tomorrow (run daily).

Each session is reminded once, however often the command runs.
"""

from django.core.management.base import BaseCommand

from trainers.tasks import queue_reminders


class Command(BaseCommand):
    help = "Queue reminder e-mails for sessions starting tomorrow (run daily)."

    def handle(self, *args, **options):
        count = queue_reminders()
        self.stdout.write(self.style.SUCCESS(f"{count} reminder(s) queued."))
