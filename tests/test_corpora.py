"""The corpus helper (tests/corpora.py): the suite's third-party inputs are in
the repository with their provenance and licence, and a missing or empty
corpus fails the test that reads it instead of letting a loop run zero times."""

import json

import pytest

from tests import corpora

LICENCE_FILES = {"LICENSE", "COPYING"}


def folders():
    return sorted(p for p in corpora.ROOT.iterdir() if p.is_dir())


def test_every_corpus_has_its_provenance_and_licence():
    assert [p.name for p in folders()] == [
        "gift",
        "naughty_strings",
        "open_badges",
        "scorm",
        "xss_payloads",
    ]
    for folder in folders():
        names = {p.name for p in folder.iterdir()}
        assert "PROVENANCE.md" in names, folder
        assert names & LICENCE_FILES, f"{folder} has no licence file"
        provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
        assert "commit" in provenance and "Licence" in provenance, folder


def test_the_corpora_are_read_from_inside_the_repository():
    repository = corpora.ROOT.parents[1]
    assert (repository / "pyproject.toml").is_file()
    assert corpora.path("gift", "moodle-examples.gift.txt").is_relative_to(repository)


def test_the_corpora_have_their_upstream_sizes():
    assert len(corpora.naughty_strings()) == 515
    assert len(corpora.naughty_lines()) == 743  # 742 lines and the final newline
    assert len(corpora.xss_payloads()) == 500
    assert corpora.gift_examples().startswith(
        "//  EXAMPLE QUESTIONS for the GIFT import filter"
    )
    assert corpora.open_badge("simple.json")["type"] == [
        "VerifiableCredential",
        "OpenBadgeCredential",
    ]


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    monkeypatch.setattr(corpora, "ROOT", tmp_path)
    for folder in ("naughty_strings", "xss_payloads", "gift", "open_badges/ob3"):
        (tmp_path / folder).mkdir(parents=True)
    return tmp_path


def test_a_missing_corpus_fails_the_test(fake_root):
    with pytest.raises(pytest.fail.Exception, match="Test corpus missing"):
        corpora.naughty_strings()
    with pytest.raises(pytest.fail.Exception, match="Test corpus missing"):
        corpora.open_badge("simple.json")


@pytest.mark.parametrize(
    "reader, file, content",
    [
        (corpora.naughty_strings, "naughty_strings/blns.json", "[]"),
        (corpora.naughty_strings, "naughty_strings/blns.json", ""),
        (corpora.naughty_lines, "naughty_strings/blns.txt", ""),
        (corpora.xss_payloads, "xss_payloads/xss-payload-list.first500.txt", "\n \n"),
        (corpora.gift_examples, "gift/moodle-examples.gift.txt", " \n"),
    ],
)
def test_an_empty_corpus_fails_the_test(fake_root, reader, file, content):
    (fake_root / file).write_text(content, encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="is empty"):
        reader()


def test_a_loop_over_an_empty_corpus_cannot_pass(fake_root):
    (fake_root / "naughty_strings" / "blns.json").write_text(json.dumps([]))

    def a_test_that_loops():
        for value in corpora.naughty_strings():
            assert value is not None

    with pytest.raises(pytest.fail.Exception):
        a_test_that_loops()
