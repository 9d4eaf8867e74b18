"""Editors and programme managers may switch the public summary page on and
off (the Wagtail setting); nobody else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editor", "Programme manager"]
CODENAMES = ["change_publicsummarysettings", "view_publicsummarysettings"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("reporting")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="reporting", codename__in=CODENAMES
        )
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="reporting", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("home", "0003_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
