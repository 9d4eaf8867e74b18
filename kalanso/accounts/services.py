"""Account operations: sign-up, e-mail confirmation, consent."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
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


@transaction.atomic
def user_sign_up(*, form, base_url: str) -> User:
    """Create an inactive trainee account and send the confirmation e-mail."""
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


@transaction.atomic
def user_confirm_email(*, user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is None:
        user.is_active = True
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["is_active", "email_confirmed_at"])
    return user
