"""Calendar feeds (iCalendar, RFC 5545) of cascade sessions.

Two feeds: a trainer's own sessions (led or co-facilitated), behind a secret
token in the URL because calendar applications cannot log in; and the public
calendar of scheduled sessions open to sign-up, without any person's name.
Each session is an all-day event whose UID comes from ``CascadeSession.uid``,
so that calendar applications update it in place when it changes. A new
secret address: ``services.calendar_token_reset``.
"""

from datetime import timedelta

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from icalendar import Calendar, Event

from courses import localized

from .models import CascadeSession, TrainerProfile

Status = CascadeSession.Status
# How far back a trainer's feed goes: calendar applications keep what they
# have already seen, and the feed stays small after years of sessions.
TRAINER_FEED_DAYS_BACK = 366
EVENT_STATUS = {
    Status.DRAFT: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}


def trainer_sessions(user, today=None):
    """The sessions a trainer leads or co-facilitates, for their feed."""
    today = today or timezone.localdate()
    since = today - timedelta(days=TRAINER_FEED_DAYS_BACK)
    ids = (
        CascadeSession.objects.filter(Q(lead_trainer=user) | Q(co_facilitators=user))
        .filter(end_date__gte=since)
        .values("pk")
    )
    return (
        CascadeSession.objects.filter(pk__in=ids)
        .select_related("course", "region", "place")
        .order_by("start_date", "pk")
    )


def public_sessions():
    """Scheduled sessions listed publicly."""
    return (
        CascadeSession.objects.filter(is_public=True, status=Status.SCHEDULED)
        .select_related("course", "region", "place")
        .order_by("start_date", "pk")
    )


def session_url(session, request=None, *, public=False) -> str:
    """Where an event links to: in the public feed, the session's public page;
    in a trainer's own feed, the session's page in the trainers' area, which
    the feed's holder (its lead trainer or a co-facilitator) can open once
    logged in (the public page answers 404 for sessions that are not public)."""
    name = "trainers:session_public" if public else "trainers:session_detail"
    try:
        path = reverse(name, args=[session.pk])
    except NoReverseMatch:  # pragma: no cover - the page is not wired
        return ""
    return request.build_absolute_uri(path) if request is not None else path


def location(session, *, public=False) -> str:
    """Venue, place and region, most precise first (no repetition). The
    public feed leaves the venue out, as the public page does for anonymous
    visitors."""
    parts = []
    for part in (
        "" if public else session.venue,
        session.place.localized_name if session.place_id else "",
        session.region.localized_name,
    ):
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts)


def session_event(session, *, request=None, public=False) -> Event:
    event = Event()
    event.add("uid", str(session.uid))
    event.add("dtstamp", session.updated_at or timezone.now())
    event.add("last-modified", session.updated_at or timezone.now())
    event.add("dtstart", session.start_date)
    # All-day events end (exclusively) the day after the last day.
    event.add("dtend", session.end_date + timedelta(days=1))
    event.add("summary", session.title)
    event.add("location", location(session, public=public))
    event.add("status", EVENT_STATUS.get(session.status, "CONFIRMED"))
    lines = [
        _("Course: %(course)s") % {"course": localized.title_text(session.course)},
        _("Mode: %(mode)s") % {"mode": session.get_mode_display()},
    ]
    if session.status == Status.CANCELLED:
        lines.insert(0, _("Cancelled"))
    elif not public:
        lines.append(_("Status: %(status)s") % {"status": session.get_status_display()})
    event.add("description", "\n".join(str(line) for line in lines))
    url = session_url(session, request, public=public)
    if url:
        event.add("url", url)
    return event


def build(sessions, *, name: str, request=None, public=False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Kalanso//Cascade sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    # Course titles in the feed's language, found in one query.
    for session in localized.localize_related(sessions, "course"):
        calendar.add_component(session_event(session, request=request, public=public))
    return calendar.to_ical()


def trainer_feed(profile: TrainerProfile, request=None) -> bytes:
    return build(
        trainer_sessions(profile.user),
        name=_("Kalanso — my sessions"),
        request=request,
    )


def public_feed(request=None) -> bytes:
    return build(
        public_sessions(),
        name=_("Kalanso — cascade sessions"),
        request=request,
        public=True,
    )
