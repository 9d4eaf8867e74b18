"""SCORM packages and what learners do in them.

A :class:`ScormPackage` is an uploaded SCORM 1.2 or 2004 zip, checked and
unpacked into private storage (``scorm.packages``). A lesson shows it through
its ``scorm`` block.

Tracking, per learner, SCO (a launchable item of the manifest) and attempt:
:class:`ScormAttempt` holds the run-time data the SCO wrote (status, location,
suspend_data, score, exit, objectives, interactions); each launch opens a
:class:`ScormSession`, which keeps the last commit's sequence number and the
session time. The total time is the sum of the sessions' times, so a commit
replayed, or arriving late from an old tab, never counts time twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SUSPEND_DATA_MAX = 64_000  # characters, in both versions (SCORM 2004 4th ed.)


class ScormPackage(models.Model):
    """An uploaded SCORM package (its files live in private storage)."""

    VERSIONS = [("1.2", "SCORM 1.2"), ("2004", "SCORM 2004")]

    title = models.CharField(_("title"), max_length=300)
    version = models.CharField(_("SCORM version"), max_length=8, choices=VERSIONS)
    identifier = models.CharField(_("manifest identifier"), max_length=200, blank=True)
    structure = models.JSONField(_("table of contents"), default=dict, editable=False)
    folder = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_count = models.PositiveIntegerField(_("files"), default=0, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")

    def __str__(self):
        return f"{self.title} (SCORM {self.version})"

    @property
    def scos(self) -> list[dict]:
        """The launchable items, in flow order: id, title, href, parameters."""
        return self.structure.get("scos", [])

    def sco(self, sco_id: str) -> dict | None:
        return next((s for s in self.scos if s["id"] == sco_id), None)

    @property
    def path(self):
        return settings.PRIVATE_MEDIA_ROOT / "scorm" / str(self.folder)


class ScormAttempt(models.Model):
    """One learner's attempt at one SCO: the run-time data it committed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    package = models.ForeignKey(
        ScormPackage, on_delete=models.CASCADE, related_name="attempts"
    )
    sco_id = models.CharField(_("SCO"), max_length=200)
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    # 1.2: cmi.core.lesson_status; 2004: cmi.completion_status / success_status.
    completion_status = models.CharField(max_length=20, default="not attempted")
    success_status = models.CharField(max_length=20, default="unknown")
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    score_raw = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    exit = models.CharField(max_length=20, blank=True)
    terminated = models.BooleanField(default=False)
    objectives = models.JSONField(default=list, blank=True)
    interactions = models.JSONField(default=list, blank=True)
    total_seconds = models.FloatField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "sco_id", "number"],
                name="unique_scorm_attempt",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.package} · {self.sco_id} #{self.number}"

    @property
    def satisfied(self) -> bool:
        """The SCO counts as done: completed or passed (and not failed)."""
        if self.success_status == "failed" or self.completion_status == "failed":
            return False
        return self.completion_status in ("completed", "passed") or (
            self.success_status == "passed"
        )


class ScormSession(models.Model):
    """One launch of a SCO. Commits carry its id and a sequence number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attempt = models.ForeignKey(
        ScormAttempt, on_delete=models.CASCADE, related_name="sessions"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entry = models.CharField(max_length=20, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("SCORM session")
        verbose_name_plural = _("SCORM sessions")

    def __str__(self):
        return f"{self.attempt_id} · {self.pk}"
