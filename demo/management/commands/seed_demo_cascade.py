"""Load the demonstration cascade (trainer pool and sessions).

Runs after ``seed_demo``, which creates the courses and accounts it uses.
Idempotent, and like ``seed_demo`` refused when DEBUG is off unless --force.
The content itself lives in ``demo/cascade.py``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.cascade import seed_cascade


class Command(BaseCommand):
    help = (
        "Create a demonstration trainer pool and cascade sessions (development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo_cascade runs only when DEBUG is True (or with --force)."
            )
        created = seed_cascade()
        if not created:
            self.stdout.write(
                self.style.SUCCESS("Demo cascade already exists: nothing was created.")
            )
        else:
            done = ", ".join(f"{count} {what}" for what, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo cascade created: {done}."))
