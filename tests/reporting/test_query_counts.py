"""Every reporting endpoint runs the same number of queries whatever the
number of years, regions or generations of data (issue #12, "Reporting at
scale").

The programme grows from one year (two regions, two generations) to five
years (five regions, four generations, more courses' enrolments): each
endpoint is asked once to warm up, then, with the cache emptied (the
published figures computed again), once under ``CaptureQueriesContext``.
The counts must be equal, and equal to the number written here: a query per
year (or per region, per generation) makes the five-year count larger.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import APIToken

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt, Quiz
from courses.factories import user_with_role
from courses.models import CoursePage, Enrolment
from kalanso.accounts.models import Organisation, Region
from reporting import published
from reporting.models import PublicSummarySettings
from trainers import factories
from trainers.models import Participant, TrainerProfile

pytestmark = pytest.mark.django_db

FIRST_YEAR = 2021
REGIONS = ["ML-7", "ML-5", "ML-BKO", "ML-8", "ML-3"]
ORG_TYPES = ["ngo", "cso", "un", "gov"]


class Programme:
    """Cascade sessions and online learners, one year at a time."""

    def __init__(self, course):
        self.course = course
        pre = quiz_factories.quiz_with(
            [quiz_factories.single_choice()], title="Pre", kind=Quiz.Kind.PRE_TEST
        )
        post = quiz_factories.quiz_with(
            [quiz_factories.single_choice()], title="Post", kind=Quiz.Kind.POST_TEST
        )
        CoursePage.objects.filter(pk=course.pk).update(pre_test=pre, post_test=post)
        course.refresh_from_db()
        self.quizzes = (pre, post)
        self.organisations = [
            Organisation.objects.create(name=f"Org {kind}", type=kind)
            for kind in ORG_TYPES
        ]
        # The lineage: one trainer per generation, each trained in a
        # session of the previous one (added as the years go by).
        self.leads = [factories.trainer("g1@example.org", TrainerProfile.Level.MASTER)]
        self.people = 0

    def trainer_of_next_generation(self, year):
        parent = self.leads[-1]
        trained_in = factories.session(
            self.course,
            parent,
            status="validated",
            region=REGIONS[0],
            start=date(year, 1, 15),
        )
        factories.participants(trained_in, 6, women=3, organisation_type="ngo")
        self.leads.append(
            factories.trainer(
                f"g{len(self.leads) + 1}@example.org",
                TrainerProfile.Level.CERTIFIED,
                trained_in=trained_in,
            )
        )

    def add_year(self, year, *, regions, generations):
        while len(self.leads) < generations:
            self.trainer_of_next_generation(year)
        for n, code in enumerate(regions):
            lead = self.leads[n % len(self.leads)]
            session = factories.session(
                self.course,
                lead,
                status="validated",
                region=code,
                start=date(year, 2 + n, 10),
            )
            people = factories.participants(
                session, 3 + n, women=1 + n // 2, organisation_type=ORG_TYPES[n % 4]
            )
            for k, person in enumerate(people):
                Participant.objects.filter(pk=person.pk).update(
                    pre_score=Decimal(40 + k), post_score=Decimal(50 + 3 * k)
                )
        # A scheduled session does not count but is a session by status.
        factories.session(
            self.course, self.leads[0], status="cancelled", start=date(year, 9, 1)
        )
        pre, post = self.quizzes
        for n, code in enumerate(regions):
            self.people += 1
            user = user_with_role(
                f"learner{self.people}@example.org",
                "Trainee",
                gender="f" if n % 2 else "m",
                region=Region.objects.get(code=code),
                organisation=self.organisations[n % len(self.organisations)],
            )
            when = timezone.make_aware(datetime(year, 3 + n, 5, 12))
            enrolment = Enrolment.objects.create(
                user=user,
                course=self.course,
                course_key=self.course.translation_key,
                completed_at=when if n % 3 else None,
            )
            Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=when)
            for quiz, percent in ((pre, 40 + n), (post, 60 + 2 * n)):
                Attempt.objects.create(
                    quiz=quiz,
                    user=user,
                    number=1,
                    state=Attempt.State.SUBMITTED,
                    submitted_at=when,
                    score=Decimal(percent),
                    max_score=Decimal(100),
                    percent=Decimal(percent),
                    passed=percent >= 50,
                )


@pytest.fixture
def setup(client, course, manager):
    summary = PublicSummarySettings.load()
    summary.enabled = True
    summary.save()
    return {
        "programme": Programme(course),
        "token": APIToken.create_token(user=manager, name="donor")[1],
        "manager": manager,
    }


def _lead_profile(setup):
    return setup["programme"].leads[1].trainer_profile.pk


# name: (who asks, address); the address may depend on the data.
ENDPOINTS = {
    "dashboard": ("manager", lambda s: reverse("reporting:dashboard")),
    "dashboard_filtered": (
        "manager",
        lambda s: (
            reverse("reporting:dashboard")
            + f"?start={FIRST_YEAR}-01-01&end={FIRST_YEAR + 9}-12-31&region=ML-7"
            "&org_type=ngo"
        ),
    ),
    "dashboard_published": (
        "manager",
        lambda s: reverse("reporting:dashboard") + "?view=published",
    ),
    "dashboard_published_filtered": (
        "manager",
        lambda s: reverse("reporting:dashboard") + "?view=published&region=ML-5",
    ),
    "export_csv": (
        "manager",
        lambda s: reverse("reporting:export_aggregates", args=["csv"]),
    ),
    "export_xlsx_year": (
        "manager",
        lambda s: (
            reverse("reporting:export_aggregates", args=["xlsx"])
            + f"?year={FIRST_YEAR}"
        ),
    ),
    "export_participants": (
        "manager",
        lambda s: reverse("reporting:export_personal", args=["participants", "csv"]),
    ),
    "export_learners": (
        "manager",
        lambda s: reverse("reporting:export_personal", args=["learners", "xlsx"]),
    ),
    "public_summary": ("anonymous", lambda s: reverse("reporting:public_summary")),
    "api_report": ("token", lambda s: reverse("reporting_api:report")),
    "api_report_year": (
        "token",
        lambda s: reverse("reporting_api:report") + f"?year={FIRST_YEAR}",
    ),
    "api_report_year_without_data": (
        "token",
        lambda s: reverse("reporting_api:report") + "?year=2001",
    ),
    "api_table": (
        "token",
        lambda s: reverse("reporting_api:table", args=["generations"]),
    ),
    "cascade_all": ("manager", lambda s: reverse("trainers:cascade_all")),
    "cascade_trainer": (
        "manager",
        lambda s: reverse("trainers:cascade_trainer", args=[_lead_profile(s)]),
    ),
}
# The exact number of queries of each endpoint, uncached.
EXPECTED = {
    "dashboard": 27,
    "dashboard_filtered": 29,
    "dashboard_published": 32,
    "dashboard_published_filtered": 30,
    "export_csv": 30,
    "export_xlsx_year": 30,
    "export_participants": 15,
    "export_learners": 15,
    "public_summary": 24,
    "api_report": 21,
    "api_report_year": 21,
    "api_report_year_without_data": 33,
    "api_table": 21,
    "cascade_all": 15,
    "cascade_trainer": 18,
}


def queries(client, setup, name) -> int:
    who, url = ENDPOINTS[name]
    url = url(setup)
    headers = {}
    client.logout()
    if who == "manager":
        client.force_login(setup["manager"])
    elif who == "token":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {setup['token']}"

    def get():
        response = client.get(url, **headers)
        assert response.status_code == 200, (name, response.status_code)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)

    get()  # warm-up (the token's "last used", Wagtail's site root, …)
    cache.clear()  # the published figures are computed again
    with CaptureQueriesContext(connection) as ctx:
        get()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_same_queries_for_one_year_and_five(client, setup, name):
    programme = setup["programme"]
    programme.add_year(FIRST_YEAR, regions=REGIONS[:2], generations=2)
    assert published.data_years() == [FIRST_YEAR]
    one_year = queries(client, setup, name)

    for year in range(FIRST_YEAR + 1, FIRST_YEAR + 5):
        programme.add_year(year, regions=REGIONS, generations=4)
    assert published.data_years() == list(range(FIRST_YEAR, FIRST_YEAR + 5))
    cache.clear()  # bulk writes send no signal: drop the published figures
    assert len(published.system()) == 6  # all time and five years
    five_years = queries(client, setup, name)

    assert (one_year, five_years) == (EXPECTED[name], EXPECTED[name])
