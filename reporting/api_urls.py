"""The JSON API, outside the language prefix: /api/v1/…"""

from django.urls import path, re_path

from . import api

app_name = "reporting_api"

urlpatterns = [
    path("openapi.json", api.openapi, name="openapi"),
    path("report", api.full_report, name="report"),
    re_path(
        r"^tables/(?P<slug>{})$".format("|".join(api.TABLES)),
        api.one_table,
        name="table",
    ),
    # Anything else under /api/v1/: the API's JSON 404, never the site's
    # HTML pages nor a redirection to a language prefix.
    re_path(r"^", api.not_found, name="not_found"),
]
