"""The smoke journey through the running stack (:mod:`scripts.stack`): a
trainee signs in, enrols in the demo course, completes every lesson, passes
the post-test, and gets the certificate the task worker issues, which then
verifies at its public address.

Everything the trainee does goes through gunicorn over HTTP, as a browser
behind the TLS proxy would (``X-Forwarded-Proto: https``, cookies kept by
hand: they are ``Secure``). The database is read only for what a person would
know without being told by the page: which course to take, the right answers
of the test, and afterwards that exactly one certificate exists.
"""

from __future__ import annotations

import http.client
import re
import time
import uuid
from decimal import Decimal
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.common import django_setup, log

from .stack import Stack, StackError

CERTIFICATE_TIMEOUT = 60  # seconds for the worker to issue it
PASSWORD = "Smoke-journey-2026!"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """HTTP/1.1 to gunicorn with the proxy's headers and a cookie jar."""

    def __init__(self, port: int, *, timeout=30):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method, path, data=None, *, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            body = urlencode(data or {}, doseq=True) if method == "POST" else None
            sent = {
                "Host": f"127.0.0.1:{self.port}",
                "X-Forwarded-Proto": "https",
                "Accept-Language": "fr",
                **(headers or {}),
            }
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                sent["Content-Type"] = "application/x-www-form-urlencoded"
                sent["Origin"] = self.origin
                sent["Referer"] = self.origin + path
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.getheader("Location"), content
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data, **kwargs)

    def page(self, path, expect=200) -> str:
        status, location, content = self.get(path)
        if status != expect:
            raise StackError(
                f"GET {path}: {status} (expected {expect}) {location or ''}"
            )
        return content.decode()

    def csrf(self, path) -> str:
        match = CSRF_INPUT.search(self.page(path))
        if not match:
            raise StackError(f"no CSRF token in the form of {path}")
        return match.group(1)

    def submit(self, form_page, action, data, expect_location=None) -> str:
        """POST ``data`` to ``action`` with the CSRF token of ``form_page``;
        the answer must be a redirect (to ``expect_location`` when given)."""
        token = self.csrf(form_page)
        status, location, content = self.post(
            action, {"csrfmiddlewaretoken": token, **data}
        )
        if status != 302:
            raise StackError(
                f"POST {action}: {status} instead of a redirect\n"
                f"{content.decode(errors='replace')[:2000]}"
            )
        if expect_location and not (location or "").startswith(expect_location):
            raise StackError(f"POST {action}: redirected to {location}")
        return urlsplit(location).path + (
            f"?{urlsplit(location).query}" if urlsplit(location).query else ""
        )


def _step(message):
    log(f"  - {message}")


DEMO_COURSE_SLUG = "sensibilite-aux-conflits-fondamentaux"


def journey(stack: Stack) -> None:
    django_setup(stack.env)
    from django.db import connections

    from courses.completion import course_completion, trainee_test_ids
    from courses.factories import user_with_role
    from courses.models import CoursePage, Enrolment, LessonPage

    started = time.monotonic()
    log("Smoke journey:")
    email = f"smoke-{uuid.uuid4().hex[:8]}@kalanso.test"
    trainee = user_with_role(
        email, "Trainee", password=PASSWORD, full_name="Mariam Smoke Coulibaly"
    )
    connections.close_all()
    browser = Browser(stack.port)

    # Sign in.
    login = "/fr/accounts/login/"
    browser.submit(
        login, login, {"username": email, "password": PASSWORD}, expect_location="/fr/"
    )
    browser.page("/fr/learn/")
    _step(f"{email} signed in")

    # Enrol in the demo course.
    # The French course seed_demo creates (demo/courses/fundamentals.py; the
    # demo sits on top of the layers: nothing imports it).
    course = CoursePage.objects.live().get(slug=DEMO_COURSE_SLUG)
    browser.submit(course.url, f"/fr/learn/course/{course.pk}/enrol/", {})
    enrolment = Enrolment.objects.get(user=trainee, course=course)
    _step(f"enrolled in “{course.title}”")

    # Every required lesson, then the post-test.
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    for lesson in lessons:
        browser.submit(lesson.url, f"/fr/learn/lesson/{lesson.pk}/complete/", {})
    _step(f"{lessons.count()} lessons completed")

    _pre_id, post_id = trainee_test_ids(course, enrolment)
    attempt_path = browser.submit(
        f"/fr/quiz/{post_id}/", f"/fr/quiz/{post_id}/start/", {}, "/fr/quiz/attempt/"
    )
    attempt = _sit(browser, trainee, post_id, attempt_path)
    if not attempt.passed:
        raise StackError(f"the post-test was not passed: {attempt.percent} %")
    _step(f"post-test passed ({attempt.percent:.0f} %)")
    standing = course_completion(user=trainee, course=course, enrolment=enrolment)
    if not standing.is_complete:
        raise StackError(f"the course is not complete: {standing}")

    # The worker issues the certificate; it shows on "My learning".
    deadline = time.monotonic() + CERTIFICATE_TIMEOUT
    link = None
    while link is None:
        stack.check_processes()
        match = re.search(
            r'href="(/fr/certificates/v/[^"/]+/)"', browser.page("/fr/learn/")
        )
        if match:
            link = unescape(match.group(1))
        elif time.monotonic() > deadline:
            raise StackError(
                f"no certificate after {CERTIFICATE_TIMEOUT} s: is the task worker "
                "running? (see worker-0.log)"
            )
        else:
            time.sleep(0.5)
    _step(f"certificate issued by the worker ({link})")
    _check_certificate(trainee, course, link, stack)

    # Verifiable by anyone at its public address.
    visitor = Browser(stack.port)
    html = visitor.page(link)
    for expected in (trainee.full_name, course.title):
        if unescape(expected) not in unescape(html):
            raise StackError(f"the verification page does not show {expected!r}")
    code = link.rstrip("/").rsplit("/", 1)[1]
    status, location, _ = visitor.get(f"/v/{code}")
    if status != 302 or not (location or "").endswith(link):
        raise StackError(f"/v/{code}: {status} → {location}")
    _step("verification page shows the trainee and the course (anonymous visitor)")

    errors = stack.gunicorn_errors()
    if errors:
        raise StackError("errors in gunicorn's log:\n" + "\n".join(errors[:20]))
    log(f"Journey done in {time.monotonic() - started:.1f} s.")


def _sit(browser, trainee, quiz_id, attempt_path):
    """Answer every question right, page by page, and submit."""
    from assessments.models import Attempt

    attempt = Attempt.objects.get(quiz_id=quiz_id, user=trainee, state="in_progress")
    rows = list(attempt.questions.order_by("position"))
    per_page = attempt.quiz.one_question_per_page
    pages = [[row] for row in rows] if per_page else [rows]
    base = attempt_path.split("?")[0]
    for number, shown in enumerate(pages, start=1):
        data = {"page": number, "action": "submit" if number == len(pages) else "next"}
        for row in shown:
            data.update(_right_answers(row))
        browser.submit(f"{base}?page={number}", base, data)
    attempt.refresh_from_db()
    if not attempt.is_submitted:
        raise StackError("the post-test was not submitted")
    return attempt


def _right_answers(row) -> dict:
    """The form fields that answer ``row`` right (what the trainee studied)."""
    snap, name = row.snapshot, f"q{row.position}"
    kind = snap["type"]
    if kind == "truefalse":
        return {name: "true" if snap["correct"] else "false"}
    if kind == "matching":
        return {f"{name}-{pair['id']}": pair["answer"] for pair in snap["pairs"]}
    if kind in ("single", "multiple"):
        right = [c["id"] for c in snap["choices"] if Decimal(str(c["fraction"])) > 0]
        return {name: right if kind == "multiple" else right[0]}
    return {}  # other kinds are left blank: the pass mark allows it


def _check_certificate(trainee, course, link, stack):
    from django_tasks_db.models import DBTaskResult

    from certificates.models import Credential

    credentials = Credential.objects.filter(user=trainee)
    if credentials.count() != 1:
        raise StackError(f"{credentials.count()} certificates instead of one")
    ran = DBTaskResult.objects.filter(
        status="SUCCESSFUL", task_path__startswith="certificates.tasks."
    ).exclude(worker_ids=[])
    if not ran.exists():
        raise StackError("no certificate task was run by the worker")
