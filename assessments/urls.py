from django.urls import path

from . import pdf_views, views

app_name = "assessments"

urlpatterns = [
    path("<id:quiz_id>/", views.quiz_detail, name="quiz"),
    path("<id:quiz_id>/start/", views.quiz_start, name="start"),
    path("<id:quiz_id>/check/", views.knowledge_check_submit, name="knowledge_check"),
    path("attempt/<id:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempt/<id:attempt_id>/review/", views.attempt_review, name="review"),
    # Printable paper tests: for trainers in places without connectivity, who
    # are not Wagtail admin users, so served on the site rather than the admin.
    *pdf_views.urlpatterns,
]
