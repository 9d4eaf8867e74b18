"""kalanso.ids: one way of reading an id typed by someone (the issue's
examples; every URL is walked in tests/test_absurd_ids.py)."""

from django.urls import reverse

import pytest

from kalanso.ids import MAX_ID, IdConverter, parse_id

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1", 1),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (7, 7),
        ("0", None),
        ("-1", None),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("١", None),  # int() reads Arabic-Indic digits
        ("²", None),
        (" 1", None),
        ("1_000", None),
        ("1.0", None),
        ("", None),
        (None, None),
        (True, None),
        (["1"], None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_the_converter_refuses_what_parse_id_refuses():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    for raw in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            converter.to_python(raw)


@pytest.mark.django_db
def test_the_issue_examples_answer_404(client, trainee):
    client.force_login(trainee)
    for path in (
        f"/fr/learn/course/{HUGE}/continue/",
        f"/fr/learn/course/{HUGE}/enrol/",
        f"/fr/learn/lesson/{HUGE}/complete/",
        f"/fr/learn/lesson/{HUGE}/reflection/abc/",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code == 404, path


@pytest.mark.django_db
def test_huge_ids_in_session_forms_are_errors(client, own_trainer, course):
    client.force_login(own_trainer)
    assert (
        client.get(reverse("trainers:session_list"), {"course": HUGE}).status_code
        == 200
    )
    response = client.post(
        reverse("trainers:session_create"),
        {"co_facilitators": [HUGE], "languages": [HUGE], "course": HUGE},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["co_facilitators"]
    assert response.context["form"].errors["course"]
    response = client.post(reverse("trainers:profile_edit"), {"languages": [HUGE]})
    assert response.status_code == 200
    assert response.context["form"].errors["languages"]


@pytest.mark.django_db
def test_a_60000_character_username_is_a_form_error(client):
    response = client.post(
        reverse("accounts:login"), {"username": "a" * 60_000, "password": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
