"""The platform's roles as groups with least-privilege permissions, and the
review workflow: an Editor submits, a Moderator approves and publishes.

Wagtail's own "Editors" and "Moderators" groups are renamed to the roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["Trainee", "Trainer", "Master trainer", "Editor", "Moderator", "Programme manager"]

EDITOR_MODEL_PERMS = [
    ("wagtailadmin", "admin", ["access_admin"]),
    ("wagtailimages", "image", ["add_image", "change_image", "choose_image"]),
    ("wagtaildocs", "document", ["add_document", "change_document", "choose_document"]),
    ("courses", "glossaryterm", ["add_glossaryterm", "change_glossaryterm", "view_glossaryterm"]),
    ("wagtail_localize", "translation", ["submit_translation"]),
]
MODERATOR_EXTRA = [
    ("wagtailimages", "image", ["delete_image"]),
    ("wagtaildocs", "document", ["delete_document"]),
    ("courses", "glossaryterm", ["delete_glossaryterm"]),
]
MANAGER_MODEL_PERMS = [
    ("wagtailadmin", "admin", ["access_admin"]),
    ("accounts", "organisation", ["add_organisation", "change_organisation", "view_organisation"]),
    ("accounts", "user", ["view_user"]),
]
EDITOR_PAGE_PERMS = ["add_page", "change_page", "lock_page"]
MODERATOR_PAGE_PERMS = [*EDITOR_PAGE_PERMS, "publish_page", "unlock_page", "bulk_delete_page"]
COLLECTION_PERMS = {
    "Editor": [("wagtailimages", "image", ["add_image", "change_image", "choose_image"]),
               ("wagtaildocs", "document", ["add_document", "change_document", "choose_document"])],
    "Moderator": [("wagtailimages", "image", ["add_image", "change_image", "choose_image", "delete_image"]),
                  ("wagtaildocs", "document", ["add_document", "change_document", "choose_document", "delete_document"])],
}


def _perms(apps, spec):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, model, codenames in spec:
        for codename in codenames:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return found


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations: make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    Group.objects.filter(name="Editors").update(name="Editor")
    Group.objects.filter(name="Moderators").update(name="Moderator")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}

    groups["Editor"].permissions.set(_perms(apps, EDITOR_MODEL_PERMS))
    groups["Moderator"].permissions.set(_perms(apps, EDITOR_MODEL_PERMS + MODERATOR_EXTRA))
    groups["Programme manager"].permissions.set(_perms(apps, MANAGER_MODEL_PERMS))

    root = Page.objects.get(depth=1)
    for role, codenames in (("Editor", EDITOR_PAGE_PERMS), ("Moderator", MODERATOR_PAGE_PERMS)):
        GroupPagePermission.objects.filter(group=groups[role]).delete()
        for codename in codenames:
            GroupPagePermission.objects.create(
                group=groups[role],
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )

    root_collection = Collection.objects.get(depth=1)
    for role, spec in COLLECTION_PERMS.items():
        GroupCollectionPermission.objects.filter(group=groups[role]).delete()
        for permission in _perms(apps, spec):
            GroupCollectionPermission.objects.create(
                group=groups[role], collection=root_collection, permission=permission
            )

    # One review workflow on the whole page tree.
    WorkflowPage.objects.filter(page=root).delete()
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="Relecture par un modérateur / Moderator review",
        content_type=task_type,
        active=True,
    )
    task.groups.set([groups["Moderator"]])
    workflow = Workflow.objects.create(name="Relecture éditoriale / Editorial review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_site_and_home"),
        ("accounts", "0002_load_regions"),
        ("courses", "0002_load_audiences_and_themes"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
