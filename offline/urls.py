from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("unavailable/", views.unavailable, name="unavailable"),
    path("course/<id:course_id>/", views.course_contents, name="course"),
    path("sync/", views.sync, name="sync"),
]
