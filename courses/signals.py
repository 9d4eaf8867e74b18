"""A passed post-test can complete a course (the quiz does not know the course)."""

from django.db.models import Q
from django.dispatch import receiver

from assessments.signals import attempt_submitted

from .models import CoursePage, Enrolment
from .services import course_completion_update


@receiver(attempt_submitted)
def complete_course_after_post_test(sender, attempt, **kwargs):
    if not attempt.passed:
        return
    courses = CoursePage.objects.live().filter(
        Q(post_test_id=attempt.quiz_id)
        | Q(parallel_forms=True, pre_test_id=attempt.quiz_id)
    )
    enrolled = set(
        Enrolment.objects.filter(
            user_id=attempt.user_id, course_key__in=[c.translation_key for c in courses]
        ).values_list("course_key", flat=True)
    )
    for course in courses:
        if course.translation_key in enrolled:
            course_completion_update(user=attempt.user, course=course)
