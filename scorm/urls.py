from django.urls import path

from . import views

app_name = "scorm"

# Answered on SCORM_CONTENT_ORIGIN only (scorm.middleware.ContentOriginMiddleware).
urlpatterns = [
    path("s/<str:token>/", views.player, name="player"),
    path("s/<str:token>/commit", views.commit_view, name="commit"),
    path("c/<str:token>/<path:path>", views.content, name="content"),
]
