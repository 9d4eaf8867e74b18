from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("course/<id:course_id>/enrol/", views.enrol, name="enrol"),
    path("course/<id:course_id>/continue/", views.continue_course, name="continue"),
    path(
        "lesson/<id:lesson_id>/complete/",
        views.complete_lesson,
        name="complete_lesson",
    ),
    path(
        "lesson/<id:lesson_id>/reflection/<str:block_id>/",
        views.save_reflection,
        name="save_reflection",
    ),
]
