"""Where issuance starts: the other apps' events, heard without them knowing
about certificates. Each receiver only queues a task for after the commit,
so nothing runs on a change that is rolled back, and the task sees the
committed state.

Course completion is recorded with ``QuerySet.update`` (no ``post_save``), so
the two events that can complete a course are heard instead: a lesson marked
complete and a post-test passed; the task then applies the course's rule.
A saved enrolment with ``completed_at`` set is heard too. Which changes of a
trainer's level or status alter their credentials is decided by
``trainers.certification``, which says so with ``credentials_changed``.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from assessments.signals import attempt_submitted
from courses.models import Enrolment, LessonProgress
from trainers.certification import credentials_changed
from trainers.models import CascadeSession

from . import tasks


def _after_commit(task, *args):
    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


@receiver(post_save, sender=LessonProgress, dispatch_uid="certificates_lesson")
def lesson_completed(sender, instance, created, **kwargs):
    if created:
        _after_commit(
            tasks.issue_course_credential, instance.user_id, str(instance.course_key)
        )


@receiver(post_save, sender=Enrolment, dispatch_uid="certificates_enrolment")
def enrolment_saved(sender, instance, **kwargs):
    if instance.completed_at is not None:
        _after_commit(
            tasks.issue_course_credential, instance.user_id, str(instance.course_key)
        )


@receiver(attempt_submitted, dispatch_uid="certificates_attempt")
def attempt_scored(sender, attempt, **kwargs):
    if attempt.passed and attempt.user_id:
        _after_commit(
            tasks.issue_course_credentials_after_attempt,
            attempt.user_id,
            attempt.quiz_id,
        )


@receiver(credentials_changed, dispatch_uid="certificates_level")
def level_changed(sender, profile_id, **kwargs):
    _after_commit(tasks.sync_trainer_credentials, profile_id)


@receiver(post_save, sender=CascadeSession, dispatch_uid="certificates_session")
def session_saved(sender, instance, **kwargs):
    if instance.status == CascadeSession.Status.VALIDATED:
        _after_commit(tasks.issue_attendance_credentials, instance.pk)
