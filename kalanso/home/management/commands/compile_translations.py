"""Compile locale/*/LC_MESSAGES/*.po into .mo files in pure Python (polib), so a
machine without GNU gettext can still build the catalogues."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import polib


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) without GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Fail if a .mo file is missing or older than its .po file.",
        )

    def handle(self, *args, check=False, **options):
        stale = []
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                catalogue = polib.pofile(str(po_path))
                fresh = _compiled(catalogue)
                if mo_path.exists() and mo_path.read_bytes() == fresh:
                    continue
                if check:
                    stale.append(str(mo_path))
                    continue
                mo_path.write_bytes(fresh)
                self.stdout.write(
                    f"compiled {po_path} ({catalogue.percent_translated()} %)"
                )
        if stale:
            raise CommandError(
                "Translation catalogues are out of date; run 'make compilemessages': "
                + ", ".join(stale)
            )


def _compiled(catalogue):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".mo") as handle:
        catalogue.save_as_mofile(handle.name)
        return Path(handle.name).read_bytes()
