"""The third-party inputs of the test suite, in ``tests/corpora/<name>/``.

Each folder keeps its PROVENANCE.md (where the files come from, at which
commit) and its licence. Every test reaches a corpus through this module,
never through a path of its own:

- a missing file fails the test (these inputs are part of the suite);
- an empty corpus fails it too, so a loop over a corpus cannot pass by
  running zero times.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent / "corpora"


def path(*parts) -> Path:
    """The path of a corpus file, which must exist."""
    found = ROOT.joinpath(*parts)
    if not found.is_file():
        pytest.fail(f"Test corpus missing: {found}")
    return found


def non_empty(items, name):
    """``items`` as a list; fails the test when there is nothing in it."""
    items = list(items)
    if not items:
        pytest.fail(f"Test corpus {name} is empty: a loop over it would test nothing")
    return items


def text(*parts) -> str:
    """A corpus file's text (UTF-8); fails the test when it is empty."""
    content = path(*parts).read_bytes().decode("utf-8")
    if not content.strip():
        pytest.fail(f"Test corpus {'/'.join(parts)} is empty")
    return content


def naughty_strings() -> list[str]:
    """The Big List of Naughty Strings (JSON array: 515 strings)."""
    return non_empty(
        json.loads(text("naughty_strings", "blns.json")), "naughty_strings/blns.json"
    )


def naughty_lines() -> list[str]:
    """Every line of ``blns.txt`` (comments and blank lines included), split on
    ``\\n`` only: U+2028 and the like are content, not line breaks."""
    return non_empty(
        text("naughty_strings", "blns.txt").split("\n"), "naughty_strings/blns.txt"
    )


def xss_payloads() -> list[str]:
    """The first 500 lines of payloadbox's XSS payload list, blank lines left out."""
    lines = text("xss_payloads", "xss-payload-list.first500.txt").splitlines()
    return non_empty(
        (line for line in lines if line.strip()),
        "xss_payloads/xss-payload-list.first500.txt",
    )


def gift_examples() -> str:
    """Moodle's example file for its GIFT question format."""
    return text("gift", "moodle-examples.gift.txt")


def open_badge(name) -> dict:
    """One of 1EdTech's Open Badges 3.0 examples (``ob3/<name>``), parsed."""
    return json.loads(text("open_badges", "ob3", name))


def open_badges_schema() -> dict:
    """1EdTech's JSON Schema of an OB 3.0 AchievementCredential, parsed."""
    return json.loads(text("open_badges", "schema", "achievementcredential.json"))


def scorm_package(name) -> Path:
    """A SCORM zip from Rustici's golf samples (``scorm/``)."""
    return path("scorm", name)


def scorm_invalid() -> list[Path]:
    """The packages that must be refused (``scorm/invalid/``)."""
    folder = ROOT / "scorm" / "invalid"
    return non_empty(sorted(folder.glob("*.zip")), "scorm/invalid")
