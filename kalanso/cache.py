"""A cache that every process shares without Redis: Django's database cache,
with an increment that cannot lose a count.

Rate limits (kalanso/ratelimit.py) count here when REDIS_URL is not set, so
that several gunicorn workers (or ``runserver`` beside a management command)
count together. Django's ``DatabaseCache.incr`` reads, adds and writes back:
two processes incrementing at once could both write the same value. Here the
read and the write happen in one transaction that holds the entry (``SELECT
... FOR UPDATE`` where the database has it; SQLite's IMMEDIATE transactions,
see settings, take the write lock at their start).

The table is created by the ``accounts`` migration ``0005`` (``migrate`` is
enough), or by ``manage.py createcachetable``.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction

TABLE = "kalanso_shared_cache"


class SharedCounterCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 - table name from settings
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta=delta, version=version)
