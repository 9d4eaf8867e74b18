"""Mali's regions (ISO 3166-2:ML), the Bamako district, and "outside Mali"."""

from django.db import migrations

REGIONS = [
    # code, French name, English name, in Mali
    ("ML-BKO", "District de Bamako", "Bamako District", True),
    ("ML-1", "Kayes", "Kayes", True),
    ("ML-2", "Koulikoro", "Koulikoro", True),
    ("ML-3", "Sikasso", "Sikasso", True),
    ("ML-4", "Ségou", "Ségou", True),
    ("ML-5", "Mopti", "Mopti", True),
    ("ML-6", "Tombouctou", "Timbuktu", True),
    ("ML-7", "Gao", "Gao", True),
    ("ML-8", "Kidal", "Kidal", True),
    ("ML-9", "Ménaka", "Ménaka", True),
    ("ML-10", "Taoudénit", "Taoudénit", True),
    ("XX", "Hors du Mali", "Outside Mali", False),
]


def load(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    for order, (code, name, name_en, in_mali) in enumerate(REGIONS):
        Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "in_mali": in_mali, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("accounts", "Region").objects.filter(
        code__in=[r[0] for r in REGIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
