"""The SCORM lesson, the content origin and the commit endpoint."""

import json
import re
import uuid

import pytest

from courses.completion import course_completion
from courses.factories import user_with_role
from courses.models import Enrolment, LessonProgress
from scorm.models import ScormAttempt, ScormSession
from scorm.services import commit, launch
from scorm.tokens import content_token, session_token

from .conftest import scorm_course, upload

pytestmark = pytest.mark.django_db

CONTENT_HOST = "content.testserver"
SITE = "http://testserver"


@pytest.fixture
def package():
    from scorm.services import package_create

    return package_create(upload=upload("RuntimeMinimumCalls_SCORM12.zip"))


@pytest.fixture
def package_2004():
    from scorm.services import package_create

    return package_create(upload=upload("RuntimeBasicCalls_SCORM20043rdEdition.zip"))


@pytest.fixture
def learner():
    return user_with_role("learner@example.org", "Trainee")


def player_src(html):
    match = re.search(r'<iframe class="scorm-frame" src="([^"]+)"', html)
    assert match, html
    return match.group(1)


def post_commit(client, token, payload, raw=None):
    return client.post(
        f"/scorm/s/{token}/commit",
        data=raw if raw is not None else json.dumps(payload),
        content_type="application/json",
        HTTP_HOST=CONTENT_HOST,
    )


# The lesson page -----------------------------------------------------------------


def test_lesson_shows_toc_and_player_on_the_content_origin(
    client, scorm_origin, package, learner
):
    _course, lesson = scorm_course(package)
    client.force_login(learner)
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    src = player_src(html)
    assert src.startswith(f"{scorm_origin}/scorm/s/")
    assert 'sandbox="allow-scripts allow-same-origin' in html
    # The 18 SCOs in the table of contents, the first one current.
    assert html.count("data-scorm-sco=") == 17
    assert 'aria-current="step">How to Play' in html
    assert scorm_origin in response["Content-Security-Policy"].split("frame-src")[1]
    # No "mark as complete": the package completes the lesson.
    assert "complete_lesson" not in html and "/complete/" not in html
    # Choosing another SCO from the table of contents launches it.
    response = client.get(lesson.url, {"sco": "etiquette_play_item"})
    assert 'aria-current="step">Playing Politely' in response.content.decode()


def test_without_a_content_origin_the_player_is_off(client, settings, package, learner):
    settings.SCORM_CONTENT_ORIGIN = ""
    _course, lesson = scorm_course(package)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "scorm-frame" not in html
    assert ScormSession.objects.count() == 0


def test_content_origin_answers_nothing_else(client, scorm_origin, package, learner):
    _course, lesson = scorm_course(package, public=True)
    assert client.get(lesson.url, HTTP_HOST=CONTENT_HOST).status_code == 404
    assert client.get("/healthz", HTTP_HOST=CONTENT_HOST).status_code == 404
    client.force_login(learner)
    src = player_src(client.get(lesson.url).content.decode())
    path = src.removeprefix(scorm_origin)
    # The package is never served on the site's own origin.
    assert client.get(path).status_code == 404
    assert client.get(path, HTTP_HOST=CONTENT_HOST).status_code == 200


def test_player_and_files_carry_their_own_policy(
    client, scorm_origin, package, learner
):
    _course, lesson = scorm_course(package)
    client.force_login(learner)
    src = player_src(client.get(lesson.url).content.decode())
    client.logout()  # the content origin has no Kalanso cookie
    response = client.get(src.removeprefix(scorm_origin), HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {SITE}" in policy
    assert "object-src 'none'" in policy
    assert response["Referrer-Policy"] == "no-referrer"
    config = json.loads(
        re.search(
            r'<script id="scorm-config" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    assert config["version"] == "1.2"
    assert config["parentOrigin"] == SITE
    file_url = config["scoUrl"]
    assert file_url.endswith("/Playing/Playing.html")
    file_response = client.get(file_url, HTTP_HOST=CONTENT_HOST)
    assert file_response.status_code == 200
    assert "frame-ancestors" in file_response["Content-Security-Policy"]
    assert b"".join(file_response.streaming_content).startswith(b"<")
    # Escaping the package, or a forged token: not found.
    base = file_url.rsplit("/Playing/", 1)[0]
    for bad in (
        f"{base}/../../../../etc/passwd",
        f"{base}/%2e%2e/%2e%2e/settings.py",
        file_url.replace("/c/", "/c/x"),
    ):
        assert client.get(bad, HTTP_HOST=CONTENT_HOST).status_code == 404, bad


def test_content_token_is_bound_to_user_and_package(client, scorm_origin, package):
    stranger = user_with_role("stranger@example.org", "Trainee")
    token = content_token(user_id=stranger.pk, package_id=package.pk, origin=SITE)
    # Never launched by this user: no file.
    url = f"/scorm/c/{token}/Playing/Playing.html"
    assert client.get(url, HTTP_HOST=CONTENT_HOST).status_code == 404
    launch(user=stranger, package=package, sco_id=package.scos[0]["id"])
    assert client.get(url, HTTP_HOST=CONTENT_HOST).status_code == 200
    stranger.is_active = False
    stranger.save()
    assert client.get(url, HTTP_HOST=CONTENT_HOST).status_code == 404


# Commits --------------------------------------------------------------------------


def cmi12(**core):
    return {"core": core, "suspend_data": core.pop("suspend_data", "")}


def test_commit_sequence_replay_and_reorder(client, scorm_origin, package, learner):
    session = launch(user=learner, package=package, sco_id="playing_playing_item")
    token = session_token(session.pk, origin=SITE)
    one = {"seq": 1, "cmi": cmi12(lesson_location="p1", session_time="00:01:00")}
    assert post_commit(client, token, one).json() == {"applied": True}
    assert post_commit(client, token, one).json() == {"applied": False}  # replay
    three = {"seq": 3, "cmi": cmi12(lesson_location="p3", session_time="00:03:00")}
    two = {"seq": 2, "cmi": cmi12(lesson_location="p2", session_time="00:02:00")}
    assert post_commit(client, token, three).json() == {"applied": True}
    assert post_commit(client, token, two).json() == {"applied": False}  # late
    attempt = ScormAttempt.objects.get()
    assert attempt.location == "p3"
    assert attempt.total_seconds == 180  # never 60 + 180 + 120


def test_time_adds_up_across_sessions_and_an_old_tab_cannot_go_back(package, learner):
    first = launch(user=learner, package=package, sco_id="playing_playing_item")
    commit(
        session_id=first.pk,
        seq=1,
        cmi=cmi12(lesson_location="a", session_time="00:10:00"),
    )
    second = launch(user=learner, package=package, sco_id="playing_playing_item")
    assert second.entry == "resume"
    commit(
        session_id=second.pk,
        seq=1,
        cmi=cmi12(lesson_location="b", session_time="00:05:00"),
    )
    # The first tab, still open, commits later: its time counts, its state not.
    commit(
        session_id=first.pk,
        seq=2,
        cmi=cmi12(lesson_location="old", session_time="00:12:00"),
    )
    attempt = ScormAttempt.objects.get()
    assert attempt.location == "b"
    assert attempt.total_seconds == 12 * 60 + 5 * 60


@pytest.mark.parametrize(
    "raw, payload",
    [
        ("{not json", None),
        ("\xff", None),
        ("[]", None),
        (None, {"cmi": {}}),
        (None, {"seq": "1", "cmi": {}}),
        (None, {"seq": True, "cmi": {}}),
        (None, {"seq": 0, "cmi": {}}),
        (None, {"seq": 2**40, "cmi": {}}),
        (None, {"seq": 1, "cmi": []}),
        (None, {"seq": 1, "cmi": {"core": "x"}}),
        (None, {"seq": 1, "cmi": {"core": {"lesson_status": "done"}}}),
        (None, {"seq": 1, "cmi": {"core": {"exit": "away"}}}),
        (None, {"seq": 1, "cmi": {"core": {"session_time": "ten minutes"}}}),
        (None, {"seq": 1, "cmi": {"core": {"session_time": "9999:00:00"}}}),
        (None, {"seq": 1, "cmi": {"core": {"score": {"raw": "NaN"}}}}),
        (None, {"seq": 1, "cmi": {"core": {"score": {"raw": "1e999"}}}}),
        (None, {"seq": 1, "cmi": {"core": {"score": {"raw": [1]}}}}),
        (None, {"seq": 1, "cmi": {"suspend_data": "x" * 64_001}}),
        (None, {"seq": 1, "cmi": {"suspend_data": 5}}),
        (None, {"seq": 1, "cmi": {"interactions": "x"}}),
        (None, {"seq": 1, "cmi": {"objectives": [1, 2]}}),
    ],
)
def test_bad_commits_answer_400_and_change_nothing(
    client, scorm_origin, package, learner, raw, payload
):
    session = launch(user=learner, package=package, sco_id="playing_playing_item")
    token = session_token(session.pk, origin=SITE)
    response = post_commit(client, token, payload, raw=raw)
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.last_seq == 0


def test_commit_needs_a_valid_session_token(client, scorm_origin, package, learner):
    payload = {"seq": 1, "cmi": {}}
    assert post_commit(client, "forged", payload).status_code == 404
    token = session_token(uuid.uuid4(), origin=SITE)
    assert post_commit(client, token, payload).status_code == 404
    assert (
        client.get(f"/scorm/s/{token}/commit", HTTP_HOST=CONTENT_HOST).status_code
        == 405
    )


def test_2004_full_record_and_resume(package_2004, learner):
    sco = package_2004.scos[0]["id"]
    session = launch(user=learner, package=package_2004, sco_id=sco)
    assert session.entry == "ab-initio"
    suspend = "é" * 64_000
    commit(
        session_id=session.pk,
        seq=1,
        cmi={
            "completion_status": "incomplete",
            "success_status": "unknown",
            "location": "7",
            "suspend_data": suspend,
            "exit": "suspend",
            "session_time": "PT1M30S",
            "score": {"raw": "8", "min": "0", "max": "10", "scaled": "0.8"},
            "objectives": {"childArray": [{"id": "obj1", "success_status": "passed"}]},
            "interactions": [{"id": "q1", "type": "choice", "result": "correct"}],
        },
        terminated=True,
    )
    attempt = ScormAttempt.objects.get()
    assert (attempt.score_raw, attempt.score_scaled) == (8, 0.8)
    assert attempt.objectives[0]["id"] == "obj1"
    assert attempt.interactions[0]["result"] == "correct"
    assert attempt.total_seconds == 90
    resumed = launch(user=learner, package=package_2004, sco_id=sco)
    from scorm.services import initial_cmi

    cmi = initial_cmi(resumed, user=learner, version="2004")
    assert cmi["entry"] == "resume"
    assert cmi["location"] == "7"
    assert cmi["suspend_data"] == suspend
    assert cmi["total_time"] == "PT0H1M30S"
    # A normal exit ends the attempt: the next launch starts a new one.
    commit(
        session_id=resumed.pk,
        seq=1,
        cmi={
            "exit": "normal",
            "completion_status": "completed",
            "session_time": "PT1S",
        },
        terminated=True,
    )
    fresh = launch(user=learner, package=package_2004, sco_id=sco)
    assert fresh.entry == "ab-initio"
    assert fresh.attempt.number == 2


# Completion -----------------------------------------------------------------------


def test_package_completion_completes_the_lesson_and_the_course(package_2004, learner):
    course, lesson = scorm_course(package_2004, native_lessons=0)
    sco = package_2004.scos[0]["id"]
    session = launch(user=learner, package=package_2004, sco_id=sco, lesson=lesson)
    commit(session_id=session.pk, seq=1, cmi={"completion_status": "incomplete"})
    assert not LessonProgress.objects.exists()
    commit(
        session_id=session.pk,
        seq=2,
        cmi={"completion_status": "completed", "success_status": "failed"},
    )
    assert not LessonProgress.objects.exists()  # failed is not done
    commit(
        session_id=session.pk,
        seq=3,
        cmi={"completion_status": "completed", "success_status": "passed"},
    )
    assert LessonProgress.objects.filter(
        user=learner, lesson_key=lesson.translation_key
    ).exists()
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.completed_at is not None
    assert course_completion(
        user=learner, course=course, enrolment=enrolment
    ).is_complete


def test_multi_sco_lesson_needs_every_sco(client, package, learner):
    course, lesson = scorm_course(package, native_lessons=1)
    scos = [s["id"] for s in package.scos]
    for sco in scos[:-1]:
        session = launch(user=learner, package=package, sco_id=sco, lesson=lesson)
        commit(session_id=session.pk, seq=1, cmi=cmi12(lesson_status="completed"))
    assert not LessonProgress.objects.filter(lesson_key=lesson.translation_key).exists()
    session = launch(user=learner, package=package, sco_id=scos[-1], lesson=lesson)
    commit(session_id=session.pk, seq=1, cmi=cmi12(lesson_status="passed"))
    assert LessonProgress.objects.filter(lesson_key=lesson.translation_key).exists()
    # The native lesson is still missing: "what's missing" names it.
    enrolment = Enrolment.objects.get(user=learner)
    missing = course_completion(
        user=learner, course=course, enrolment=enrolment
    ).missing_keys
    assert len(missing) == 1 and missing[0] != lesson.translation_key
    client.force_login(learner)
    assert course.title in client.get("/fr/learn/").content.decode()


def test_mark_as_complete_is_refused_for_a_package_lesson(client, package, learner):
    _course, lesson = scorm_course(package)
    client.force_login(learner)
    client.post(f"/fr/learn/lesson/{lesson.pk}/complete/")
    assert not LessonProgress.objects.exists()
