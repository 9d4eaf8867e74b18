"""Account operations: sign-up, e-mail confirmation, consent."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from django_tasks import task

from . import roles
from .models import User
from .tokens import email_confirmation_token


def normalize_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def user_sign_up(*, form, base_url: str) -> User | None:
    """Create an inactive trainee account and send the confirmation e-mail.

    If the address already has an account, nothing is created and its owner
    is told by e-mail that someone tried to sign up with it (None is
    returned). The person signing up gets the same answer either way: the
    sign-up never tells whether an address has an account.
    """
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            return _create_account(form=form, base_url=base_url)
        except IntegrityError:  # the same address signed up in a parallel request
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
    else:
        # As much work as creating the account (hashing the password), so
        # that the time the answer takes does not tell either.
        make_password(form.cleaned_data["password1"])
    owner_id = existing.pk
    transaction.on_commit(
        lambda: send_signup_attempt_notice.enqueue(user_id=owner_id, base_url=base_url)
    )
    return None


@transaction.atomic
def _create_account(*, form, base_url: str) -> User:
    user = form.save(commit=False)
    user.set_password(form.cleaned_data["password1"])
    user.is_active = False
    user.consent_given_at = timezone.now()
    user.save()
    trainee, _ = Group.objects.get_or_create(name=roles.TRAINEE)
    user.groups.add(trainee)
    transaction.on_commit(
        lambda: send_confirmation_email.enqueue(user_id=user.pk, base_url=base_url)
    )
    return user


def confirmation_path(user: User) -> str:
    return reverse(
        "accounts:confirm_email",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_confirmation_token.make_token(user),
        },
    )


@task()
def send_confirmation_email(*, user_id: int, base_url: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:
        return
    with translation.override(user.preferred_language):
        context = {
            "user": user,
            "url": base_url.rstrip("/") + confirmation_path(user),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string(
            "accounts/email/confirm_subject.txt", context
        ).strip()
        body = render_to_string("accounts/email/confirm_body.txt", context)
    send_mail(subject, body, None, [user.email])


def password_reset_path(user: User) -> str:
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@task()
def send_signup_attempt_notice(*, user_id: int, base_url: str) -> None:
    """Tell the owner of an address that someone tried to sign up with it,
    with what they can do: reset the password (active account), activate the
    account (never confirmed), or contact the team (disabled account)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    base_url = base_url.rstrip("/")
    with translation.override(user.preferred_language):
        context = {
            "user": user,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "reset_url": (
                base_url + password_reset_path(user)
                if user.is_active and user.has_usable_password()
                else None
            ),
            "confirm_url": (
                base_url + confirmation_path(user)
                if not user.is_active and user.email_confirmed_at is None
                else None
            ),
        }
        subject = render_to_string(
            "accounts/email/signup_attempt_subject.txt", context
        ).strip()
        body = render_to_string("accounts/email/signup_attempt_body.txt", context)
    send_mail(subject, body, None, [user.email])


@task()
def send_account_email(*, subject: str, body: str, to: str) -> None:
    """An e-mail rendered while answering a request, sent in the background
    (the answer then takes as long whether or not an e-mail is sent)."""
    send_mail(subject, body, None, [to])


@transaction.atomic
def user_confirm_email(*, user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is None:
        user.is_active = True
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["is_active", "email_confirmed_at"])
    return user
