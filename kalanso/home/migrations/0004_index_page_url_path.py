"""Index wagtailcore_page.url_path: HomePage.route finds pages by it in one query."""

from django.db import migrations

SQL = "CREATE INDEX IF NOT EXISTS kalanso_page_url_path ON wagtailcore_page (url_path)"
REVERSE = "DROP INDEX IF EXISTS kalanso_page_url_path"


class Migration(migrations.Migration):
    dependencies = [("home", "0003_roles_and_review_workflow")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
