"""What the views of the trainers' area share: finding a session for the
person asking, the counts and summary a session page shows, and small
helpers. No rule lives here: who may do what is ``trainers.permissions``,
what a session's status allows is ``trainers.services``."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from courses import localized
from kalanso.sanitize import clean_html

from ..models import Attendance, CascadeSession, Feedback, Participant
from ..permissions import (
    can_edit_session,
    can_see_participants,
    require,
)

State = Participant.State
PER_PAGE = 25


def session_or_404(pk) -> CascadeSession:
    return get_object_or_404(
        CascadeSession.objects.select_related(
            "course", "region", "place", "lead_trainer"
        ),
        pk=pk,
    )


def viewable_session(request, pk) -> CascadeSession:
    """The session, for those who may see its participants: its trainers
    (while their standing allows), master trainers and programme managers."""
    session = session_or_404(pk)
    require(can_see_participants(request.user, session))
    return session


def editable_session(request, pk) -> CascadeSession:
    """The session, for its trainers who may change it."""
    session = session_or_404(pk)
    require(can_edit_session(request.user, session))
    return session


def posted(request):
    """The POST data, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def paginate(request, queryset, param):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get(param))


def paginate_sessions(request, queryset, param):
    """A page of sessions, their courses named in the reader's language
    (one more query: ``courses.localized``)."""
    page = paginate(request, queryset, param)
    localized.localize_related(page.object_list, "course")
    return page


def seat_counts(session) -> dict:
    counts = session.participants.aggregate(
        registered=Count("pk", filter=Q(state=State.REGISTERED)),
        waiting=Count("pk", filter=Q(state=State.WAITLISTED)),
    )
    counts["left"] = max(session.capacity - counts["registered"], 0)
    return counts


def session_facts(session, *, request=None) -> dict:
    """What ``trainers/sessions/_facts.html`` shows, for every page that
    includes it (details, public page, report review); with ``request``, the
    course's title links to it (pages for the session's trainers and
    reviewers)."""
    facts = {
        "seats": seat_counts(session),
        "languages": list(session.languages.all()),
    }
    if request is not None:
        facts["course_url"] = localized.version(session.course).url(request)
    return facts


def report_html(session):
    # Stored sanitised by services.report_save; sanitised again on the way
    # out in case it was written by another path (admin, import).
    return mark_safe(clean_html(session.report))


def summary(session) -> dict:
    """Counts and means for a session, computed in the database (no names)."""
    people = session.participants.aggregate(
        registered=Count("pk", filter=Q(state=State.REGISTERED)),
        waiting=Count("pk", filter=Q(state=State.WAITLISTED)),
        cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
        women=Count("pk", filter=Q(state=State.REGISTERED, sex="f")),
        men=Count("pk", filter=Q(state=State.REGISTERED, sex="m")),
        pre_count=Count("pre_score", filter=Q(state=State.REGISTERED)),
        pre_mean=Avg("pre_score", filter=Q(state=State.REGISTERED)),
        post_count=Count("post_score", filter=Q(state=State.REGISTERED)),
        post_mean=Avg("post_score", filter=Q(state=State.REGISTERED)),
        gain_mean=Avg(
            F("post_score") - F("pre_score"),
            filter=Q(
                state=State.REGISTERED,
                pre_score__isnull=False,
                post_score__isnull=False,
            ),
        ),
    )
    people["other_sex"] = people["registered"] - people["women"] - people["men"]
    attendance = list(
        Attendance.objects.filter(
            participant__session=session, participant__state=State.REGISTERED
        )
        .values("day")
        .annotate(present=Count("pk", filter=Q(present=True)), recorded=Count("pk"))
        .order_by("day")
    )
    feedback = Feedback.objects.filter(session=session).aggregate(
        count=Count("pk"), satisfaction=Avg("satisfaction")
    )
    return {"people": people, "attendance": attendance, "feedback": feedback}


# The pages about a session's participants -------------------------------------


def session_url(session) -> str:
    """The session's own page, or its participant list."""
    try:
        return reverse("trainers:session_detail", args=[session.pk])
    except NoReverseMatch:
        return reverse("trainers:participant_list", args=[session.pk])


def participants_context(request, session, **extra) -> dict:
    return {
        "session": session,
        "session_url": session_url(session),
        "can_edit": can_edit_session(request.user, session),
        **extra,
    }


def display_code(code: str) -> str:
    """ABCDE23456 → ABCDE-23456, easier to read aloud and copy."""
    return f"{code[:5]}-{code[5:]}" if len(code) > 6 else code
