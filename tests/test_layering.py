"""Imports run one way (DESIGN.md): accounts ← assessments ← courses ←
trainers ← certificates / reporting, with privacy and demo on top. The site
layer (``kalanso``) imports no app above it, except the URL configuration,
which names every app's views."""

import pytest

from tests.imports import imports, source_files

# Each package may import the packages listed for it (and itself).
ALLOWED = {
    "kalanso": set(),
    "assessments": {"kalanso"},
    "courses": {"kalanso", "assessments"},
    "scorm": {"kalanso", "assessments", "courses"},
    "trainers": {"kalanso", "assessments", "courses"},
    "certificates": {"kalanso", "assessments", "courses", "trainers"},
    "reporting": {"kalanso", "assessments", "courses", "trainers", "certificates"},
    "privacy": {"kalanso", "assessments", "courses", "trainers", "certificates"},
    "demo": {"kalanso", "assessments", "courses", "trainers", "certificates"},
    "offline": {"kalanso", "assessments", "courses"},
}
# The URL configuration and the settings name every app (in strings or imports).
CONFIGURATION = {"kalanso/urls.py", "kalanso/settings"}


def own_packages():
    return set(ALLOWED)


def violations():
    found = []
    for path in source_files():
        package = path.parts[0]
        if package not in ALLOWED:
            continue
        if str(path) in CONFIGURATION or str(path.parent) in CONFIGURATION:
            continue
        for name in imports(path):
            top = name.split(".")[0]
            if top in own_packages() and top != package and top not in ALLOWED[package]:
                found.append(f"{path} imports {name}")
    return sorted(set(found))


def test_imports_run_one_way():
    assert violations() == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_every_layer_has_source_files(package):
    """Guards the test above against an empty walk."""
    assert any(path.parts[0] == package for path in source_files())
