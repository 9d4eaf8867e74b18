"""Mark certifications past their end date as expired (run daily, e.g. cron).

The trainers concerned leave the Trainer group at once; each change is in the
trainer's history and in the audit log.
"""

from django.core.management.base import BaseCommand

from trainers.certification import expire_certifications


class Command(BaseCommand):
    help = "Mark certifications past their end date as expired (run daily)."

    def handle(self, *args, **options):
        count = expire_certifications()
        self.stdout.write(
            self.style.SUCCESS(f"{count} certification(s) marked as expired.")
        )
