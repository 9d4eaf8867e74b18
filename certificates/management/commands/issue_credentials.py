"""Issue the credentials that are due but missing: completions and
validations recorded before the certificates app existed, or while the task
worker was down. Safe to run again: nothing is issued twice, and nothing a
programme manager revoked comes back.

    python manage.py issue_credentials
"""

from django.core.management.base import BaseCommand

from certificates import issuance
from certificates.models import Credential
from courses.completion import completed_enrolments
from trainers.models import CascadeSession, TrainerProfile


class Command(BaseCommand):
    help = "Issue the certificates that are due but missing (idempotent)."

    def handle(self, *args, **options):
        before = Credential.objects.count()
        for user_id, course_key in (
            completed_enrolments().values_list("user_id", "course_key").iterator()
        ):
            issuance.course_credential_issue(user_id=user_id, course_key=course_key)
        for profile_id in TrainerProfile.objects.filter(
            level__gte=TrainerProfile.Level.CERTIFIED
        ).values_list("pk", flat=True):
            issuance.trainer_credentials_sync(profile_id=profile_id)
        for session_id in CascadeSession.objects.filter(
            status=CascadeSession.Status.VALIDATED
        ).values_list("pk", flat=True):
            issuance.attendance_credentials_issue(session_id=session_id)
        issued = Credential.objects.count() - before
        self.stdout.write(f"{issued} credential(s) issued.")
