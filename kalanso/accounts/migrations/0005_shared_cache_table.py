"""The database cache table of the rate limits (kalanso/cache.py), created by
``migrate`` so that no deployment step can forget it. Creates only the tables
of the database caches in settings.CACHES that are missing; nothing to undo."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_audit_permission")]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
