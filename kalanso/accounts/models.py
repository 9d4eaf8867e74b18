"""People and the organisations they work for."""

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalanso.bilingual import BilingualNameMixin


class Region(BilingualNameMixin, models.Model):
    """A region of work: Mali's regions, the Bamako district, or outside Mali.

    Loaded by a data migration (ISO 3166-2:ML codes) so that places are data,
    not strings in templates.
    """

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    in_mali = models.BooleanField(_("in Mali"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.localized_name


class Organisation(models.Model):
    """An organisation that people work for, grouped by type for reporting."""

    class Type(models.TextChoices):
        UN_MISSION = "un", _("UN mission")
        INTERNATIONAL_NGO = "ingo", _("International NGO")
        NATIONAL_NGO = "ngo", _("National NGO")
        GOVERNMENT = "gov", _("Government / security and defence forces")
        CIVIL_SOCIETY = "cso", _("Civil society / community")
        DONOR = "donor", _("Donor")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("email_confirmed_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login."""

    class Gender(models.TextChoices):
        FEMALE = "f", _("Woman")
        MALE = "m", _("Man")
        UNDISCLOSED = "x", _("Prefer not to say")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region of work"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("fr", _("French")), ("en", _("English"))],
        default="fr",
    )
    gender = models.CharField(
        _("gender"),
        max_length=1,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional. Used only in anonymous totals."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can log into the administration interface."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        _("e-mail confirmed at"), null=True, blank=True
    )
    consent_given_at = models.DateTimeField(
        _("data-protection consent given at"), null=True, blank=True
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs):
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            # A new password (reset by e-mail, changed, set by an
            # administrator) ends any lockout for failed logins.
            from .lockout import reset_account

            reset_account(self.email)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_confirmed(self):
        return self.email_confirmed_at is not None

    # Wagtail's admin shows these.
    @property
    def first_name(self):
        return self.get_short_name()

    @property
    def last_name(self):
        return ""


class AuditEntry(models.Model):
    """Who read or exported personal data, who changed a level or revoked a
    credential. Written through :func:`kalanso.accounts.audit.record`.

    The entry keeps the actor's name as text so that it survives the erasure
    of the account; the target is named by type and id, never by personal data.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.CharField(_("target id"), max_length=60, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} "
            f"{self.get_action_display()}"
        )

    def get_action_display(self):
        from .audit import action_label

        return action_label(self.action)

    get_action_display.short_description = _("action")

    def get_target_type_display(self):
        from .audit import target_label

        return target_label(self.target_type)

    get_target_type_display.short_description = _("target type")
