"""Third-party bad inputs from ../shared/corpora (see each PROVENANCE.md).

A missing corpus fails the test run: these inputs are part of the suite."""

import json
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def _path(*parts):
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.fail(
            f"Test corpus missing: {path} (the repository expects ../shared/corpora)"
        )
    return path


def naughty_strings():
    return json.loads(_path("naughty_strings", "blns.json").read_text(encoding="utf-8"))


def xss_payloads():
    text = _path("xss_payloads", "xss-payload-list.first500.txt").read_text(
        encoding="utf-8"
    )
    return [line for line in text.splitlines() if line.strip()]
