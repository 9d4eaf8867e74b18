"""Places (cercles, Bamako's communes, refugee camps) and spoken languages are
data; the trainer roles get their least-privilege permissions.

Cercles come from the Who's On First gazetteer (CC0, "Data from Who's On
First"), camps from UNHCR's operational data on Malian refugees.
"""

import json
from pathlib import Path

from django.contrib.auth.management import create_permissions
from django.db import migrations

LANGUAGES = [
    ("fr", "Français", "French"),
    ("bm", "Bambara", "Bambara"),
    ("ses", "Songhaï", "Songhai"),
    ("ff", "Peul (fulfulde)", "Fulfulde"),
    ("tmh", "Tamasheq", "Tamasheq"),
    ("ar", "Arabe", "Arabic"),
    ("snk", "Soninké", "Soninke"),
    ("dgo", "Dogon", "Dogon"),
    ("sef", "Sénoufo", "Senufo"),
    ("bzo", "Bozo", "Bozo"),
    ("en", "Anglais", "English"),
]

ROLE_PERMISSIONS = {
    "Trainer": [
        ("trainerprofile", "view_trainer_directory"),
        ("cascadesession", "lead_session"),
    ],
    "Master trainer": [
        ("trainerprofile", "view_trainer_directory"),
        ("trainerprofile", "change_trainer_level"),
        ("cascadesession", "lead_session"),
        ("cascadesession", "validate_session"),
        ("cascadesession", "view_all_sessions"),
    ],
    "Programme manager": [
        ("trainerprofile", "view_trainer_directory"),
        ("trainerprofile", "change_trainer_level"),
        ("trainerprofile", "view_whole_cascade"),
        ("cascadesession", "view_all_sessions"),
    ],
}


def load(apps, schema_editor):
    SpokenLanguage = apps.get_model("trainers", "SpokenLanguage")
    Place = apps.get_model("trainers", "Place")
    Region = apps.get_model("accounts", "Region")
    for order, (code, name, name_en) in enumerate(LANGUAGES):
        SpokenLanguage.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
    regions = {region.code: region for region in Region.objects.all()}
    data = json.loads((Path(__file__).parent.parent / "data" / "places.json").read_text("utf-8"))
    for place in data:
        Place.objects.update_or_create(
            code=place["code"],
            defaults={
                "kind": place["kind"],
                "name": place["name"],
                "name_en": place["name_en"],
                "region": regions[place["region"]],
                "country": place["country"],
            },
        )

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for model, codename in perms:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="trainers",
                    content_type__model=model,
                    codename=codename,
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("trainers", "0001_initial"),
        ("accounts", "0002_load_regions"),
        ("home", "0003_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
