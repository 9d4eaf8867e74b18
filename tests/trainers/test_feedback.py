"""Anonymous feedback: the short link and its QR code, the form (one answer
per browser, a limit per network, closed sessions refuse), the summary."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

import pytest
import segno

from trainers import factories, qr
from trainers.models import CascadeSession, Feedback

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Pages in English, whatever an earlier test's request left active, so
    that the assertions on messages hold once the French catalogue exists."""
    with translation.override("en"):
        yield


Status = CascadeSession.Status


@pytest.fixture
def running(course, own_trainer, cofacilitator):
    return factories.session(
        course,
        own_trainer,
        start=date.today() - timedelta(days=1),
        co_facilitators=[cofacilitator],
        capacity=12,
    )


def form_url(session, language="en"):
    with translation.override(language):
        return reverse("trainers:feedback_form", args=[session.feedback_token])


def answer(client, session, satisfaction=4, comment="", **extra):
    return client.post(
        form_url(session), {"satisfaction": satisfaction, "comment": comment}, **extra
    )


class TestShortLink:
    def test_redirects_in_french_by_default(self, client, running):
        response = client.get(f"/f/{running.feedback_token}")
        assert response.status_code == 302
        assert response["Location"] == form_url(running, "fr")
        assert response["Location"].startswith("/fr/")

    def test_redirects_in_the_browser_language(self, client, running):
        response = client.get(
            f"/f/{running.feedback_token}", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"
        )
        assert response["Location"] == form_url(running, "en")

    def test_token_typed_in_lower_case(self, client, running):
        response = client.get(f"/f/{running.feedback_token.lower()}")
        assert response["Location"] == form_url(running, "fr")

    def test_unknown_token(self, client, running):
        # (Django's LocaleMiddleware may first try the path under /fr/.)
        assert client.get("/f/NOSUCHTOKEN", follow=True).status_code == 404
        assert client.get("/f/<script>", follow=True).status_code == 404

    def test_full_path_works_on_a_basic_phone(self, client, running):
        response = client.get(f"/f/{running.feedback_token}", follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script" not in html
        assert "<fieldset" in html and "<legend" in html
        assert html.count('type="radio"') == 5
        assert "private" in response["Cache-Control"]


class TestForm:
    def test_answer_then_thanks(self, client, running):
        response = answer(client, running, 5, "Très utile <b>merci</b>")
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "trainers:feedback_thanks", args=[running.feedback_token]
        )
        feedback = Feedback.objects.get()
        assert feedback.session == running
        assert feedback.satisfaction == 5
        assert feedback.comment == "Très utile <b>merci</b>"
        thanks = client.get(response["Location"])
        assert thanks.status_code == 200
        assert "private" in thanks["Cache-Control"]

    def test_one_answer_per_browser(self, client, running):
        answer(client, running, 5)
        response = answer(client, running, 1)
        assert response.status_code == 302
        assert Feedback.objects.count() == 1
        assert client.get(form_url(running)).status_code == 302
        # Another phone may answer.
        assert answer(Client(), running, 2).status_code == 302
        assert Feedback.objects.count() == 2

    def test_forged_cookie_is_ignored(self, client, running):
        client.cookies[f"kalanso_feedback_{running.pk}"] = running.feedback_token
        response = answer(client, running, 3)
        assert response.status_code == 302
        assert Feedback.objects.count() == 1

    def test_cookie_of_one_session_does_not_close_another(
        self, client, running, course, own_trainer
    ):
        other = factories.session(course, own_trainer, status=Status.HELD)
        answer(client, running, 4)
        assert answer(client, other, 4).status_code == 302
        assert Feedback.objects.filter(session=other).count() == 1

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"satisfaction": "0"},
            {"satisfaction": "6"},
            {"satisfaction": "abc"},
            {"satisfaction": "3", "comment": "x" * 2001},
            {"satisfaction": "3", "comment": "a\x00b"},
        ],
    )
    def test_bad_answers(self, client, running, data):
        response = client.post(form_url(running), data)
        assert response.status_code == 400
        assert not Feedback.objects.exists()

    @pytest.mark.parametrize(
        "status,days_from_now,is_open",
        [
            (Status.DRAFT, -1, False),
            (Status.SCHEDULED, 2, False),
            (Status.SCHEDULED, 0, True),
            (Status.HELD, -5, True),
            (Status.REPORTED, -5, True),
            (Status.VALIDATED, -5, False),
            (Status.CANCELLED, -1, False),
        ],
    )
    def test_open_only_while_it_makes_sense(
        self, client, course, own_trainer, status, days_from_now, is_open
    ):
        session = factories.session(
            course,
            own_trainer,
            status=status,
            start=date.today() + timedelta(days=days_from_now),
        )
        page = client.get(form_url(session))
        assert page.status_code == 200
        assert ('type="radio"' in page.content.decode()) is is_open
        response = answer(client, session, 4)
        assert response.status_code == (302 if is_open else 403)
        assert Feedback.objects.filter(session=session).exists() is is_open

    def test_unknown_token(self, client):
        assert client.get("/en/trainers/feedback/ZZZZZZZZZZ/").status_code == 404
        assert client.get("/en/trainers/feedback/ZZZZZZZZZZ/thanks/").status_code == 404
        assert client.post("/en/trainers/feedback/ZZ!/", {}).status_code == 404

    def test_limit_per_network(self, running):
        limit = max(running.capacity, 20)
        for _person in range(limit):
            assert (
                answer(Client(), running, 4, REMOTE_ADDR="10.0.0.1").status_code == 302
            )
        response = answer(Client(), running, 4, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 429
        assert "Too many answers" in response.content.decode()
        assert Feedback.objects.count() == limit
        assert answer(Client(), running, 4, REMOTE_ADDR="10.0.0.2").status_code == 302

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_limit_behind_the_proxy_uses_the_proxy_address(self, running):
        limit = max(running.capacity, 20)
        for index in range(limit):
            answer(
                Client(),
                running,
                4,
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"1.1.1.{index}, 10.9.9.9",
            )
        # A client-chosen first entry does not escape the limit.
        response = answer(
            Client(),
            running,
            4,
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="8.8.8.8, 10.9.9.9",
        )
        assert response.status_code == 429
        # Another network behind the same proxy may still answer.
        response = answer(
            Client(),
            running,
            4,
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.9.9.8",
        )
        assert response.status_code == 302


class TestQrPage:
    def url(self, session):
        return reverse("trainers:feedback_qr", args=[session.pk])

    def test_permissions(
        self,
        client,
        running,
        trainee,
        other_trainer,
        own_trainer,
        cofacilitator,
        master,
        manager,
    ):
        url = self.url(running)
        response = client.get(url)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )
        for user, expected in [
            (trainee, 403),
            (other_trainer, 403),
            (own_trainer, 200),
            (cofacilitator, 200),
            (master, 200),
            (manager, 200),
        ]:
            client.force_login(user)
            assert client.get(url).status_code == expected, user

    def test_link_and_qr_code(self, client, running, own_trainer):
        client.force_login(own_trainer)
        response = client.get(self.url(running))
        html = response.content.decode()
        link = f"http://testserver/f/{running.feedback_token}"
        assert f"<strong>{link}</strong>" in html
        svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
        root = ET.fromstring(svg)  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "style" not in svg and "<script" not in svg
        assert matrix_of(svg) == [list(row) for row in qr.make(link).matrix]
        assert matrix_of(svg) == [
            list(row) for row in segno.make_qr(link, error="m").matrix
        ]
        assert "private" in response["Cache-Control"]

    def test_summary(self, client, running, own_trainer):
        for value, comment in [
            (5, "Super"),
            (4, ""),
            (4, "<script>alert(1)</script>"),
            (1, ""),
        ]:
            Feedback.objects.create(
                session=running, satisfaction=value, comment=comment
            )
        client.force_login(own_trainer)
        html = client.get(self.url(running)).content.decode()
        assert "4 answers" in html or "4 réponses" in html
        assert "3,5" in html or "3.5" in html
        rows = re.findall(
            r'<tr><th scope="row">(\d)</th><td>(\d+)</td><td>(\d+)</td></tr>', html
        )
        assert rows == [
            ("1", "1", "25"),
            ("2", "0", "0"),
            ("3", "0", "0"),
            ("4", "2", "50"),
            ("5", "1", "25"),
        ]
        assert "Super" in html
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_svg_title_is_escaped():
    svg = qr.svg("https://example.org/f/X", title='<b>"QR" & co</b>')
    ET.fromstring(svg)
    assert "<b>" not in svg


def matrix_of(svg):
    """Read the dark modules back from segno's path: "M x y" or "m dx dy"
    moves, "h n" draws n modules; the stroke runs at y + 0.5."""
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    path = next(p for p in root.iter(f"{ns}path") if p.get("stroke"))
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    size = int(root.get("width")) // scale
    border = 4
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(
        r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d")
    ):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(a)):
                grid[int(y - 0.5)][int(x) + i] = 1
            x += float(a)
    inner = size - 2 * border
    return [row[border : border + inner] for row in grid[border : border + inner]]
