"""What a load balancer or monitor needs to know: can this app server answer requests?"""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

_migrated = False


def problems():
    """Reasons this server cannot serve, each naming the part that failed; empty when healthy."""
    global _migrated
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as e:
        return [f"database unreachable: {type(e).__name__}"]
    if not _migrated:
        # Applied migrations stay applied while this code runs, so the check is made until it passes once.
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as e:
            return [f"migrations unreadable: {type(e).__name__}"]
        if pending:
            return [f"{len(pending)} migration(s) not applied: run `tongxing migrate`"]
        _migrated = True
    return []
