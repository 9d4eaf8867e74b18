"""Credentials: what the programme certifies about a person, verifiable by
anyone who holds the paper or the file.

A credential is a record, not a file: its PDF and its signed Open Badges 3.0
form are made from it when someone asks for them, so a revocation or a new
logo shows at once. What is printed (the holder's name, the course titles in
French and English, the issuer's name) is copied at issuance and never
follows later edits; a corrected name means a new credential (a new
*edition* of the same award) that replaces the old one.

Codes: ``code`` (192 random bits, in links and QR codes) and ``short_code``
(12 characters from a 31-letter alphabet without look-alikes, about 59 bits,
typed from paper). Neither is derived from anything else, so they cannot be
guessed or enumerated; lookups are also rate-limited.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kalanso.http import absolute_url

SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
SHORT_CODE_LENGTH = 12


def new_code() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


def new_short_code() -> str:
    return "".join(
        secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH)
    )


def normalise_short_code(text: str) -> str | None:
    """``abcd-efgh-jkmn`` → ``ABCDEFGHJKMN``; None if it cannot be a short code."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -.\t")
    if len(cleaned) != SHORT_CODE_LENGTH:
        return None
    if any(ch not in SHORT_CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def format_short_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class Credential(models.Model):
    """A certificate of course completion, a trainer certification or a
    certificate of attendance at a cascade session."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completion")
        TRAINER = "trainer", _("Trainer certification")
        ATTENDANCE = "attendance", _("Session attendance")

    class Cause(models.TextChoices):
        MANUAL = "manual", _("Revoked by a programme manager")
        REISSUED = "reissued", _("Replaced by a corrected certificate")
        SUSPENDED = "suspended", _("Trainer suspended")
        LEVEL = "level", _("Trainer level lowered")
        SUPERSEDED = "superseded", _("Replaced by the renewed certification")

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    award_key = models.CharField(
        max_length=120,
        help_text="What was awarded to whom; one edition per reissue.",
    )
    edition = models.PositiveSmallIntegerField(default=1)
    achievement_ref = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
    )
    participant = models.ForeignKey(
        "trainers.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
    )
    session = models.ForeignKey(
        "trainers.CascadeSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
    )
    holder_name = models.CharField(_("holder's name"), max_length=150)
    achievement_fr = models.CharField(_("achievement (French)"), max_length=255)
    achievement_en = models.CharField(_("achievement (English)"), max_length=255)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    issued_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=200)
    extra = models.JSONField(default=dict, blank=True)
    code = models.CharField(max_length=43, unique=True, default=new_code)
    short_code = models.CharField(max_length=12, unique=True, default=new_short_code)
    status_index = models.PositiveIntegerField(unique=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_cause = models.CharField(
        max_length=10, choices=Cause.choices, blank=True
    )
    revoked_reason = models.CharField(_("reason"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["award_key", "edition"], name="one_credential_per_edition"
            )
        ]
        indexes = [
            models.Index(fields=["award_key"]),
            models.Index(fields=["kind", "issued_on"]),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.achievement_en}"

    # What it says ----------------------------------------------------------

    @property
    def achievement(self) -> str:
        """The achievement in the reader's language."""
        return self.achievement_fr if get_language() == "fr" else self.achievement_en

    @property
    def short_code_display(self) -> str:
        return format_short_code(self.short_code)

    def state(self, today=None) -> str:
        if self.revoked_at is not None:
            return self.State.REVOKED
        today = today or timezone.localdate()
        if self.valid_until is not None and self.valid_until < today:
            return self.State.EXPIRED
        return self.State.VALID

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    # Where it is verified ---------------------------------------------------

    def verification_path(self) -> str:
        return reverse("certificate_short", args=[self.code])

    def verification_url(self) -> str:
        return absolute(self.verification_path())

    def short_link_url(self) -> str:
        """The link printed for typing by hand: /v/ABCD-EFGH-JKMN."""
        return absolute(reverse("certificate_short", args=[self.short_code_display]))


def absolute(path: str) -> str:
    """The full address of ``path`` on this site: the request's host while one
    is served, else the default Wagtail Site's root URL."""
    return absolute_url(path)
