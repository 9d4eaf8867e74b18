"""A small programme whose figures were computed by hand (see EXPECTED).

Cascade (paper scores, pre → post):
  S1  Gao, validated, 2025-03-10, led by M (generation 1): 6 registered
      (4 women, org "ngo"), scores 40→60, 50→50, 60→80, 70→90, 80→70, 30→70;
      plus one waitlisted woman (not counted).
  S2  Mopti, held, 2025-04-05, led by T2 (generation 2, trained in S1):
      3 registered (1 woman, org "cso"), scores 50→55, 60→80, none→90.
  S3  scheduled (2 participants, not counted); S4 cancelled (none).
Online (course "C", pre-test and post-test):
  L1 woman, Gao, NGO: completed 2025-03-20; pre 40, post 70 then 80 (best 80).
  L2 man, Bamako, UN mission: completed 2025-04-02; pre 60, post 50.
  L3 woman, Gao, NGO: enrolled, not completed; pre 30 only.
  L4 no region, no organisation, no gender: completed 2025-04-10; no tests.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt, Quiz
from courses.factories import user_with_role
from courses.models import CoursePage, Enrolment
from kalanso.accounts.models import Organisation, Region
from trainers import factories
from trainers.models import Participant, TrainerProfile

Level = TrainerProfile.Level

EXPECTED = {
    "online": 3,
    "cascade": 9,
    "all": 12,
    "women_all": 6,
    "women_cascade": 5,
    "regions": {  # code: (online, cascade)
        "ML-7": (1, 6),
        "ML-5": (0, 3),
        "ML-BKO": (1, 0),
        "none": (1, 0),
    },
    "cascade_gain": {
        "n": 8,
        "mean_pre": 55.0,
        "mean_post": 69.4,
        "mean_gain": 14.4,
        "improved": 6,
        "improved_share": 75.0,
        "bands": {"lower": 1, "same": 1, "up10": 1, "up20": 4, "up30": 0, "over30": 1},
    },
    "online_gain": {"n": 2, "mean_gain": 15.0, "improved": 1},
    "generations": {
        "1": {"participants": 6, "women": 4, "scored": 6, "mean_gain": 15.0},
        "2": {"participants": 3, "women": 1, "scored": 2, "mean_gain": 12.5},
    },
}


def _when(day):
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()).replace(hour=12)
    )


def _scores(people, pairs):
    for person, (pre, post) in zip(people, pairs, strict=True):
        Participant.objects.filter(pk=person.pk).update(
            pre_score=None if pre is None else Decimal(pre),
            post_score=None if post is None else Decimal(post),
        )


def _attempt(quiz, user, number, percent):
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        state=Attempt.State.SUBMITTED,
        submitted_at=timezone.now(),
        score=Decimal(percent),
        max_score=Decimal(100),
        percent=Decimal(percent),
        passed=percent >= 50,
    )


@pytest.fixture
def programme(course):
    pre = quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Pre", kind=Quiz.Kind.PRE_TEST
    )
    post = quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Post", kind=Quiz.Kind.POST_TEST
    )
    CoursePage.objects.filter(pk=course.pk).update(pre_test=pre, post_test=post)
    course.refresh_from_db()

    master = factories.trainer("m@example.org", Level.MASTER)
    s1 = factories.session(
        course, master, status="validated", region="ML-7", start=date(2025, 3, 10)
    )
    t2 = factories.trainer("t2@example.org", Level.CERTIFIED, trained_in=s1)
    s2 = factories.session(
        course, t2, status="held", region="ML-5", start=date(2025, 4, 5)
    )
    s3 = factories.session(course, t2, status="scheduled", start=date(2026, 12, 20))
    factories.session(course, master, status="cancelled", start=date(2025, 5, 1))

    p1 = factories.participants(s1, 6, women=4, organisation_type="ngo")
    _scores(p1, [(40, 60), (50, 50), (60, 80), (70, 90), (80, 70), (30, 70)])
    factories.participants(s1, 1, women=1, state=Participant.State.WAITLISTED)
    p2 = factories.participants(s2, 3, women=1, organisation_type="cso")
    _scores(p2, [(50, 55), (60, 80), (None, 90)])
    factories.participants(s3, 2, women=1)

    ngo = Organisation.objects.create(name="ONG Sahel", type="ngo")
    un = Organisation.objects.create(name="MINUSMA", type="un")
    gao, bamako = Region.objects.get(code="ML-7"), Region.objects.get(code="ML-BKO")
    learners = {
        "L1": ("l1@example.org", "f", gao, ngo, date(2025, 3, 20)),
        "L2": ("l2@example.org", "m", bamako, un, date(2025, 4, 2)),
        "L3": ("l3@example.org", "f", gao, ngo, None),
        "L4": ("l4@example.org", "", None, None, date(2025, 4, 10)),
    }
    users = {}
    for name, (email, gender, region, org, done) in learners.items():
        user = user_with_role(email, "Trainee")
        user.gender, user.region, user.organisation = gender, region, org
        user.save()
        users[name] = user
        Enrolment.objects.create(
            user=user,
            course=course,
            course_key=course.translation_key,
            completed_at=_when(done) if done else None,
        )
    _attempt(pre, users["L1"], 1, 40)
    _attempt(post, users["L1"], 1, 70)
    _attempt(post, users["L1"], 2, 80)
    _attempt(pre, users["L2"], 1, 60)
    _attempt(post, users["L2"], 1, 50)
    _attempt(pre, users["L3"], 1, 30)
    return {
        "course": course,
        "master": master,
        "t2": t2,
        "sessions": (s1, s2, s3),
        "learners": users,
        "participants": p1 + p2,
    }
