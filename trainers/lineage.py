"""Who trained whom, computed in the database with recursive queries.

A trainer's parent is the lead trainer of the session recorded as
``TrainerProfile.trained_in``; the programme's own trainers (no such session)
are generation 1. The reach of a trainer is everyone who took part in a
session held by the trainer (direct) or by anyone downstream (indirect).

The recursive SQL is plain SQL:1999 (``WITH RECURSIVE``), which both SQLite
and PostgreSQL run. Cycles are refused when a lineage is recorded
(:func:`set_trained_in`); the depth limit only guards against corrupt data.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from kalanso.accounts.models import Region, User

from .models import CascadeSession, Participant, TrainerProfile

MAX_DEPTH = 50
# Key of the PostgreSQL advisory lock that serialises lineage changes.
LINEAGE_LOCK = 0x4B414C31  # "KAL1"
COUNTED_STATUSES = (
    CascadeSession.Status.HELD,
    CascadeSession.Status.REPORTED,
    CascadeSession.Status.VALIDATED,
)


def _tables():
    return {
        "profile": TrainerProfile._meta.db_table,
        "session": CascadeSession._meta.db_table,
        "participant": Participant._meta.db_table,
    }


def _tree_cte(anchor: str) -> str:
    """A CTE ``tree(user_id, parent_id, depth)`` from an anchor SELECT."""
    t = _tables()
    return f"""
        WITH RECURSIVE tree(user_id, parent_id, depth) AS (
            {anchor}
            UNION ALL
            SELECT p.user_id, s.lead_trainer_id, tree.depth + 1
            FROM {t["profile"]} p
            JOIN {t["session"]} s ON p.trained_in_id = s.id
            JOIN tree ON s.lead_trainer_id = tree.user_id
            WHERE tree.depth < {MAX_DEPTH} AND p.user_id <> tree.user_id
        )
    """


def _root_anchor():
    # PostgreSQL types a recursive CTE from its anchor: the casts make the
    # anchor's columns bigint, like the recursive term's (user ids are bigint).
    return (
        f"SELECT user_id, CAST(NULL AS BIGINT), 1 FROM {_tables()['profile']} "
        "WHERE trained_in_id IS NULL"
    )


def _user_anchor():
    return "SELECT CAST(%s AS BIGINT), CAST(NULL AS BIGINT), 0"


def descendants(user_id: int) -> dict[int, int]:
    """Trainers downstream of a user: ``{user_id: depth}`` (the user at 0)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _tree_cte(_user_anchor()) + "SELECT user_id, depth FROM tree", [user_id]
        )
        return {row[0]: row[1] for row in cursor.fetchall()}


def generations() -> dict[int, int]:
    """Every trainer's generation: ``{user_id: generation}``."""
    with connection.cursor() as cursor:
        cursor.execute(_tree_cte(_root_anchor()) + "SELECT user_id, depth FROM tree")
        return {row[0]: row[1] for row in cursor.fetchall()}


def generation_of(user_id: int) -> int | None:
    """A trainer's generation, walking up (a handful of rows)."""
    t = _tables()
    sql = f"""
        WITH RECURSIVE up(user_id, depth) AS (
            SELECT CAST(%s AS BIGINT), 0
            UNION ALL
            SELECT s.lead_trainer_id, up.depth + 1
            FROM up
            JOIN {t["profile"]} p ON p.user_id = up.user_id
            JOIN {t["session"]} s ON p.trained_in_id = s.id
            WHERE up.depth < {MAX_DEPTH}
        )
        SELECT MAX(depth) FROM up
    """
    if not TrainerProfile.objects.filter(user_id=user_id).exists():
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return cursor.fetchone()[0] + 1


@transaction.atomic
def set_trained_in(profile: TrainerProfile, session: CascadeSession | None) -> None:
    """Record the session in which a trainer was trained; refuse cycles.

    Lineage changes are serialised (a transaction-level advisory lock on
    PostgreSQL; SQLite runs write transactions one at a time), so two trainers
    naming each other's sessions at the same moment cannot both pass the cycle
    check."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LINEAGE_LOCK])
    if session is not None:
        if session.lead_trainer_id == profile.user_id:
            raise ValidationError(
                _("You cannot have been trained in a session you led.")
            )
        if session.lead_trainer_id in descendants(profile.user_id):
            raise ValidationError(
                _(
                    "This session's lead trainer was trained, directly or not, "
                    "by this trainer: the cascade cannot go round in a circle."
                )
            )
    profile.trained_in = session
    profile.save(update_fields=["trained_in"])


@dataclass
class GenerationReach:
    generation: int
    trainers: int = 0
    sessions: int = 0
    participants: int = 0
    women: int = 0
    regions: list = field(default_factory=list)

    @property
    def women_share(self):
        return (
            round(100 * self.women / self.participants) if self.participants else None
        )


@dataclass
class Cascade:
    root: User | None
    generations: list[GenerationReach]
    tree: list[dict]  # depth-first rows: user, parent_id, depth, generation

    @property
    def direct(self):
        return self.generations[0].participants if self.generations else 0

    @property
    def indirect(self):
        return sum(g.participants for g in self.generations[1:])

    @property
    def total(self):
        return sum(g.participants for g in self.generations)


def cascade(user: User | None = None) -> Cascade:
    """Reach per generation below a trainer (or the whole programme when
    ``user`` is None), in four queries whatever the size of the cascade.

    Generation numbers are the trainers' generations: participants of a
    generation-1 trainer's sessions are counted at generation 1.
    """
    t = _tables()
    if user is None:
        cte, params, offset = _tree_cte(_root_anchor()), [], 0
    else:
        cte, params = _tree_cte(_user_anchor()), [user.pk]
        offset = generation_of(user.pk) or 1
    statuses = ", ".join(["%s"] * len(COUNTED_STATUSES))
    counted = [*params, Participant.State.REGISTERED, *COUNTED_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(cte + "SELECT user_id, parent_id, depth FROM tree", params)
        nodes = cursor.fetchall()
        cursor.execute(
            cte
            + f"""
            SELECT tree.depth, COUNT(DISTINCT s.id), COUNT(pt.id),
                   SUM(CASE WHEN pt.sex = 'f' THEN 1 ELSE 0 END)
            FROM tree
            JOIN {t["session"]} s ON s.lead_trainer_id = tree.user_id
            LEFT JOIN {t["participant"]} pt
                ON pt.session_id = s.id AND pt.state = %s
            WHERE s.status IN ({statuses})
            GROUP BY tree.depth
            """,
            counted,
        )
        reach = {row[0]: row for row in cursor.fetchall()}
        cursor.execute(
            cte
            + f"""
            SELECT DISTINCT tree.depth, s.region_id
            FROM tree
            JOIN {t["session"]} s ON s.lead_trainer_id = tree.user_id
            WHERE s.status IN ({statuses})
            """,
            [*params, *COUNTED_STATUSES],
        )
        region_rows = cursor.fetchall()
    regions = Region.objects.in_bulk({row[1] for row in region_rows})
    people = User.objects.in_bulk([row[0] for row in nodes])

    by_depth: dict[int, GenerationReach] = {}
    base = 0 if user is None else offset
    for _user, _parent, depth in nodes:
        gen = by_depth.setdefault(depth, GenerationReach(generation=depth + base))
        gen.trainers += 1
    for depth, sessions, participants, women in reach.values():
        gen = by_depth.setdefault(depth, GenerationReach(generation=depth + base))
        gen.sessions, gen.participants, gen.women = sessions, participants, women or 0
    for depth, region_id in region_rows:
        by_depth[depth].regions.append(regions[region_id])
    for gen in by_depth.values():
        gen.regions.sort(key=lambda r: (r.sort_order, r.name))

    children: dict = {}
    for node_user, parent, depth in nodes:
        children.setdefault(parent, []).append((node_user, depth))
    for siblings in children.values():
        siblings.sort(key=lambda item: str(people.get(item[0], "")))
    tree = []

    # Depth first, without recursion; a visited set guards against corrupt
    # data (the cycle check on write keeps the cascade a forest).
    stack = list(reversed(children.get(None, [])))
    seen = set()
    while stack:
        node_user, depth = stack.pop()
        if node_user in seen:
            continue
        seen.add(node_user)
        tree.append(
            {
                "user": people.get(node_user),
                "depth": depth,
                "indent": depth - (1 if user is None else 0),
                "generation": depth + base,
            }
        )
        stack.extend(reversed(children.get(node_user, [])))
    return Cascade(
        root=user,
        generations=[by_depth[d] for d in sorted(by_depth)],
        tree=tree,
    )
