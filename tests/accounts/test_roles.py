"""The one vocabulary of roles (``kalanso.accounts.roles``), for every demo
role: what each predicate answers, who may print the paper tests and their
answer keys, and that no menu offers a link its reader may not open.

The demo roles are the accounts ``seed_demo`` creates (anonymous visitor,
trainee, trainer, master trainer, editor, moderator, programme manager,
superuser), plus a candidate of the trainer pool (a profile, no certification).
"""

import ast
import importlib
import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from assessments import factories as quiz_factories
from kalanso.accounts import roles
from kalanso.accounts.models import User
from trainers import certification
from trainers import factories as trainer_factories
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db

Level = TrainerProfile.Level
ROLES = (
    "anonymous",
    "trainee",
    "candidate",
    "trainer",
    "master trainer",
    "editor",
    "moderator",
    "programme manager",
    "superuser",
)


@pytest.fixture
def people(trainee, own_trainer, master, editor, moderator, manager):
    return {
        "anonymous": None,
        "trainee": trainee,
        "candidate": trainer_factories.trainer(
            "candidate@example.org", Level.CANDIDATE
        ),
        "trainer": own_trainer,
        "master trainer": master,
        "editor": editor,
        "moderator": moderator,
        "programme manager": manager,
        "superuser": User.objects.create_superuser(
            email="root@example.org", password="correct-horse-battery"
        ),
    }


@pytest.fixture
def quiz(db):
    return quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Post-test rôles"
    )


def fresh(user):
    """The user as a new request sees it (no permission cache)."""
    return None if user is None else User.objects.get(pk=user.pk)


# The predicates ------------------------------------------------------------------

TRAINERS = {"trainer", "master trainer"}
ADMINS = {"editor", "moderator", "programme manager", "superuser"}
# predicate -> the roles for which it is true
EXPECTED = {
    "is_programme_manager": {"programme manager", "superuser"},
    "is_trainer": TRAINERS | {"superuser"},
    "is_master_trainer": {"master trainer", "superuser"},
    "is_in_trainer_pool": TRAINERS | {"candidate", "superuser"},
    "can_see_trainer_directory": TRAINERS | {"programme manager", "superuser"},
    "can_change_trainer_levels": {"master trainer", "programme manager", "superuser"},
    "can_see_all_sessions": {"master trainer", "programme manager", "superuser"},
    "can_open_trainer_area": TRAINERS | {"candidate", "programme manager", "superuser"},
    "can_see_quiz_results": ADMINS,
    "can_see_quiz_takers": {"programme manager", "superuser"},
    "can_edit_quizzes": {"editor", "moderator", "superuser"},
    "can_print_paper": TRAINERS | ADMINS,
    "can_print_answer_key": TRAINERS | {"editor", "moderator", "superuser"},
    "can_import_questions": {"editor", "moderator", "superuser"},
    "can_export_questions": {"editor", "moderator", "superuser"},
    "can_access_admin": ADMINS,
    "can_see_dashboard": {"programme manager", "superuser"},
}


def test_every_predicate_is_in_the_table():
    assert set(EXPECTED) == set(roles.PREDICATES)


def test_predicates_for_every_role(people):
    from django.contrib.auth.models import AnonymousUser

    mismatches = {}
    for name, predicate in roles.PREDICATES.items():
        for role in ROLES:
            user = fresh(people[role]) or AnonymousUser()
            if predicate(user) != (role in EXPECTED[name]):
                mismatches.setdefault(name, []).append(role)
    assert not mismatches, mismatches


def test_inactive_accounts_have_no_role(people):
    for role in ("trainer", "programme manager", "superuser"):
        user = fresh(people[role])
        user.is_active = False
        assert not any(p(user) for p in roles.PREDICATES.values()), role


def test_templates_ask_the_predicates(people):
    template = Template(
        "{% if roles.is_trainer %}T{% endif %}{% if roles.can_see_dashboard %}D"
        "{% endif %}{% if roles.no_such_role %}X{% endif %}"
    )
    render = lambda role: template.render(  # noqa: E731
        Context({"roles": roles.UserRoles(fresh(people[role]))})
    )
    assert render("trainer") == "T"
    assert render("programme manager") == "D"
    assert render("superuser") == "TD"
    assert render("anonymous") == ""
    with pytest.raises(AttributeError):
        roles.UserRoles(None).no_such_role  # noqa: B018


def test_group_names_are_the_migrated_groups():
    assert set(roles.GROUPS) <= set(Group.objects.values_list("name", flat=True))


# The trainer pool as a permission ----------------------------------------------------


def test_the_pool_group_follows_the_profile(trainee):
    assert not roles.is_in_trainer_pool(fresh(trainee))
    profile = certification.profile_create(trainee)
    assert roles.is_in_trainer_pool(fresh(trainee))
    assert not roles.is_trainer(fresh(trainee))
    certification.suspend(profile, by=None, reason="test")
    # Suspended: still in the pool (their own profile and history), no role.
    assert roles.is_in_trainer_pool(fresh(trainee))


def test_the_data_migration_puts_existing_profiles_in_the_pool(own_trainer, master):
    pool = Group.objects.get(name=roles.TRAINER_POOL)
    pool.user_set.remove(own_trainer)  # as before the migration
    assert not roles.is_in_trainer_pool(fresh(own_trainer))
    migration = importlib.import_module("trainers.migrations.0005_trainer_pool_role")
    state = MigrationExecutor(connection).loader.project_state(
        ("trainers", "0005_trainer_pool_role")
    )
    migration.grant(state.apps, None)
    assert roles.is_in_trainer_pool(fresh(own_trainer))
    assert set(pool.user_set.all()) == {own_trainer, master}


def test_the_bottom_layer_imports_no_app_above_it():
    """roles.py and the navigation ask permission codenames, never the
    models of courses, trainers & co."""
    above = {"assessments", "courses", "trainers", "certificates", "reporting"}
    root = Path(__file__).resolve().parents[2] / "kalanso"
    for source in (root / "accounts" / "roles.py", root / "context_processors.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & above, (source, names)


# The paper tests and their answer keys, for every role -------------------------------

PDF_EXPECTED = {
    #                     paper     answer key
    "anonymous": ("login", "login"),
    "trainee": (403, 403),
    "candidate": (403, 403),
    "trainer": (200, 200),
    "master trainer": (200, 200),
    "editor": (200, 200),
    "moderator": (200, 200),
    "programme manager": (200, 403),
    "superuser": (200, 200),
}


def pdf_outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
    return response.status_code


def test_paper_and_answer_key_for_every_role(client, people, quiz):
    paper = reverse("assessments:assessments_quiz_paper", args=[quiz.pk])
    key = reverse("assessments:assessments_quiz_answer_key", args=[quiz.pk])
    results = {}
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        results[role] = (pdf_outcome(client.get(paper)), pdf_outcome(client.get(key)))
    mismatches = {
        role: (got, PDF_EXPECTED[role])
        for role, got in results.items()
        if got != PDF_EXPECTED[role]
    }
    assert not mismatches, mismatches


# Menus offer only what their reader may open ------------------------------------------


def _sidebar_urls(soup):
    """The addresses in the Wagtail admin's sidebar (a JSON document)."""
    props = soup.find("script", id="wagtail-sidebar-props")
    found = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("url"), str):
                found.append(value["url"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(props.string))
    return found


def _links(soup, selector):
    return [a["href"] for a in soup.select(selector)]


# Each page that carries a menu, and where its menu links are.
MENU_PAGES = {
    "/fr/": lambda soup: _links(soup, "header nav a[href]"),
    "/fr/learn/": lambda soup: _links(soup, "#main ul.links a[href]"),
    "/fr/trainers/sessions/": lambda soup: _links(soup, "#main p.actions a[href]"),
    "/admin/": _sidebar_urls,
    "/admin/snippets/assessments/quiz/": lambda soup: _links(
        soup, ".w-dropdown__content a[href]"
    ),
    "/admin/assessments/quiz/*/statistics/": lambda soup: _links(
        soup, "header a[href], .w-breadcrumbs a[href]"
    ),
}


def _menu_of(path):
    for pattern, menu in MENU_PAGES.items():
        head, _, tail = pattern.partition("*")
        if path == pattern or (tail and path.startswith(head) and path.endswith(tail)):
            return menu
    return None


def _refused(response, path) -> bool:
    """A 4xx/5xx, the login page, or Wagtail's "permission denied" (a
    redirect from an admin page to the admin's home)."""
    if response.status_code >= 400:
        return True
    if response.status_code in (301, 302):
        location = urlsplit(response["Location"]).path
        if "/login/" in location:
            return True
        if path.startswith("/admin/") and path != "/admin/" and location == "/admin/":
            return True
    return False


def offered_links(client, start="/fr/"):
    """Follow the menus from the home page: every link each menu offers, with
    the answer it gets ({address: (status, the page that offered it)})."""
    offered, queue, seen = {}, [start], set()
    while queue:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        response = client.get(page)
        menu = _menu_of(urlsplit(page).path)
        if response.status_code != 200 or menu is None:
            continue
        for href in menu(BeautifulSoup(response.content, "html.parser")):
            address = urljoin(page, href)
            parts = urlsplit(address)
            if parts.netloc and parts.netloc != "testserver":
                continue  # the help pages on wagtail.org
            if not parts.path.startswith("/") or parts.path == urlsplit(page).path:
                continue  # "#" and links to the page itself
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            if address in offered:
                continue
            answer = client.get(address)
            offered[address] = (
                "refused" if _refused(answer, parts.path) else answer.status_code,
                page,
            )
            if _menu_of(parts.path) and not parts.query:
                queue.append(address)
    return offered


# wagtail-localize's translations report (in the editors' sidebar) paginates
# an unordered queryset: not ours to fix.
@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
@pytest.mark.parametrize("role", ROLES)
def test_menus_offer_only_what_the_role_may_open(client, people, quiz, course, role):
    if people[role] is not None:
        client.force_login(people[role])
    offered = offered_links(client)
    refused = {
        address: page
        for address, (outcome, page) in offered.items()
        if outcome == "refused"
    }
    assert not refused, refused
    # The walk reached the menus it is about.
    paper = reverse("assessments:assessments_quiz_paper", args=[quiz.pk])
    key = reverse("assessments:assessments_quiz_answer_key", args=[quiz.pk])
    if role in ADMINS:
        assert paper in offered, sorted(offered)
        assert (key in offered) == (role != "programme manager")
    else:
        assert paper not in offered and key not in offered
    if role in {"candidate", "trainer", "master trainer", "programme manager"}:
        assert reverse("trainers:session_list") in offered
