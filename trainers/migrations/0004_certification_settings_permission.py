"""Programme managers set the certification rules (exam, co-facilitations
required, validity) in the admin's settings menu."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("trainers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Programme manager").first()
    if group:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="trainers",
                codename="change_certificationsettings",
            )
        )


class Migration(migrations.Migration):
    dependencies = [("trainers", "0003_session_photos_private_storage")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
