"""Who trained whom: generations, reach per generation (computed by hand
below), cycles refused, and a constant number of queries."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from trainers import factories, lineage
from trainers.models import CascadeSession, Participant, TrainerProfile

pytestmark = pytest.mark.django_db

Level = TrainerProfile.Level
S = CascadeSession.Status


def held(course, lead, region, count, women, status=S.HELD):
    session = factories.session(course, lead, status=status, region=region)
    factories.participants(session, count, women=women)
    return session


@pytest.fixture
def tree(course):
    """Five generations, A → (B, C) → D → E → F, and G, another root.

    Sessions that do not count: scheduled, draft and cancelled ones, and
    people on the waiting list or who cancelled.
    """
    a = factories.trainer("a@example.org", Level.MASTER, full_name="A Aminata")
    g = factories.trainer("g@example.org", Level.CERTIFIED, full_name="G Gaoussou")
    s1 = held(course, a, "ML-1", 10, 6)  # 10 registered, 6 women
    factories.participants(s1, 2, women=2, state=Participant.State.WAITLISTED)
    factories.participants(s1, 1, women=1, state=Participant.State.CANCELLED)
    s1b = held(course, a, "ML-2", 4, 1, status=S.VALIDATED)
    held(course, a, "ML-8", 5, 5, status=S.SCHEDULED)  # not yet held
    held(course, a, "ML-8", 3, 3, status=S.CANCELLED)
    held(course, g, "ML-2", 3, 3, status=S.REPORTED)

    b = factories.trainer("b@example.org", trained_in=s1, full_name="B Boubacar")
    c = factories.trainer("c@example.org", trained_in=s1b, full_name="C Coumba")
    s2 = held(course, b, "ML-3", 8, 4, status=S.REPORTED)
    held(course, c, "ML-1", 5, 0)

    d = factories.trainer("d@example.org", trained_in=s2, full_name="D Dramane")
    s4 = held(course, d, "ML-4", 6, 3, status=S.VALIDATED)

    e = factories.trainer("e@example.org", trained_in=s4, full_name="E Fatou")
    s5 = held(course, e, "ML-5", 2, 2)

    f = factories.trainer("f@example.org", trained_in=s5, full_name="F Fanta")
    held(course, f, "ML-6", 7, 7, status=S.DRAFT)  # a draft counts for nothing
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}


def summary(cascade):
    return [
        (
            gen.generation,
            gen.trainers,
            gen.sessions,
            gen.participants,
            gen.women,
            gen.women_share,
            [region.code for region in gen.regions],
        )
        for gen in cascade.generations
    ]


def test_generations(tree):
    gens = lineage.generations()
    expected = {"a": 1, "g": 1, "b": 2, "c": 2, "d": 3, "e": 4, "f": 5}
    assert {k: gens[tree[k].pk] for k in expected} == expected
    assert {k: lineage.generation_of(tree[k].pk) for k in expected} == expected
    assert set(lineage.descendants(tree["b"].pk)) == {
        tree[k].pk for k in ("b", "d", "e", "f")
    }
    assert lineage.descendants(tree["b"].pk)[tree["f"].pk] == 3


def test_reach_of_the_whole_programme(tree):
    cascade = lineage.cascade()
    assert summary(cascade) == [
        # A: 10 (6 women, Kayes) + 4 (1, Koulikoro); G: 3 (3, Koulikoro)
        (1, 2, 3, 17, 10, 59, ["ML-1", "ML-2"]),
        # B: 8 (4, Sikasso); C: 5 (0, Kayes) — 4/13 = 30.8 %
        (2, 2, 2, 13, 4, 31, ["ML-1", "ML-3"]),
        (3, 1, 1, 6, 3, 50, ["ML-4"]),
        (4, 1, 1, 2, 2, 100, ["ML-5"]),
        (5, 1, 0, 0, 0, None, []),
    ]
    assert (cascade.direct, cascade.indirect, cascade.total) == (17, 21, 38)
    names = [
        (row["user"].full_name, row["indent"], row["generation"])
        for row in cascade.tree
    ]
    assert names == [
        ("A Aminata", 0, 1),
        ("B Boubacar", 1, 2),
        ("D Dramane", 2, 3),
        ("E Fatou", 3, 4),
        ("F Fanta", 4, 5),
        ("C Coumba", 1, 2),
        ("G Gaoussou", 0, 1),
    ]


def test_reach_below_a_second_generation_trainer(tree):
    cascade = lineage.cascade(tree["b"])
    assert summary(cascade) == [
        (2, 1, 1, 8, 4, 50, ["ML-3"]),
        (3, 1, 1, 6, 3, 50, ["ML-4"]),
        (4, 1, 1, 2, 2, 100, ["ML-5"]),
        (5, 1, 0, 0, 0, None, []),
    ]
    assert (cascade.direct, cascade.indirect, cascade.total) == (8, 8, 16)
    assert [(row["user"].full_name, row["indent"]) for row in cascade.tree] == [
        ("B Boubacar", 0),
        ("D Dramane", 1),
        ("E Fatou", 2),
        ("F Fanta", 3),
    ]


def test_only_held_sessions_and_registered_people_count(tree, course):
    before = lineage.cascade(tree["f"])
    assert (before.total, before.generations[0].sessions) == (0, 0)
    draft = CascadeSession.objects.get(lead_trainer=tree["f"])
    for status in (S.SCHEDULED, S.CANCELLED):
        CascadeSession.objects.filter(pk=draft.pk).update(status=status)
        assert lineage.cascade(tree["f"]).total == 0
    for status in (S.HELD, S.REPORTED, S.VALIDATED):
        CascadeSession.objects.filter(pk=draft.pk).update(status=status)
        reach = lineage.cascade(tree["f"])
        assert (reach.total, reach.generations[0].women) == (7, 7)
    Participant.objects.filter(session=draft).exclude(
        pk__in=Participant.objects.filter(session=draft).values("pk")[:2]
    ).update(state=Participant.State.WAITLISTED)
    assert lineage.cascade(tree["f"]).total == 2
    # A held session without anybody registered still counts as a session.
    Participant.objects.filter(session=draft).update(state=Participant.State.CANCELLED)
    reach = lineage.cascade(tree["f"])
    assert (reach.total, reach.generations[0].sessions) == (0, 1)
    assert [r.code for r in reach.generations[0].regions] == ["ML-6"]


def test_cycles_are_refused(course):
    a = factories.trainer("cycle-a@example.org")
    sa = factories.session(course, a, status=S.HELD)
    b = factories.trainer("cycle-b@example.org", trained_in=sa)
    sb = factories.session(course, b, status=S.HELD)
    c = factories.trainer("cycle-c@example.org", trained_in=sb)
    sc = factories.session(course, c, status=S.HELD)
    profile_a = a.trainer_profile
    with pytest.raises(ValidationError):
        lineage.set_trained_in(profile_a, sc)  # c trained a: a → b → c → a
    with pytest.raises(ValidationError):
        lineage.set_trained_in(profile_a, sa)  # a session one led oneself
    profile_a.refresh_from_db()
    assert profile_a.trained_in is None
    assert lineage.generation_of(c.pk) == 3
    # The other way round is fine, and so is going back to generation 1.
    outsider = factories.trainer("cycle-d@example.org")
    sd = factories.session(course, outsider, status=S.HELD)
    lineage.set_trained_in(profile_a, sd)
    assert lineage.generation_of(c.pk) == 4
    lineage.set_trained_in(profile_a, None)
    assert lineage.generation_of(c.pk) == 3


def build_chain(course, prefix, generations, per_generation):
    """``generations`` levels of ``per_generation`` trainers, each with a
    held session of three people."""
    parents = [None]
    for gen in range(generations):
        level = []
        for i in range(per_generation):
            parent_session = parents[i % len(parents)]
            user = factories.trainer(
                f"{prefix}-{gen}-{i}@example.org", trained_in=parent_session
            )
            session = held(course, user, f"ML-{1 + (gen + i) % 10}", 3, 1)
            level.append(session)
        parents = level
    return CascadeSession.objects.filter(
        lead_trainer__email__startswith=f"{prefix}-0-"
    ).first()


def test_cascade_queries_are_constant(course):
    small_root = build_chain(course, "small", 2, 1)
    with CaptureQueriesContext(connection) as small_all:
        lineage.cascade()
    with CaptureQueriesContext(connection) as small_one:
        lineage.cascade(small_root.lead_trainer)
    big_root = build_chain(course, "big", 6, 4)
    with CaptureQueriesContext(connection) as big_all:
        whole = lineage.cascade()
    with CaptureQueriesContext(connection) as big_one:
        branch = lineage.cascade(big_root.lead_trainer)
    assert len(whole.tree) == 2 + 24
    assert len(branch.generations) == 6
    assert len(big_all.captured_queries) == len(small_all.captured_queries)
    assert len(big_one.captured_queries) == len(small_one.captured_queries)
    assert len(big_all.captured_queries) <= 6
