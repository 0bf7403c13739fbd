import functools
import time
from collections.abc import Sequence

import psycopg
from django.conf import settings
from django.db import connection


def reporting_database() -> str:
    """Where long reads (exports, delivery packages, reports) go: the replica when there is one.

    A replica lags the primary by a moment; exports tolerate that, the signing path never reads
    from it.
    """
    return "replica" if "replica" in settings.DATABASES else "default"


def fetchone_prepared(sql: str, params: Sequence[object]) -> tuple | None:
    """`fetchall_prepared`'s first row, or None."""
    rows = fetchall_prepared(sql, params)
    return rows[0] if rows else None


def fetchall_prepared(sql: str, params: Sequence[object]) -> list[tuple]:
    """Run one hot statement as a server-side prepared statement (PostgreSQL; elsewhere as any
    statement), its rows back.

    Django binds parameters on the client, so PostgreSQL parses and plans every statement anew;
    on a persistent connection the few statements run on every signature are prepared once and
    then only executed. A connection closed after each request (`DATABASE_CONN_MAX_AGE=0`, as
    behind PgBouncer) would pay a round trip to prepare each time, so there they are not.
    Errors are Django's, as from any cursor. The statement does not pass through Django's
    cursor wrappers, but whoever watches the queries still sees it: it goes through
    `connection.execute_wrapper`s and, when queries are logged (DEBUG, `assertNumQueries`,
    `django_assert_num_queries`), into `connection.queries`, so tests can pin how many
    statements a request takes.
    """
    if connection.vendor != "postgresql":
        # Other databases (SQLite in development) have no server-side preparation to gain.
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))  # type: ignore[arg-type]
            return cursor.fetchall()
    prepare = connection.settings_dict.get("CONN_MAX_AGE") != 0
    connection.ensure_connection()

    def execute(sql: str, params: Sequence[object], many: bool, context: dict) -> list[tuple]:
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=prepare)
            return cursor.fetchall()

    if not connection.execute_wrappers and not connection.queries_logged:
        return execute(sql, params, False, {})
    executor = functools.reduce(
        lambda inner, wrapper: functools.partial(wrapper, inner),
        reversed(connection.execute_wrappers),  # the first installed runs outermost, as Django's
        execute,
    )
    started = time.monotonic()
    try:
        return executor(sql, params, False, {"connection": connection, "cursor": None})
    finally:
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": sql, "time": f"{time.monotonic() - started:.3f}", "prepared": prepare}
            )
