"""Absurd ids everywhere: no 500.

Every URL pattern of the project (the Django and Wagtail admins aside: they
are third-party code for staff) is requested:

- with each id in its address replaced by values out of range, negative,
  not a number, or oversized (``PATH_VALUES``);
- with its ids real, and absurd values (``QUERY_VALUES``) in the query string
  and the form body under every field name that a form of the project, or
  the page itself, uses;
- with every field of the forms the page shows given 60,000 characters
  (the "LIKE or GLOB pattern too complex" of the login);

as anonymous and as each role (trainee, trainer, master trainer, editor,
moderator, programme manager, administrator), with GET and POST. Any answer
of 500 fails the test, which lists them all.

Addresses that do not reach the pattern under test (the id did not match its
converter, so Wagtail's page tree answered) are role- and method-blind: they
are requested once, anonymously, by GET.

The completeness tests below refuse a raw ``<int:…>`` (or a regular
expression that captures digits) in any pattern of the project, and any
model-choice field that does not check its ids (``kalanso.ids``).

One database set-up, the Django test client; each request runs in a
savepoint rolled back afterwards, so every request meets the same data.
"""

import importlib
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404
from django.utils import timezone, translation

import pytest

from assessments import factories as quiz_factories
from assessments.models import Attempt
from courses.factories import course_with_lessons, user_with_role
from courses.models import LessonPage
from kalanso.ids import MAX_ID, unbounded_fields
from trainers import factories as trainer_factories
from trainers.models import CascadeSession, Participant, TrainerProfile

ROOT = Path(__file__).resolve().parent.parent
PROJECT = (
    "kalanso",
    "courses",
    "assessments",
    "trainers",
    "certificates",
    "reporting",
    "privacy",
    "demo",
    "offline",
)
# Third-party admin sites, for staff: not walked (their ids are their own).
SKIPPED_PREFIXES = ("admin/", "django-admin/")

HUGE = "99999999999999999999999"
PATH_VALUES = [
    "0",
    "-1",
    "abc",
    HUGE,
    str(MAX_ID + 1),
    str(2**63),
    "١٢",  # Arabic-Indic digits: int() reads them
    "9" * 5000,
]
# Spread over the fields of a query string or a form, one value per field.
QUERY_VALUES = [
    HUGE,
    "-1",
    "0",
    "abc",
    str(2**63),
    str(MAX_ID + 1),
    "1.5",
    "١",
    "",
]
LONG = 60_000
# A request body stays under Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
LONG_BUDGET = 2_000_000


# The patterns ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    regex: str  # the whole address, as one regular expression
    params: tuple  # (name, regular expression of the value, is an id)
    name: str  # namespace:name, or the view's dotted path
    module: str  # where the view is defined


GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")


def named_groups(regex: str):
    """(name, sub-expression) of each named group of a regular expression."""
    for match in GROUP.finditer(regex):
        depth, index = 1, match.end()
        while depth:
            char = regex[index]
            if char == "\\":
                index += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            index += 1
        yield match["name"], regex[match.end() : index - 1]


def _parts(pattern) -> str:
    regex = pattern.regex.pattern
    return regex.removeprefix("^").removesuffix(r"\Z").removesuffix("$")


def walk(patterns=None, prefix="", namespace=""):
    """Every leaf pattern of the URL configuration, under the French prefix."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        regex = prefix + _parts(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, regex, inner)
        elif isinstance(entry, URLPattern):
            yield entry, regex, namespace


def routes():
    found = []
    with translation.override("fr"):
        for entry, regex, namespace in walk():
            callback = entry.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            name = f"{namespace}{entry.name}" if entry.name else module
            if re.search(r"\((?!\?P<)", regex.replace("(?:", "")):
                # Unnamed groups: Wagtail's page tree, walked through its pages.
                continue
            params = []
            for param, sub in named_groups(regex):
                params.append((param, sub, "[0-9]" in sub or r"\d" in sub))
            found.append(Route(regex, tuple(params), name, module))
    return found


def in_project(route: Route) -> bool:
    return route.module.split(".")[0] in PROJECT


def unescaped(regex: str) -> str:
    return re.sub(r"\\(.)", r"\1", regex)


def walked(route: Route) -> bool:
    return not unescaped(route.regex).startswith(SKIPPED_PREFIXES)


# The data ----------------------------------------------------------------------


@dataclass
class World:
    people: dict
    ids: dict  # parameter name → a real id (see ``real_value``)
    strings: dict
    pages: list  # Wagtail pages (its catch-all pattern is walked through them)


def build_world() -> World:
    today = timezone.localdate()
    course = course_with_lessons(lessons=2)
    lesson = LessonPage.objects.live().descendant_of(course).first()
    block = next(b for b in lesson.body if b.block_type == "reflection")
    people = {
        "anonymous": None,
        "trainee": user_with_role("trainee@example.org", "Trainee"),
        "trainer": trainer_factories.trainer(
            "trainer@example.org", TrainerProfile.Level.CERTIFIED
        ),
        "master": trainer_factories.trainer(
            "master@example.org", TrainerProfile.Level.MASTER
        ),
        "editor": user_with_role("editor@example.org", "Editor"),
        "moderator": user_with_role("moderator@example.org", "Moderator"),
        "manager": user_with_role("manager@example.org", "Programme manager"),
        "admin": user_with_role(
            "admin@example.org", None, is_superuser=True, is_staff=True
        ),
    }
    session = trainer_factories.session(
        course,
        people["trainer"],
        status=CascadeSession.Status.HELD,
        start=today - timedelta(days=1),
    )
    person = Participant.objects.create(
        session=session,
        user=people["trainee"],
        full_name="Kadiatou Sangaré",
        source=Participant.Source.TRAINER,
    )
    quiz = quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Test", pass_mark=Decimal(50)
    )
    attempt = Attempt.objects.create(
        quiz=quiz, user=people["trainee"], number=1, state=Attempt.State.IN_PROGRESS
    )
    return World(
        people=people,
        ids={
            "course_id": course.pk,
            "lesson_id": lesson.pk,
            "quiz_id": quiz.pk,
            "attempt_id": attempt.pk,
            "session_id": session.pk,
            "ppk": person.pk,
            "trainers:profile": people["trainer"].trainer_profile.pk,
            "trainers:cascade_trainer": people["trainer"].trainer_profile.pk,
            "trainers": session.pk,
            "privacy": person.pk,
        },
        strings={"block_id": block.id, "token": session.feedback_token},
        pages=[course.get_parent(), course, lesson],
    )


def real_value(world: World, route: Route, param: str, sub: str) -> str:
    """A value of the parameter that reaches the view: a real id where the
    world has one, else the first sample that its expression accepts."""
    if param in world.ids:
        return str(world.ids[param])
    if param == "pk":
        for key in sorted(world.ids, key=len, reverse=True):
            if ":" in key or key in PROJECT:
                if route.name.startswith(key):
                    return str(world.ids[key])
        return "1"
    if param in world.strings:
        return world.strings[param]
    for sample in ("1", sub.split("|")[0], "abcd1234", "x"):
        if re.fullmatch(sub, sample):
            return sample
    pytest.fail(f"no sample value for {param} ({sub}) in {route.name}")


def fill(regex: str, values: dict) -> str:
    """The address that the regular expression matches with these values."""
    out = regex
    for param, sub in named_groups(regex):
        out = out.replace(f"(?P<{param}>{sub})", values[param], 1)
    return "/" + unescaped(out)


# The field names every request carries ----------------------------------------


def project_forms():
    for package in PROJECT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"migrations", "management", "settings"} & set(relative.parts):
                continue
            module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted(
        {
            form
            for form in subclasses(forms.BaseForm)
            if form.__module__.split(".")[0] in PROJECT
        },
        key=lambda form: (form.__module__, form.__qualname__),
    )


GET_NAMES = re.compile(r"""(?:GET|POST)(?:\.get|\.getlist|\[)\(?["'](\w+)["']""")


def field_names() -> list[str]:
    names = set()
    for form in project_forms():
        names |= set(form.base_fields)
    for package in PROJECT:
        for path in (ROOT / package).rglob("*.py"):
            names |= set(GET_NAMES.findall(path.read_text(encoding="utf-8")))
    names |= {"page", "next", "username", "password", "q"}
    names -= {"csrfmiddlewaretoken"}
    return sorted(names)


def absurd(names, shift=0) -> dict:
    return {
        name: QUERY_VALUES[(index + shift) % len(QUERY_VALUES)]
        for index, name in enumerate(names)
    }


class FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])


def names_in(response) -> set[str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    if response.streaming:
        return set()
    parser = FieldNames()
    parser.feed(response.content.decode("utf-8", errors="replace"))
    return parser.names - {"csrfmiddlewaretoken"}


# The walk ------------------------------------------------------------------------


class Walk:
    def __init__(self, world):
        self.world = world
        self.clients = {}
        self.failures = []
        self.count = 0

    def client(self, role):
        """One client per role, logged in again if a request logged it out."""
        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = Client(raise_request_exception=False)
        person = self.world.people[role]
        if person is not None and "_auth_user_id" not in client.session:
            client.force_login(person)
        return client

    def request(self, role, method, url, data=None, label=""):
        """One request in a savepoint rolled back; a 500 is recorded."""
        self.count += 1
        with transaction.atomic():
            response = getattr(self.client(role), method)(url, data or {})
            transaction.set_rollback(True)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            why = repr(error[1])[:200] if error else ""
            self.failures.append(
                f"{response.status_code} {role} {method.upper()} "
                f"{url[:120]} {label} {why}"
            )
        return response


def reaches(url: str, route: Route) -> bool:
    """The address reaches the pattern under test (its values matched)."""
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return False
    return match.view_name == route.name or (
        match.url_name is None and match.func.__module__ == route.module
    )


def test_no_absurd_value_gives_a_500(db):
    world = build_world()
    every = [route for route in routes() if walked(route)]
    assert len(every) > 60, "the walk found the URL patterns"
    every += [
        Route(re.escape(page.url.lstrip("/")), (), "wagtail page", "wagtail")
        for page in world.pages
    ]
    names = field_names()
    assert {"co_facilitators", "languages", "course", "username"} <= set(names)
    huge = dict.fromkeys(names, HUGE)
    walk_ = Walk(world)
    roles = list(world.people)
    with translation.override("fr"):
        for route in every:
            cache.clear()  # rate limits
            real = {
                param: real_value(world, route, param, sub)
                for param, sub, _ in route.params
            }
            # Absurd values in the address.
            for param, _sub, is_id in route.params:
                for value in PATH_VALUES if is_id else ["x" * 3000]:
                    url = fill(route.regex, real | {param: value})
                    if reaches(url, route):
                        for role in roles:
                            for method in ("get", "post"):
                                walk_.request(role, method, url, label=route.name)
                    else:
                        walk_.request("anonymous", "get", url, label=route.name)
            # Real ids, absurd query strings and forms.
            url = fill(route.regex, real)
            for role in roles:
                page = walk_.request(role, "get", url, huge, route.name)
                walk_.request(role, "post", url, huge, route.name)
                shown = sorted(names_in(page))
                if shown:
                    size = min(LONG, LONG_BUDGET // len(shown))
                    long = dict.fromkeys(shown, "9" * size)
                    walk_.request(role, "post", url, long, f"{route.name} long")
            # The other absurd values, spread over the fields, as the people
            # who reach the most forms.
            for role in ("trainer", "admin"):
                for method, shift in (("get", 1), ("post", 5)):
                    walk_.request(role, method, url, absurd(names, shift), route.name)
    assert walk_.failures == [], "\n".join(walk_.failures)


# Completeness ----------------------------------------------------------------------


def test_no_raw_int_in_any_pattern():
    """``<int:…>`` takes any number of digits into the view, where a huge one
    makes the database fail: ids go through ``<id:…>`` (kalanso.ids)."""
    raw = []
    for entry, regex, namespace in walk():
        module = getattr(entry.callback, "__module__", "") or ""
        if module.split(".")[0] not in PROJECT or unescaped(regex).startswith(
            SKIPPED_PREFIXES
        ):
            continue
        converters = getattr(entry.pattern, "converters", {})
        for param, converter in converters.items():
            if isinstance(converter, IntConverter):
                raw.append(f"{namespace}{entry.name}: <int:{param}>")
        if not converters:
            for param, sub in named_groups(_parts(entry.pattern)):
                if re.search(r"\[0-9\][+*]|\\d[+*]", sub):
                    raw.append(f"{namespace}{entry.name}: (?P<{param}>{sub})")
    assert raw == []


def test_the_walk_sees_every_converter():
    """The walk above reads the converters of every pattern: a pattern with
    ``<id:…>`` is found with an id parameter."""
    found = {route.name: route for route in routes()}
    assert any(is_id for _, _, is_id in found["courses:continue"].params)
    assert any(is_id for _, _, is_id in found["trainers:participant_export"].params)


def test_every_model_choice_field_checks_its_ids():
    """A ``ModelChoiceField`` looks the typed value up in the database as it
    is: the project's forms use ``kalanso.ids``'s bounded fields (declared,
    or through ``formfield_callback = bounded_formfield``)."""
    found = {
        f"{form.__module__}.{form.__qualname__}": unbounded_fields(form)
        for form in project_forms()
    }
    assert {name: fields for name, fields in found.items() if fields} == {}
