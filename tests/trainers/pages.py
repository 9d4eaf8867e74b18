"""Helpers shared by the trainers' page tests: URLs, messages, people with
accounts, and the data a browser would post from a page's form."""

from html.parser import HTMLParser

from django.urls import reverse

from courses.factories import user_with_role
from trainers.models import Participant

State = Participant.State


def url(name, *args):
    return reverse(f"trainers:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def account_participant(session, email, state=State.REGISTERED, **fields):
    user = user_with_role(email, "Trainee")
    return Participant.objects.create(
        session=session,
        user=user,
        full_name=fields.pop("full_name", user.full_name or email),
        state=state,
        source=Participant.Source.TRAINER,
        **fields,
    )


class FormInputs(HTMLParser):
    """What a browser would post from the page's form sent to ``action``:
    text and hidden inputs with their values, ticked checkboxes."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.data, self.in_form, self.done = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("action") == self.action and not self.done:
            self.in_form = True
        if tag != "input" or not self.in_form or "disabled" in attrs:
            return
        kind = attrs.get("type", "text")
        if kind == "checkbox" and "checked" not in attrs:
            return
        if kind == "radio" and "checked" not in attrs:
            return
        if attrs.get("name"):
            self.data.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def page_form(client, address) -> list[tuple[str, str]]:
    response = client.get(address)
    assert response.status_code == 200
    parser = FormInputs(address)
    parser.feed(response.content.decode())
    return parser.data


def as_post(pairs, **changes) -> dict:
    """The form's pairs as POST data (lists for repeated names), with some
    values replaced."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data
