"""The least a Python web tier can do to take a signature: `bench/floor.py` serves this under
granian, as `groundswell serve` serves Groundswell, to measure what any Python signing path
could reach on this machine.

A POST's urlencoded body is parsed by the standard library and its name, e-mail, country and
postal code inserted as one row (one durable commit, a unique e-mail as the only check: a
repeat is simply not stored twice) on the thread's own persistent connection, then answered
with a redirect, as Groundswell answers a signature. Nothing else: no validation, no
confirmation e-mail, no counts, no bot friction, no framework. GET /healthz answers "ok".
"""

import os
import threading
from urllib.parse import parse_qs

import psycopg

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bare_signature (id bigserial PRIMARY KEY, "
    "email text NOT NULL UNIQUE, name text NOT NULL, country text NOT NULL, "
    "postal_code text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)
INSERT_SQL = (
    "INSERT INTO bare_signature (email, name, country, postal_code) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (email) DO NOTHING"
)
_thread = threading.local()


def _connection() -> psycopg.Connection:
    connection = getattr(_thread, "connection", None)
    if connection is None or connection.closed:
        connection = _thread.connection = psycopg.connect(
            os.environ["DATABASE_URL"], autocommit=True
        )
    return connection


def application(environ, start_response):  # type: ignore[no-untyped-def]
    if environ["REQUEST_METHOD"] != "POST":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(length).decode())
    try:
        values = [form[name][0] for name in ("email", "name", "country", "postal_code")]
    except KeyError:
        start_response("400 Bad Request", [("Content-Length", "0")])
        return [b""]
    _connection().execute(INSERT_SQL, values, prepare=True)
    start_response("302 Found", [("Location", "/thanks/"), ("Content-Length", "0")])
    return [b""]
