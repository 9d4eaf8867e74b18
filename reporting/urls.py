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
    path("api-tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
