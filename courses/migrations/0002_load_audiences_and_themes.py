from django.db import migrations

AUDIENCES = [
    ("un-staff", "Personnel des missions de l'ONU", "UN mission staff"),
    ("ngo-staff", "Personnel des ONG", "NGO staff"),
    ("security-forces", "Gouvernement et forces de défense et de sécurité", "Government and security forces"),
    ("community-leaders", "Leaders communautaires", "Community leaders"),
    ("womens-groups", "Associations de femmes", "Women's groups"),
    ("youth", "Jeunes", "Youth"),
]

THEMES = [
    ("conflict-analysis", "Analyse de conflit", "Conflict analysis"),
    ("do-no-harm", "Ne pas nuire", "Do no harm"),
    ("gender", "Genre et participation des femmes", "Gender and women's participation"),
    ("youth", "Jeunesse", "Youth"),
    ("security", "Sécurité et relations civilo-militaires", "Security and civil-military relations"),
    ("resilience", "Résilience locale", "Local resilience"),
]


def load(apps, schema_editor):
    Audience = apps.get_model("courses", "Audience")
    Theme = apps.get_model("courses", "Theme")
    for order, (code, name, name_en) in enumerate(AUDIENCES):
        Audience.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
    for code, name, name_en in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})


def unload(apps, schema_editor):
    apps.get_model("courses", "Audience").objects.filter(code__in=[a[0] for a in AUDIENCES]).delete()
    apps.get_model("courses", "Theme").objects.filter(code__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
