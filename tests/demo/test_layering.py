"""Demo content sits on top: it builds on every app, and nothing imports it
(settings name it in a string)."""

from tests.imports import importers_of


def test_nothing_imports_demo():
    assert importers_of("demo") == []
