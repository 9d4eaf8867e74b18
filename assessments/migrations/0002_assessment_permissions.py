"""Question bank and quiz permissions for the roles: Editors author the bank
and quizzes, Moderators may also delete, Programme managers read quizzes (for
their statistics and result exports)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BANK_MODELS = ["question", "quiz", "questioncategory", "scenario"]
EDITOR_ACTIONS = ["add", "change", "view"]
MODERATOR_ACTIONS = [*EDITOR_ACTIONS, "delete"]
MANAGER_PERMS = ["view_quiz"]


def _perms(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label="assessments", codename__in=codenames
        )
    )


def _codenames(actions):
    return [f"{action}_{model}" for model in BANK_MODELS for action in actions]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations: make them now.
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    for role, codenames in (
        ("Editor", _codenames(EDITOR_ACTIONS)),
        ("Moderator", _codenames(MODERATOR_ACTIONS)),
        ("Programme manager", MANAGER_PERMS),
    ):
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*_perms(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, codenames in (
        ("Editor", _codenames(EDITOR_ACTIONS)),
        ("Moderator", _codenames(MODERATOR_ACTIONS)),
        ("Programme manager", MANAGER_PERMS),
    ):
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*_perms(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("home", "0003_roles_and_review_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
