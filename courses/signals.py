"""A passed post-test can complete a course (the quiz does not know the course)."""

from django.dispatch import receiver

from assessments.signals import attempt_submitted

from .services import course_completions_after_attempt


@receiver(attempt_submitted)
def complete_course_after_post_test(sender, attempt, **kwargs):
    if attempt.passed:
        course_completions_after_attempt(user=attempt.user, quiz_id=attempt.quiz_id)
