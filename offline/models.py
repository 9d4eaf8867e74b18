"""What a device sent while offline: one row per event, kept (append-only).

The unique client UUID is the idempotency key: an event sent twice, or sent
again after a tab was killed mid-sync, is applied once (the second insert
fails on the constraint, and the first result is returned)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncEvent(models.Model):
    class Kind(models.TextChoices):
        LESSON_COMPLETE = "lesson_complete", _("Lesson completed")
        KNOWLEDGE_CHECK = "knowledge_check", _("Knowledge check answered")
        EXERCISE = "exercise", _("Exercise answered")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    client_uuid = models.UUIDField(_("client identifier"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    device_time = models.DateTimeField(_("time on the device"), null=True)
    # The attempt the event belongs to (knowledge checks).
    attempt = models.ForeignKey(
        "assessments.Attempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    result = models.JSONField(_("result"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offline event")
        verbose_name_plural = _("offline events")
        indexes = [models.Index(fields=["user", "received_at"])]

    def __str__(self):
        return f"{self.kind} {self.client_uuid}"
