"""Editors may upload SCORM packages (and use them in lessons); moderators
may also delete them. Nobody else gets a SCORM permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editor": ["add_scormpackage", "change_scormpackage", "view_scormpackage"],
    "Moderator": [
        "add_scormpackage",
        "change_scormpackage",
        "view_scormpackage",
        "delete_scormpackage",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("scorm")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="scorm", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("scorm", "0001_initial"),
        ("home", "0003_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
