"""Certificates under the language prefix (/fr/certificates/…)."""

from django.urls import path

from .views import manage, personal, public

app_name = "certificates"

urlpatterns = [
    path("", public.verify_form, name="verify_form"),
    path("v/<str:code>/", public.verify, name="verify"),
    path("<id:pk>/certificate.pdf", personal.download_pdf, name="pdf"),
    path("<id:pk>/credential.jwt", personal.download_jwt, name="jwt"),
    path("sessions/", personal.sessions, name="sessions"),
    path(
        "sessions/<id:session_id>/attendance.pdf",
        personal.session_pdf,
        name="session_pdf",
    ),
    path(
        "sessions/<id:session_id>/issue/",
        personal.session_issue,
        name="session_issue",
    ),
    path("manage/", manage.manage_list, name="manage_list"),
    path("manage/<id:pk>/", manage.manage_detail, name="manage_detail"),
    path("manage/<id:pk>/revoke/", manage.manage_revoke, name="manage_revoke"),
    path("manage/<id:pk>/reissue/", manage.manage_reissue, name="manage_reissue"),
]
