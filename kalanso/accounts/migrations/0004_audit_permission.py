"""Programme managers may read the audit log (and nothing more on it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Programme manager").first()
    if group:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="accounts", codename="view_auditentry"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_auditentry"),
        ("home", "0003_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
