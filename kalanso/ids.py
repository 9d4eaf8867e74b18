"""One way of turning an id that someone typed — in an address, a query string
or a form — into a number the database can look up.

Anything that is not a plain decimal number from 1 to ``MAX_ID`` is no id at
all: the address answers 404, the query string is ignored (or its form says
the choice is not valid), the form field gives its translated "not a valid
choice" error. Nothing out of range reaches the database, where it used to
fail (SQLite: "Python int too large to convert to SQLite INTEGER";
PostgreSQL: "value out of range") as a 500.

- ``parse_id(raw)``: the number, or None;
- ``<id:name>`` in URL patterns (the converter, registered once, by
  ``kalanso.accounts.apps``), instead of ``<id:name>``;
- ``IdChoiceField`` / ``IdMultipleChoiceField`` instead of Django's
  ``ModelChoiceField`` / ``ModelMultipleChoiceField``, and
  ``formfield_callback = bounded_formfield`` in a ``ModelForm``'s ``Meta`` so
  that the fields it builds for foreign keys and many-to-many relations are
  these.

``tests/test_absurd_ids.py`` walks every URL pattern with absurd values and
refuses a raw ``<id:>``.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# The largest value of the smallest integer key in the project (Wagtail's
# pages, documents and images use 32-bit keys on PostgreSQL). Every id the
# site hands out is far below it.
MAX_ID = 2**31 - 1
ID_DIGITS = len(str(MAX_ID))
_ID = re.compile(rf"[0-9]{{1,{ID_DIGITS}}}")


def parse_id(raw) -> int | None:
    """An id from an address, a query string or a form, or None.

    Only ASCII digits: ``str.isdigit`` accepts "²" (which ``int`` refuses)
    and ``int`` reads "١" (Arabic-Indic one), " 1" and "1_000"."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _ID.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if 1 <= value <= MAX_ID else None


class IdConverter:
    """``<id:name>`` in a URL pattern: an id from 1 to ``MAX_ID``; anything
    else does not match, so the address answers 404."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver moves on: no match
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register_converters() -> None:
    """Called once, when the apps are ready (``kalanso.accounts.apps``)."""
    from django.urls import register_converter

    from kalanso.spreadsheets import FormatConverter

    register_converter(IdConverter, "id")
    register_converter(FormatConverter, "spreadsheet")


def _key(field) -> models.Field:
    """The model field a choice field looks its choices up by."""
    meta = field.queryset.model._meta
    key = meta.pk
    if field.to_field_name not in (None, "pk"):
        key = meta.get_field(field.to_field_name)
    while isinstance(key, models.ForeignKey):  # a one-to-one primary key
        key = key.target_field
    return key


def valid_key(field, value) -> bool:
    """Whether a typed value could be a key of the field's model at all: an
    id (``parse_id``) for an integer key, no longer than the column for a
    text key (a code)."""
    key = _key(field)
    if isinstance(key, models.IntegerField | models.AutoField):
        return parse_id(value) is not None
    if isinstance(key, models.CharField) and key.max_length:
        return isinstance(value, str) and len(value) <= key.max_length
    return True


class IdChoiceField(forms.ModelChoiceField):
    """``ModelChoiceField`` whose typed value goes through ``parse_id`` before
    any query: out of range, negative or not a number is "not a valid
    choice" (Django's translated message)."""

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        if not valid_key(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` whose typed values go through ``parse_id``
    before any query."""

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            values = frozenset()  # Django's own check gives the error
        for item in values:
            if not isinstance(item, self.queryset.model) and not valid_key(self, item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


def with_bounded_ids(callback=None):
    """A ``formfield_callback`` for a ``ModelForm``'s ``Meta`` that makes the
    relation fields the bounded ones above; ``callback`` is the one the form
    had (Wagtail's admin forms have their own)."""

    def formfield(db_field, **kwargs):
        if isinstance(db_field, models.ManyToManyField):
            kwargs.setdefault("form_class", IdMultipleChoiceField)
        elif isinstance(db_field, models.ForeignKey):
            kwargs.setdefault("form_class", IdChoiceField)
        if callback is not None:
            return callback(db_field, **kwargs)
        return db_field.formfield(**kwargs)

    return formfield


bounded_formfield = with_bounded_ids()


def unbounded_fields(form_class) -> list[str]:
    """Names of the relation fields of a form class that are not bounded
    (for the completeness test)."""
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, IdChoiceField | IdMultipleChoiceField)
    ]
