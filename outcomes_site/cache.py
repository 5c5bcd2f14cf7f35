"""The shared cache where no Redis is configured: Django's database cache, with an atomic ``incr``.

The stock database cache increments by reading the value and writing it back, so two workers
counting at once both write the same number and one request goes uncounted: the API rate limit
let more through than its limit. Here the row is locked first (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's transactions here begin ``IMMEDIATE`` and so already run one at a time).
Its table (``outcomes_cache``, named in settings) is created by the migration
``outcomes_site/migrations/0001_cache_table.py``.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class LockingDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                # The table's name is configuration, quoted; the key is a bound parameter.
                sql = f"SELECT 1 FROM {table} WHERE cache_key = %s FOR UPDATE"  # noqa: S608  # nosec B608
                with connection.cursor() as cursor:
                    cursor.execute(sql, [self.make_and_validate_key(key, version=version)])
            return super().incr(key, delta, version)
