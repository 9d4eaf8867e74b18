"""Privacy sits on top of the apps that keep people's data, and nothing
imports it (the URL configuration names it in a string)."""

from tests.imports import imported_by, importers_of


def test_nothing_imports_privacy():
    assert importers_of("privacy") == []


def test_privacy_reads_the_apps_below_it_only():
    own = imported_by("privacy") & {
        "kalanso",
        "assessments",
        "courses",
        "trainers",
        "certificates",
        "reporting",
        "demo",
        "privacy",
    }
    assert own <= {
        "kalanso",
        "assessments",
        "courses",
        "trainers",
        "certificates",
        "privacy",
    }
