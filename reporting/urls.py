from django.urls import path, re_path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    re_path(
        r"^export/aggregates\.(?P<fmt>csv|xlsx)$",
        views.export_aggregates,
        name="export_aggregates",
    ),
    re_path(
        r"^export/(?P<kind>participants|learners)\.(?P<fmt>csv|xlsx)$",
        views.export_personal,
        name="export_personal",
    ),
    path("impact/", views.public_summary, name="public_summary"),
    path("api-tokens/", views.tokens, name="tokens"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("my-data/", views.my_data, name="my_data"),
    re_path(
        r"^my-data/export\.(?P<fmt>json|csv)$",
        views.my_data_export,
        name="my_data_export",
    ),
    path("my-data/erase/", views.my_data_erase, name="my_data_erase"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.participant_detail, name="participant"),
    path(
        "people/<int:pk>/export.json",
        views.participant_export,
        name="participant_export",
    ),
    path("people/<int:pk>/erase/", views.participant_erase, name="participant_erase"),
]
