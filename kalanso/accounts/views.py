from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from kalanso import ratelimit

from .forms import (
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    ResendConfirmationForm,
    SignupForm,
)
from .models import User
from .services import (
    normalize_email,
    send_confirmation_email,
    user_confirm_email,
    user_sign_up,
)
from .tokens import email_confirmation_token

# The same words whichever limit is reached: they tell nothing about accounts.
TOO_MANY = gettext_lazy(
    "Too many requests from this connection or for this e-mail address. "
    "Nothing was sent. Please try again in an hour."
)


def _base_url(request):
    return f"{request.scheme}://{request.get_host()}"


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("courses:my_learning")
    form = SignupForm(
        request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE}
    )
    if request.method == "POST" and form.is_valid():
        if ratelimit.over_limits(
            request,
            ratelimit.SIGNUP_BY_ADDRESS,
            ratelimit.SIGNUP_BY_EMAIL,
            email=form.cleaned_data["email"],
        ):
            form.add_error(None, TOO_MANY)
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        # The same answer whether or not the address has an account.
        user_sign_up(form=form, base_url=_base_url(request))
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(
        request,
        "accounts/signup_done.html",
        {"email": request.session.get("signup_email")},
    )


@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = normalize_email(form.cleaned_data["email"])
        if ratelimit.over_limits(
            request,
            ratelimit.SIGNUP_BY_ADDRESS,
            ratelimit.SIGNUP_BY_EMAIL,
            email=email,
        ):
            form.add_error(None, TOO_MANY)
            return render(
                request,
                "accounts/resend_confirmation.html",
                {"form": form},
                status=429,
            )
        user = User.objects.filter(
            email__iexact=email, email_confirmed_at__isnull=True
        ).first()
        if user is not None:
            send_confirmation_email.enqueue(
                user_id=user.pk, base_url=_base_url(request)
            )
        # Same answer whether or not the address exists: no account enumeration.
        messages.success(
            request,
            _("If an unconfirmed account uses this address, a new link is on its way."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


def confirm_email(request, uidb64, token):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(request, "accounts/confirm_invalid.html", status=400)
    user = user_confirm_email(user=user)
    login(request, user, backend="kalanso.accounts.backends.EmailBackend")
    messages.success(
        request, _("Your e-mail address is confirmed. Welcome to Kalanso!")
    )
    return redirect("courses:my_learning")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Counted before the password is checked (hashing is the costly part);
        # refused when the count cannot be kept (the cache is down).
        if ratelimit.LOGIN.hit(request):
            # Not validated: that would check the password.
            form = self.get_form()
            form._errors, form.cleaned_data = ErrorDict(), {}
            form.add_error(
                None,
                _(
                    "Too many attempts to log in from this connection. "
                    "Please try again in a minute."
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        """Go on in the language the person prefers (unless they came from a page)."""
        url = self.get_redirect_url()
        if url:
            return url
        language = getattr(self.request.user, "preferred_language", None)
        with translation.override(language or translation.get_language()):
            return resolve_url(settings.LOGIN_REDIRECT_URL)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if ratelimit.over_limits(
            self.request,
            ratelimit.PASSWORD_RESET_BY_ADDRESS,
            ratelimit.PASSWORD_RESET_BY_EMAIL,
            email=normalize_email(form.cleaned_data["email"]),
        ):
            form.add_error(None, TOO_MANY)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return HttpResponseRedirect(reverse("accounts:profile"))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "consent_given_at": request.user.consent_given_at,
            "now": timezone.now(),
        },
    )
