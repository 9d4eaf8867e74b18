from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Apply the retention periods: pseudonymise old participants (and "
        "revoke their certificates), delete the report photos of their "
        "sessions, erase long-inactive accounts, delete old audit entries (see "
        "privacy/retention.py for the settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        outcome = retention.apply(dry_run=dry_run)
        prefix = "Would pseudonymise/erase/delete" if dry_run else "Done"
        self.stdout.write(
            f"{prefix}: {outcome.participants} participant(s) pseudonymised, "
            f"{outcome.photos} session photo(s) deleted, "
            f"{outcome.accounts} account(s) erased, "
            f"{outcome.credentials} earlier erasure(s) of credentials completed, "
            f"{outcome.audit_entries} audit entr(y/ies) deleted."
        )
