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
    """Run one hot statement as a server-side prepared statement (PostgreSQL), first row back.

    Django binds parameters on the client, so PostgreSQL parses and plans every statement anew;
    on a persistent connection the few statements run on every signature are prepared once and
    then only executed. A connection closed after each request (`DATABASE_CONN_MAX_AGE=0`, as
    behind PgBouncer) would pay a round trip to prepare each time, so there they are not.
    Errors are Django's, as from any cursor. The statement does not pass through Django's
    cursor wrappers, so it is not in `connection.queries`.
    """
    prepare = connection.settings_dict.get("CONN_MAX_AGE") != 0
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=prepare)
        return cursor.fetchone()
