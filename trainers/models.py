"""The certified trainer pool and the cascade trainings they run.

A trainer's level is a fact about a person with its history
(:class:`LevelChange`); the Django groups follow it (``certification.py``).
A cascade session is held by a lead trainer with co-facilitators for
participants who may or may not have an account. Lineage — who trained whom —
is ``TrainerProfile.trained_in``: the session in which the trainer was trained.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from kalanso.accounts.models import Organisation, Region
from kalanso.bilingual import BilingualNameMixin


def _token():
    return secrets.token_urlsafe(24)


def _short_code():
    # 10 characters from an alphabet without look-alikes (0/O, 1/I/L):
    # about 50 bits, read aloud or typed on a basic phone.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class SpokenLanguage(BilingualNameMixin, models.Model):
    """A language a trainer speaks or a session works in (loaded by migration)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name (French)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.localized_name


class Place(BilingualNameMixin, models.Model):
    """A cercle or commune of Mali, or a refugee camp in a neighbouring country.

    Loaded by a data migration from the Who's On First gazetteer (cercles) and
    UNHCR's list of camps hosting Malian refugees.
    """

    class Kind(models.TextChoices):
        CERCLE = "cercle", _("Cercle")
        COMMUNE = "commune", _("Commune")
        CAMP = "camp", _("Refugee camp")

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="places",
    )
    country = models.CharField(_("country (ISO code)"), max_length=2, default="ML")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cercle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["region__sort_order", "kind", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        if self.kind == self.Kind.CAMP:
            return f"{self.localized_name} ({self.get_kind_display()}, {self.country})"
        return self.localized_name


@register_setting(icon="group")
class CertificationSettings(BaseGenericSetting):
    """The rules of the trainer certification path, set by the programme."""

    certification_exam = models.ForeignKey(
        "assessments.Quiz",
        verbose_name=_("certification exam"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "exam"},
        help_text=_("Left empty, any passed certification exam counts."),
    )
    required_cofacilitations = models.PositiveSmallIntegerField(
        _("co-facilitated sessions required"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("Each one with an observation report by a certified trainer."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certification valid for (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    panels = [
        FieldPanel("certification_exam"),
        FieldPanel("required_cofacilitations"),
        FieldPanel("validity_months"),
    ]

    class Meta:
        verbose_name = _("trainer certification")


class TrainerProfile(models.Model):
    """A person in the trainer pool (candidate, co-facilitator, certified, master)."""

    class Level(models.IntegerChoices):
        CANDIDATE = 10, _("Candidate")
        CO_FACILITATOR = 20, _("Co-facilitator")
        CERTIFIED = 30, _("Certified trainer")
        MASTER = 40, _("Master trainer")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Certification expired")

    class Visibility(models.TextChoices):
        STAFF = "staff", _("All trainers and programme staff")
        PROGRAMME = "programme", _("Only master trainers and programme managers")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="trainer_profile",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, default=Level.CANDIDATE, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    certified_at = models.DateField(_("certified on"), null=True, blank=True)
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    languages = models.ManyToManyField(
        SpokenLanguage, verbose_name=_("languages spoken"), blank=True
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions served"), blank=True, related_name="+"
    )
    bio = models.TextField(_("short biography"), max_length=1000, blank=True)
    visibility = models.CharField(
        _("who sees me in the directory"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.STAFF,
    )
    show_email = models.BooleanField(
        _("show my e-mail address in the directory"), default=False
    )
    trained_in = models.ForeignKey(
        "CascadeSession",
        verbose_name=_("session in which I was trained"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainers_trained",
        help_text=_("Empty for the programme's own trainers (generation 1)."),
    )
    calendar_token = models.CharField(max_length=40, unique=True, default=_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("trainer profile")
        verbose_name_plural = _("trainer profiles")
        permissions = [
            ("view_trainer_directory", _("Can search the trainer directory")),
            ("change_trainer_level", _("Can certify, promote and suspend trainers")),
            ("view_whole_cascade", _("Can see the whole cascade")),
            (
                "in_trainer_pool",
                _("Is in the trainer pool (given with a trainer profile)"),
            ),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def is_active_trainer(self):
        """May lead sessions: certified or master, neither suspended nor expired."""
        return self.level >= self.Level.CERTIFIED and self.status == self.Status.ACTIVE


class LevelChange(models.Model):
    """One step in a trainer's history: who changed what, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Joined the pool")
        PROMOTED = "promoted", _("Promoted")
        DEMOTED = "demoted", _("Level lowered")
        CERTIFIED = "certified", _("Certified")
        RENEWED = "renewed", _("Certification renewed")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        EXPIRED = "expired", _("Certification expired")

    profile = models.ForeignKey(
        TrainerProfile, on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_level = models.PositiveSmallIntegerField(
        _("from"), choices=TrainerProfile.Level.choices, null=True, blank=True
    )
    to_level = models.PositiveSmallIntegerField(
        _("to"), choices=TrainerProfile.Level.choices
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")

    def __str__(self):
        return f"{self.profile} {self.get_action_display()} {self.created_at:%Y-%m-%d}"


class CascadeSession(models.Model):
    """A training run by certified trainers in a region or a camp."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        REPORTED = "reported", _("Report submitted")
        VALIDATED = "validated", _("Validated")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="cascade_sessions",
    )
    lead_trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead trainer"),
        on_delete=models.PROTECT,
        related_name="sessions_led",
    )
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-facilitators"),
        blank=True,
        related_name="sessions_cofacilitated",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("cercle, commune or camp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    mode = models.CharField(
        _("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    languages = models.ManyToManyField(
        SpokenLanguage, verbose_name=_("working languages"), blank=True
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    is_public = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_(
            "Shown in the public calendar and open to sign-up by trainees. "
            "Leave off for sessions whose place or audience must stay discreet."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=500, blank=True
    )
    report = models.TextField(_("narrative report"), blank=True)
    report_submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback_token = models.CharField(max_length=12, unique=True, default=_short_code)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("cascade session")
        verbose_name_plural = _("cascade sessions")
        permissions = [
            ("lead_session", _("Can schedule and lead cascade sessions")),
            (
                "validate_session",
                _("Can validate session reports and observe trainers"),
            ),
            ("view_all_sessions", _("Can see every session and its participants")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="session_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self):
        return self.title

    @property
    def days(self):
        from datetime import timedelta

        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(max(count, 0))]


class Participant(models.Model):
    """Someone in a session: with an account (self-registered or claimed) or
    entered by the trainer. Personal data: visible only to the session's
    trainers, master trainers and programme managers."""

    class Sex(models.TextChoices):
        FEMALE = "f", _("Woman")
        MALE = "m", _("Man")
        UNDISCLOSED = "x", _("Prefer not to say")

    class AgeBand(models.TextChoices):
        UNDER_18 = "u18", _("Under 18")
        AGE_18_24 = "18-24", "18–24"
        AGE_25_34 = "25-34", "25–34"
        AGE_35_49 = "35-49", "35–49"
        AGE_50 = "50+", _("50 and over")

    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        SELF = "self", _("Signed up online")
        TRAINER = "trainer", _("Entered by the trainer")
        IMPORT = "import", _("Imported")

    session = models.ForeignKey(
        CascadeSession, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    age_band = models.CharField(
        _("age band"), max_length=5, choices=AgeBand.choices, blank=True
    )
    organisation_type = models.CharField(
        _("organisation type"),
        max_length=10,
        choices=Organisation.Type.choices,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=150, blank=True)
    phone = models.CharField(_("phone (optional)"), max_length=30, blank=True)
    state = models.CharField(
        _("registration"),
        max_length=10,
        choices=State.choices,
        default=State.REGISTERED,
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    pre_score = models.DecimalField(
        _("pre-test score (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    post_score = models.DecimalField(
        _("post-test score (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    claim_code = models.CharField(max_length=12, unique=True, default=_short_code)
    registered_at = models.DateTimeField(default=timezone.now, db_index=True)
    pseudonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registered_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="one_participation_per_account",
            )
        ]
        indexes = [models.Index(fields=["session", "state", "registered_at"])]

    def __str__(self):
        return self.full_name


def _invitation_token():
    return secrets.token_urlsafe(32)


def _in_two_weeks():
    return timezone.now() + LinkInvitation.LIFETIME


class LinkInvitation(models.Model):
    """A session's trainer asked to link a participant's record to an account.
    Nothing is linked until the account holder accepts (the trainer learns
    nothing about the account before); see ``services.link_invitation_*``."""

    LIFETIME = timedelta(days=14)

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("No longer needed")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="link_invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="link_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_in_two_weeks)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account link invitation")
        verbose_name_plural = _("account link invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "user"],
                condition=Q(status="pending"),
                name="one_pending_link_invitation",
            )
        ]

    def __str__(self):
        return f"{self.participant} → {self.user}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Attendance(models.Model):
    """Whether a participant was there on one day of the session."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "day"], name="one_attendance_per_day"
            )
        ]

    def __str__(self):
        return f"{self.participant} {self.day}"


class Feedback(models.Model):
    """Anonymous end-of-session feedback, given through the short link or QR code."""

    session = models.ForeignKey(
        CascadeSession, on_delete=models.CASCADE, related_name="feedback"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="satisfaction_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.session} {self.satisfaction}/5"


def private_storage():
    """Storage that the web server never serves (see ``STORAGES["private"]``;
    kalanso.storage: local files, or a private bucket of an object store)."""
    from kalanso.storage import private_storage

    return private_storage


def session_photo_path(instance, filename):
    # A random name: the uploaded file name may carry a place or a person.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"sessions/{instance.session.uid}/{uuid.uuid4().hex}.{extension}"


class SessionPhoto(models.Model):
    """A photo in a session report, stored without its metadata (EXIF/GPS)."""

    session = models.ForeignKey(
        CascadeSession, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("photo"), upload_to=session_photo_path, storage=private_storage
    )
    alt_text = models.CharField(
        _("description (alternative text)"),
        max_length=250,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")

    def __str__(self):
        return self.alt_text


class ReportReview(models.Model):
    """A master trainer's decision on a session report."""

    class Decision(models.TextChoices):
        VALIDATED = "validated", _("Validated")
        SENT_BACK = "sent_back", _("Sent back for changes")

    session = models.ForeignKey(
        CascadeSession, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comments"), max_length=4000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report review")
        verbose_name_plural = _("report reviews")

    def __str__(self):
        return f"{self.session} {self.get_decision_display()}"


class Observation(models.Model):
    """A certified or master trainer's report on a co-facilitator in a session:
    one step of the co-facilitator's certification path."""

    session = models.ForeignKey(
        CascadeSession, on_delete=models.CASCADE, related_name="observations"
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-facilitator observed"),
        on_delete=models.CASCADE,
        related_name="observations_received",
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("observer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="observations_written",
    )
    report = models.TextField(_("observation report"))
    satisfactory = models.BooleanField(_("ready to train on their own"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainer"], name="one_observation_per_session"
            )
        ]

    def __str__(self):
        return f"{self.trainer} @ {self.session}"
