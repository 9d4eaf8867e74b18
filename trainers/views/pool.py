"""Views: the trainer pool — directory, profiles, levels, cascade, calendars.

Thin views: the rules live in ``certification``, ``lineage`` and
``permissions``; every view asks ``permissions`` who may see or change what;
the changes go through ``certification`` (levels) and ``services``.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from .. import calendar as feeds
from .. import certification, lineage, services
from ..forms.pool import (
    CertifyForm,
    ChangeLevelForm,
    DirectorySearchForm,
    ProfileAddForm,
    ProfileEditForm,
    ReasonForm,
)
from ..models import CascadeSession, TrainerProfile
from ..permissions import (
    can_change_levels,
    can_see_directory,
    can_see_profile,
    is_manager,
    require,
)

Level = TrainerProfile.Level
Status = TrainerProfile.Status
PER_PAGE = 25
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,40}")


def _privileged(user, profile) -> bool:
    """The person, master trainers and programme managers see the path and history."""
    return profile.user_id == user.pk or can_change_levels(user) or is_manager(user)


def _own_profile(request):
    return (
        TrainerProfile.objects.select_related("user").filter(user=request.user).first()
    )


def _not_in_pool(request):
    return render(request, "trainers/pool/not_in_pool.html", status=404)


# Directory ------------------------------------------------------------------


@never_cache
@login_required
def directory(request):
    user = request.user
    require(can_see_directory(user))
    form = DirectorySearchForm(request.GET)
    profiles = (
        TrainerProfile.objects.filter(user__is_active=True)
        .select_related("user", "user__organisation")
        .prefetch_related("languages", "regions")
        .order_by("user__full_name", "pk")
    )
    if not (can_change_levels(user) or is_manager(user)):
        profiles = profiles.filter(
            Q(visibility=TrainerProfile.Visibility.STAFF) | Q(user=user)
        )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            profiles = profiles.filter(user__full_name__icontains=data["q"].strip())
        if data["region"]:
            profiles = profiles.filter(regions=data["region"])
        if data["language"]:
            profiles = profiles.filter(languages=data["language"])
        if data["organisation"]:
            profiles = profiles.filter(user__organisation=data["organisation"])
        if data["level"] is not None:
            profiles = profiles.filter(level=data["level"])
    else:
        profiles = profiles.none()
    page = Paginator(profiles, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainers/pool/directory.html",
        {
            "form": form,
            "page": page,
            "profiles": page.object_list,
            "own_profile_id": TrainerProfile.objects.filter(user=user)
            .values_list("pk", flat=True)
            .first(),
            "can_add": can_change_levels(user),
            "can_see_cascade": is_manager(user),
        },
    )


# The trainer's own profile --------------------------------------------------


@never_cache
@login_required
def profile_edit(request):
    profile = _own_profile(request)
    if profile is None:
        return _not_in_pool(request)
    form = ProfileEditForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.trainer_profile_update(profile=profile, details=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your trainer profile has been saved."))
            return redirect("trainers:profile_edit")
    feed_path = reverse("trainers:calendar_trainer", args=[profile.calendar_token])
    feed_url = request.build_absolute_uri(feed_path)
    return render(
        request,
        "trainers/pool/profile_edit.html",
        {
            "profile": profile,
            "form": form,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        },
    )


@require_POST
@login_required
def calendar_reset(request):
    profile = _own_profile(request)
    if profile is None:
        return _not_in_pool(request)
    services.calendar_token_reset(profile=profile)
    messages.success(
        request,
        _(
            "Your calendar has a new address: the old one no longer works. "
            "Subscribe again with the new one."
        ),
    )
    return redirect("trainers:profile_edit")


# Profiles and levels --------------------------------------------------------


@never_cache
@login_required
def profile_detail(request, pk):
    user = request.user
    profile = get_object_or_404(
        TrainerProfile.objects.select_related("user", "user__organisation"), pk=pk
    )
    require(can_see_profile(user, profile))
    privileged = _privileged(user, profile)
    is_self = profile.user_id == user.pk
    return render(
        request,
        "trainers/pool/profile_detail.html",
        {
            "profile": profile,
            "person": profile.user,
            "is_self": is_self,
            "languages": list(profile.languages.all()),
            "regions": list(profile.regions.all()),
            "generation": lineage.generation_of(profile.user_id),
            "sessions_led": CascadeSession.objects.filter(
                lead_trainer_id=profile.user_id, status__in=lineage.COUNTED_STATUSES
            ).count(),
            "show_email": profile.show_email or privileged,
            "privileged": privileged,
            "checklist": certification.checklist(profile) if privileged else None,
            "history": (
                list(profile.history.select_related("changed_by"))
                if privileged
                else None
            ),
            "can_change": can_change_levels(user) and not is_self,
            "can_see_cascade": _may_see_cascade(user, profile),
        },
    )


def _level_forms(profile, manager, data=None, action=None):
    def bound(name):
        return data if name == action else None

    return {
        "certify": CertifyForm(bound("certify"), prefix="certify"),
        "change": ChangeLevelForm(
            bound("change"), prefix="change", profile=profile, may_touch_master=manager
        ),
        "renew": ReasonForm(bound("renew"), prefix="renew"),
        "suspend": ReasonForm(bound("suspend"), prefix="suspend"),
        "reinstate": ReasonForm(bound("reinstate"), prefix="reinstate"),
    }


def _apply(action, profile, by, data):
    reason = data["reason"]
    if action == "certify":
        return certification.certify(profile, by=by, reason=reason)
    if action == "change":
        to_level = data["level"]
        if Level.MASTER in (to_level, profile.level) and not is_manager(by):
            raise ValidationError(
                _("Only programme managers may make or unmake a master trainer.")
            )
        return certification.change_level(profile, to_level, by=by, reason=reason)
    if action == "renew":
        return certification.renew(profile, by=by, reason=reason)
    if action == "suspend":
        return certification.suspend(profile, by=by, reason=reason)
    return certification.reinstate(profile, by=by, reason=reason)


def _done_message(action):
    return {
        "certify": _("The trainer is certified."),
        "change": _("The trainer's level has been changed."),
        "renew": _("The certification has been renewed."),
        "suspend": _("The trainer is suspended."),
        "reinstate": _("The trainer is reinstated."),
    }[action]


@never_cache
@login_required
def profile_level(request, pk):
    """Certify, change the level, renew, suspend or reinstate a trainer."""
    user = request.user
    profile = get_object_or_404(TrainerProfile.objects.select_related("user"), pk=pk)
    require(can_change_levels(user) and profile.user_id != user.pk)
    manager = is_manager(user)
    # A master trainer's level and status are in the programme managers' hands.
    locked = profile.level >= Level.MASTER and not manager
    action = request.POST.get("action", "") if request.method == "POST" else None
    if action is not None:
        if locked:
            raise PermissionDenied
        if action not in ("certify", "change", "renew", "suspend", "reinstate"):
            messages.error(request, _("Unknown action: nothing was changed."))
            return redirect("trainers:profile_level", pk=profile.pk)
    forms = _level_forms(profile, manager, request.POST, action)
    if action is not None:
        form = forms[action]
        if form.is_valid():
            try:
                _apply(action, profile, user, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
                for text in error.messages:
                    messages.error(request, text)
            else:
                messages.success(request, _done_message(action))
                return redirect("trainers:profile_detail", pk=profile.pk)
        messages.error(request, _("Nothing was changed."))
    steps = certification.checklist(profile)
    missing = [s for s in steps if not s.done and s.key != "approval"]
    suspended = profile.status == Status.SUSPENDED
    certified = profile.level >= Level.CERTIFIED
    show = {
        "certify": not certified,
        "change": bool(forms["change"].fields["level"].choices),
        "renew": certified and not suspended,
        "suspend": not suspended,
        "reinstate": suspended,
    }
    if action:
        show[action] = True  # with its errors
    return render(
        request,
        "trainers/pool/profile_level.html",
        {
            "profile": profile,
            "person": profile.user,
            "locked": locked,
            "checklist": steps,
            "missing": missing,
            "forms": forms,
            "show": show,
            "history": list(profile.history.select_related("changed_by")),
        },
    )


@never_cache
@login_required
def profile_add(request):
    """Put an existing account into the pool as a candidate."""
    require(can_change_levels(request.user))
    form = ProfileAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        existing = TrainerProfile.objects.filter(user=form.user).first()
        if existing is not None:
            messages.info(
                request,
                _("%(person)s is already in the trainer pool.") % {"person": form.user},
            )
            return redirect("trainers:profile_detail", pk=existing.pk)
        profile = certification.profile_create(
            form.user, by=request.user, reason=form.cleaned_data["reason"].strip()
        )
        messages.success(
            request,
            _("%(person)s joined the trainer pool as a candidate.")
            % {"person": form.user},
        )
        return redirect("trainers:profile_detail", pk=profile.pk)
    return render(request, "trainers/pool/profile_add.html", {"form": form})


# Cascade --------------------------------------------------------------------


def _may_see_cascade(user, profile) -> bool:
    """The trainer, anyone above them in the cascade, programme managers."""
    if not user.is_authenticated:
        return False
    if profile.user_id == user.pk or is_manager(user):
        return True
    return profile.user_id in lineage.descendants(user.pk)


def _tree_items(user, rows):
    """The depth-first rows (a child right after its parent, one level
    deeper) as a flat list the template turns into nested lists without
    recursion: each item says whether it opens a list and how many lists
    close before it."""
    ids = [row["user"].pk for row in rows if row["user"] is not None]
    profiles = {
        p.user_id: p
        for p in TrainerProfile.objects.filter(user_id__in=ids).only(
            "pk", "user_id", "visibility"
        )
    }
    items, previous = [], -1
    for row in rows:
        person = row["user"]
        if person is None:
            continue
        indent = row["indent"]
        profile = profiles.get(person.pk)
        items.append(
            {
                "person": person,
                "generation": row["generation"],
                "profile_id": (
                    profile.pk
                    if profile is not None and can_see_profile(user, profile)
                    else None
                ),
                "open_list": indent > previous,
                "close_levels": range(max(previous - indent, 0)),
            }
        )
        previous = indent
    return items, range(max(previous, 0))


def _render_cascade(request, data, profile=None):
    items, end_levels = _tree_items(request.user, data.tree)
    return render(
        request,
        "trainers/pool/cascade.html",
        {
            "cascade": data,
            "profile": profile,
            "person": profile.user if profile else None,
            "items": items,
            "end_levels": end_levels,
        },
    )


@never_cache
@login_required
def cascade_trainer(request, pk):
    profile = get_object_or_404(TrainerProfile.objects.select_related("user"), pk=pk)
    require(_may_see_cascade(request.user, profile))
    return _render_cascade(request, lineage.cascade(profile.user), profile)


@never_cache
@login_required
def cascade_all(request):
    require(is_manager(request.user))
    return _render_cascade(request, lineage.cascade())


# Calendars ------------------------------------------------------------------


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
def calendar_trainer(request, token):
    """A trainer's sessions; no login: the token in the address is the secret."""
    # Tokens come from secrets.token_urlsafe: anything else (a NUL byte breaks
    # PostgreSQL) is not found without asking the database.
    if not CALENDAR_TOKEN.fullmatch(token):
        raise Http404
    profile = (
        TrainerProfile.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if profile is None:
        raise Http404
    response = _ics(feeds.trainer_feed(profile, request), "kalanso-my-sessions.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


@cache_control(max_age=900)
def calendar_public(request):
    return _ics(feeds.public_feed(request), "kalanso-sessions.ics")


urlpatterns = [
    path("", directory, name="directory"),
    path("me/", profile_edit, name="profile_edit"),
    path("me/calendar/reset/", calendar_reset, name="calendar_reset"),
    path("add/", profile_add, name="profile_add"),
    path("cascade/", cascade_all, name="cascade_all"),
    path("calendar/public.ics", calendar_public, name="calendar_public"),
    path("calendar/<str:token>.ics", calendar_trainer, name="calendar_trainer"),
    path("<id:pk>/", profile_detail, name="profile_detail"),
    path("<id:pk>/level/", profile_level, name="profile_level"),
    path("<id:pk>/cascade/", cascade_trainer, name="cascade_trainer"),
]
