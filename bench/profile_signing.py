"""What one signature and one confirmation cost PostgreSQL, in figures that do not depend on how
busy the machine is: statements, round trips, buffers, WAL bytes.

    python bench/profile_signing.py                      # 100,000 rows seeded, 1,000 of each
    python bench/profile_signing.py --seed 1000 --requests 50   # a quick check

On a fresh PostgreSQL database (BENCH_PG_URL) with a campaign holding `--seed` signatures (half
confirmed), it signs `--requests` times and confirms as many through Django's test client, in
this process, with the settings of production behind a broker (the e-mail is left to the outbox
drain; the campaign is cached per process, so requests are counted in their steady state), and
prints for each path:
  - every SQL statement of one request, with its round trips (statements, BEGIN, COMMIT) and
    the Redis round trips (rate limit, count publishing), and the spread over all requests;
  - EXPLAIN (ANALYZE, BUFFERS, WAL) of each statement of that request, run just before it on a
    second connection in a transaction rolled back: buffers hit/read/dirtied, WAL records, full
    page images and bytes of that statement alone (no other session's WAL in it);
  - WAL bytes per request from pg_current_wal_lsn() over all the requests (this includes any
    other session's WAL on a shared server: read the EXPLAIN figures first, this one is the
    upper bound) and from pg_stat_wal (records and full page images);
  - the indexes of the tables written, with their size and how often queries used them
    (pg_stat_user_indexes, reset before the run): an index never scanned by any query, on a
    table written on every signature, costs WAL for nothing.
Record before/after of a change by running it on both commits.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SLUG = "profile-petition"
WRITTEN_TABLES = (
    "signatures_signature",
    "core_outboundemail",
    "signatures_tally",
    "coalitions_consent",
    "coalitions_partnerreferral",
)


def create_database() -> str:
    name = f"groundswell_profile_{int(time.time())}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def configure(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="groundswell.config.settings",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        # A broker (never reached here: nothing is sent to it on these paths but the e-mail,
        # which the outbox drain sends) so that the paths are production's, not eager ones.
        CELERY_BROKER_URL="memory://",
        SECRET_KEY="profile-" + "x" * 50,
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        SIGNING_CAMPAIGN_CACHE_SECONDS="3600",
        GROUNDSWELL_DATA_DIR=str(ROOT / "var" / "profile"),
    )
    import django

    django.setup()


@dataclass
class Statement:
    sql: str
    params: tuple
    begin_before: bool
    explained: dict | None = None


@dataclass
class RequestTrace:
    statements: list[Statement] = field(default_factory=list)
    commits: int = 0
    rollbacks: int = 0
    redis_round_trips: int = 0

    @property
    def round_trips(self) -> int:
        begins = sum(statement.begin_before for statement in self.statements)
        return len(self.statements) + begins + self.commits + self.rollbacks


class Tracer:
    """Records every statement of the default connection (execute_wrapper: Django's cursors
    and groundswell.core.databases.fetchone_prepared), the transactions, and Redis sends."""

    def __init__(self, explain_on: psycopg.Connection) -> None:
        self.trace: RequestTrace | None = None
        self.explain = False
        self.explain_on = explain_on

    def __call__(self, execute: Callable, sql: str, params: object, many: bool, context: dict):
        from django.db import connection

        if self.trace is not None:
            raw = connection.connection
            begin = (
                not connection.get_autocommit()
                and raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            )
            statement = Statement(sql=sql, params=tuple(params or ()), begin_before=begin)
            if self.explain and sql.lstrip().upper().startswith(
                ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
            ):
                statement.explained = explain(self.explain_on, sql, statement.params)
            self.trace.statements.append(statement)
        return execute(sql, params, many, context)


def explain(side: psycopg.Connection, sql: str, params: tuple) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS, WAL) of `sql`, run and rolled back on another connection."""
    with side.transaction(force_rollback=True), side.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) " + sql, params or None)
        document = cursor.fetchone()[0]
    plan = (document if isinstance(document, list) else json.loads(document))[0]
    top = plan["Plan"]

    def relations(node: dict) -> set[str]:
        found = {node["Relation Name"]} if node.get("Node Type") == "ModifyTable" else set()
        for child in node.get("Plans", []):
            found |= relations(child)
        return found

    return {
        "planning_ms": plan.get("Planning Time", 0.0),
        "execution_ms": plan.get("Execution Time", 0.0),
        "hit": top.get("Shared Hit Blocks", 0)
        + plan.get("Planning", {}).get("Shared Hit Blocks", 0),
        "read": top.get("Shared Read Blocks", 0),
        "dirtied": top.get("Shared Dirtied Blocks", 0),
        "written": top.get("Shared Written Blocks", 0),
        "wal_records": top.get("WAL Records", 0),
        "wal_fpi": top.get("WAL FPI", 0),
        "wal_bytes": top.get("WAL Bytes", 0),
        "writes_to": sorted(relations(top)),
    }


def wal_position(side: psycopg.Connection) -> tuple[str, int, int, int]:
    lsn = side.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    records, fpi, total = side.execute(
        "SELECT wal_records, wal_fpi, wal_bytes::bigint FROM pg_stat_wal"
    ).fetchone()
    return lsn, records, fpi, total


def wal_since(side: psycopg.Connection, before: tuple[str, int, int, int]) -> dict[str, int]:
    lsn, records, fpi, total = wal_position(side)
    diff = side.execute(
        "SELECT pg_wal_lsn_diff(%s::pg_lsn, %s::pg_lsn)::bigint", (lsn, before[0])
    ).fetchone()[0]
    return {
        "lsn_bytes": diff,
        "stat_records": records - before[1],
        "stat_fpi": fpi - before[2],
        "stat_bytes": total - before[3],
    }


def seed(database_url: str, campaign_id: int, count: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute(
            "INSERT INTO signatures_signature (campaign_id, public_id, name, email, email_key, "
            "country, postal_code, comment, show_name, source, created_at, confirmed_at, "
            "notified_at, text_version, told_of_version, referral_count, gave_consent) "
            "SELECT %s, 'seed' || n, 'Signer ' || n, 'seed' || n || '@example.org', "
            "'seed' || n || '@example.org', 'US', '10001', '', n %% 3 = 0, '', "
            "now() - (n || ' seconds')::interval, "
            "CASE WHEN n %% 2 = 0 THEN now() - (n || ' seconds')::interval END, now(), 1, 1, 0, "
            "false FROM generate_series(1, %s) n",
            (campaign_id, count),
        )
        db.execute("VACUUM ANALYZE")
        db.execute("CHECKPOINT")


def shorten(sql: str, width: int = 160) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def report(
    label: str,
    traces: list[RequestTrace],
    explained: RequestTrace,
    wal: dict[str, int],
    requests: int,
) -> dict:
    print(f"\n=== {label}: {requests} requests")
    counts = [len(t.statements) for t in traces]
    trips = [t.round_trips for t in traces]
    redis = [t.redis_round_trips for t in traces]
    print(
        f"statements per request: median {statistics.median(counts)}, min {min(counts)}, "
        f"max {max(counts)}"
    )
    print(
        f"database round trips per request (statements + BEGIN + COMMIT/ROLLBACK): median "
        f"{statistics.median(trips)}, max {max(trips)}"
    )
    print(f"Redis round trips per request: median {statistics.median(redis)}, max {max(redis)}")
    print("statements of one request, each with EXPLAIN (ANALYZE, BUFFERS, WAL):")
    totals = {"hit": 0, "read": 0, "dirtied": 0, "wal_records": 0, "wal_fpi": 0, "wal_bytes": 0}
    for number, statement in enumerate(explained.statements, 1):
        begin = " [BEGIN before it]" if statement.begin_before else ""
        print(f"  {number}. {shorten(statement.sql)}{begin}")
        if statement.explained:
            e = statement.explained
            print(
                f"     writes {', '.join(e['writes_to']) or 'nothing'}; buffers hit {e['hit']} "
                f"read {e['read']} dirtied {e['dirtied']}; WAL {e['wal_records']} records, "
                f"{e['wal_fpi']} full pages, {e['wal_bytes']} bytes; execution "
                f"{e['execution_ms']:.2f} ms"
            )
            for key in totals:
                totals[key] += e[key]
    print(f"  transactions: {explained.commits} COMMIT, {explained.rollbacks} ROLLBACK")
    print(
        f"  sum over the statements: buffers hit {totals['hit']} read {totals['read']} "
        f"dirtied {totals['dirtied']}; WAL {totals['wal_records']} records, {totals['wal_fpi']} "
        f"full pages, {totals['wal_bytes']} bytes (EXPLAIN's own figure: this session only)"
    )
    print(
        f"WAL per request over the {requests} requests: "
        f"{wal['lsn_bytes'] / requests:.0f} bytes by pg_current_wal_lsn(), "
        f"{wal['stat_records'] / requests:.1f} records and {wal['stat_fpi'] / requests:.2f} full "
        f"page images by pg_stat_wal (the whole server: other sessions' WAL included)"
    )
    return {
        "statements_median": statistics.median(counts),
        "round_trips_median": statistics.median(trips),
        "redis_round_trips_median": statistics.median(redis),
        "statements": [shorten(s.sql) for s in explained.statements],
        "explain_totals": totals,
        "wal_bytes_per_request_lsn": round(wal["lsn_bytes"] / requests),
        "wal_records_per_request": round(wal["stat_records"] / requests, 2),
    }


def index_usage(side: psycopg.Connection) -> list[tuple]:
    return side.execute(
        "SELECT s.relname, s.indexrelname, s.idx_scan, pg_relation_size(s.indexrelid) "
        "FROM pg_stat_user_indexes s WHERE s.relname = ANY(%s) ORDER BY s.relname, "
        "s.indexrelname",
        (list(WRITTEN_TABLES),),
    ).fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=100_000, help="signatures already there")
    parser.add_argument("--requests", type=int, default=1000, help="signings, then confirmations")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=30,
        help="SIGNING_RATE_LIMIT_PER_MINUTE (production's default; 0: off)",
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    database_url = create_database()
    try:
        os.environ["SIGNING_RATE_LIMIT_PER_MINUTE"] = str(args.rate_limit)
        configure(database_url)
        return profile(database_url, args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_database:
            drop_database(database_url)


def profile(database_url: str, args: argparse.Namespace) -> int:
    import redis.connection
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from groundswell.accounts.models import Organization
    from groundswell.campaigns.services import campaign_create, campaign_transition
    from groundswell.core.bot_friction import form_issued_token
    from groundswell.signatures.models import Signature
    from groundswell.signatures.services import confirmation_token_make

    call_command("migrate", verbosity=0)
    cache.clear()
    organization = Organization.objects.create(name="Profile", slug="profile")
    campaign = campaign_create(
        organization=organization,
        data={
            "slug": SLUG,
            "title": "Profile petition",
            "ask": "Measure it.",
            "background": "Some background.",
            "target_name": "Target",
            "goal": 1_000_000,
        },
    )
    campaign_transition(campaign=campaign, action="publish")
    seed(database_url, campaign.pk, args.seed)

    side = psycopg.connect(database_url, autocommit=True)
    tracer = Tracer(side)
    connection.ensure_connection()
    raw = connection.connection
    original_commit, original_rollback = raw.commit, raw.rollback

    def commit() -> None:
        if tracer.trace is not None:
            tracer.trace.commits += 1
        original_commit()

    def rollback() -> None:
        if tracer.trace is not None:
            tracer.trace.rollbacks += 1
        original_rollback()

    raw.commit, raw.rollback = commit, rollback  # type: ignore[method-assign]
    original_send = redis.connection.AbstractConnection.send_packed_command

    def send_packed_command(self, command, check_health=True):  # type: ignore[no-untyped-def]
        if tracer.trace is not None:
            tracer.trace.redis_round_trips += 1
        return original_send(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = send_packed_command  # type: ignore[method-assign]

    client = Client(REMOTE_ADDR="203.0.113.7")
    issued = form_issued_token(form="petition", issued_at=time.time() - 600)
    sign_path = f"/p/{SLUG}/sign/"

    def sign(number: int) -> None:
        response = client.post(
            sign_path,
            {
                "name": "Profile Signer",
                "email": f"p{number}@profile.example",
                "country": "US",
                "postal_code": "10001",
                "issued": issued,
            },
            REMOTE_ADDR=f"198.51.{number // 250}.{number % 250 + 1}",
        )
        if response.status_code != 302:
            raise SystemExit(f"signing answered {response.status_code}")

    def run(label: str, do: Callable[[int], None], first: int) -> dict:
        do(first - 1)  # warm: the campaign copy, prepared statements, connections
        side.execute("SELECT pg_stat_reset()")
        traces = []
        with connection.execute_wrapper(tracer):
            before = wal_position(side)
            for number in range(first, first + args.requests):
                tracer.trace = RequestTrace()
                do(number)
                traces.append(tracer.trace)
            wal = wal_since(side, before)
            tracer.trace, tracer.explain = RequestTrace(), True
            do(first + args.requests)
            explained, tracer.trace, tracer.explain = tracer.trace, None, False
        return report(label, traces, explained, wal, args.requests)

    print(
        f"PostgreSQL: {side.execute('SHOW server_version').fetchone()[0]}; {args.seed} "
        f"signatures seeded; signing rate limit {settings.SIGNING_RATE_LIMIT_PER_MINUTE}/min; "
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    figures = {"signing": run("signing", sign, 1)}
    links = {}
    for signature in Signature.objects.filter(email__endswith="@profile.example").only(
        "public_id", "email"
    ):
        number = int(signature.email[1:].split("@")[0])
        links[number] = (
            f"/p/{SLUG}/confirm/{confirmation_token_make(public_id=signature.public_id)}/"
        )

    def confirm(number: int) -> None:
        response = client.post(links[number])
        if response.status_code != 200:
            raise SystemExit(f"confirming answered {response.status_code}")

    figures["confirming"] = run("confirming", confirm, 1)
    print("\n=== indexes of the tables written (scans by queries during the two runs)")
    for table, index, scans, size in index_usage(side):
        print(f"  {table}.{index}: {scans} scans, {size // 1024} kB")
    side.close()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "profile_signing.json").write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
