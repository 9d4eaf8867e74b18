"""People's rights. The paths stay under ``reporting/`` (see
``kalanso/urls.py``), where they were first published; the names are in the
app's own ``privacy`` namespace."""

from django.urls import path, re_path

from . import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    re_path(
        r"^my-data/export\.(?P<fmt>json|csv)$",
        views.my_data_export,
        name="my_data_export",
    ),
    path("my-data/erase/", views.my_data_erase, name="my_data_erase"),
    path("people/", views.people, name="people"),
    path("people/<id:pk>/", views.participant_detail, name="participant"),
    path(
        "people/<id:pk>/export.json",
        views.participant_export,
        name="participant_export",
    ),
    path("people/<id:pk>/erase/", views.participant_erase, name="participant_erase"),
]
