"""Replace Wagtail's welcome page with Kalanso's home page (French), add the
English locale, and point the default site at the new home page."""

from django.db import migrations


def create_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("home.HomePage")

    french, _ = Locale.objects.get_or_create(language_code="fr")
    Locale.objects.get_or_create(language_code="en")

    # Wagtail's default welcome page (depth 2, the only child of the root).
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    if HomePage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Kalanso",
        draft_title="Kalanso",
        slug="accueil",
        content_type=content_type,
        path=f"{root.path}0002",
        depth=2,
        numchild=0,
        url_path="/accueil/",
        locale=french,
        tagline="Former pour agir sans nuire",
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Kalanso"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_home, migrations.RunPython.noop)]
