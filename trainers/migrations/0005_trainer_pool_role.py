"""The trainer pool as a role: a "Trainer pool" group holding the new
``in_trainer_pool`` permission, with everyone who has a trainer profile in it
(``certification.sync_groups`` keeps it in step from now on). The site asks
``kalanso.accounts.roles.is_in_trainer_pool`` instead of looking for a profile.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Trainer pool"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("trainers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    TrainerProfile = apps.get_model("trainers", "TrainerProfile")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="trainers", codename="in_trainer_pool"
        )
    )
    Membership = apps.get_model("accounts", "User").groups.through
    members = set(
        Membership.objects.filter(group=group).values_list("user_id", flat=True)
    )
    Membership.objects.bulk_create(
        [
            Membership(group_id=group.pk, user_id=user_id)
            for user_id in TrainerProfile.objects.values_list("user_id", flat=True)
            if user_id not in members
        ],
        batch_size=1000,
    )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trainers", "0004_certification_settings_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="trainerprofile",
            options={
                "ordering": ["user__full_name"],
                "permissions": [
                    ("view_trainer_directory", "Can search the trainer directory"),
                    ("change_trainer_level", "Can certify, promote and suspend trainers"),
                    ("view_whole_cascade", "Can see the whole cascade"),
                    (
                        "in_trainer_pool",
                        "Is in the trainer pool (given with a trainer profile)",
                    ),
                ],
                "verbose_name": "trainer profile",
                "verbose_name_plural": "trainer profiles",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
