from django.core.management.base import BaseCommand

from assessments.services import close_overdue_attempts


class Command(BaseCommand):
    help = "Submit every open quiz attempt whose time limit or closing date has passed."

    def handle(self, *args, **options):
        count = close_overdue_attempts()
        self.stdout.write(f"{count} attempt(s) submitted.")
