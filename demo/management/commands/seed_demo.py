"""Load the demonstration content: pages in French and English, glossary terms,
organisations and one account per role.

Idempotent: whatever already exists (pages by slug under their parent, English
versions by translation key, users by e-mail, organisations by name) is left
alone. The content itself lives in the ``demo`` app, one module per subject.
"""

from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Site

from demo import courses, glossary, resources, site
from demo.pages import Pages
from kalanso.middleware import invalidate_page_cache


class Command(BaseCommand):
    help = "Create demonstration courses, resources and one account per role (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is False (never on a production site).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a publicly known password and runs only "
                "when DEBUG is True. Use --force to run it anyway (never in production)."
            )
        created = Counter()
        with transaction.atomic():
            pages = Pages(created)
            default_site = Site.objects.get(is_default_site=True)
            home = default_site.root_page.specific
            # The home page's children are created in this order (the admin
            # lists them so).
            site.seed_home(pages, home)
            term_ids = glossary.seed_glossary(pages)
            courses.seed_catalogue(pages, home, term_ids)
            resources.seed_resources(pages, home)
            site.seed_privacy_page(pages, home, default_site)
            organisations = site.seed_organisations(created)
            site.seed_accounts(created, organisations)
        invalidate_page_cache()
        self.report(created)

    def report(self, created):
        if created:
            done = ", ".join(f"{count} {what}" for what, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo content created: {done}."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo content already exists: nothing was created.")
            )
        self.stdout.write(f"\nDemo accounts (password for all: {site.DEMO_PASSWORD}):")
        for spec in site.ACCOUNTS:
            self.stdout.write(
                f"  {spec['role']:<18} {spec['email']:<32} {spec['full_name']}"
            )
