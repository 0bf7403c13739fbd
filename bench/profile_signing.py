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
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
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

    def nodes(node: dict):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    # A data-modifying CTE that the final SELECT does not read runs after it, so its buffers
    # are not in the top node's: add them. (Foreign-key checks run as triggers and are in
    # no node; the WAL figures come from pg_waldump instead, see transaction_wal.)
    scanned = {node.get("CTE Name") for node in nodes(top) if node.get("Node Type") == "CTE Scan"}
    counted = [top] + [
        child
        for child in top.get("Plans", [])
        if child.get("Subplan Name", "").startswith("CTE ")
        and child["Subplan Name"].removeprefix("CTE ") not in scanned
    ]

    def total(key: str) -> int:
        return sum(node.get(key, 0) for node in counted)

    return {
        "planning_ms": plan.get("Planning Time", 0.0),
        "execution_ms": plan.get("Execution Time", 0.0),
        "hit": total("Shared Hit Blocks"),
        "read": total("Shared Read Blocks"),
        "dirtied": total("Shared Dirtied Blocks"),
        "written": total("Shared Written Blocks"),
        "writes_to": sorted(
            {n["Relation Name"] for n in nodes(top) if n.get("Node Type") == "ModifyTable"}
        ),
    }


WAL_RECORD = re.compile(r"len \(rec/tot\):\s*(\d+)/\s*(\d+), tx:\s*(\d+), .*?desc: (.*)$")


def wal_dump(side: psycopg.Connection, start: str, end: str) -> list[tuple[int, int, str]]:
    """(transaction id, bytes, description) of every WAL record between two positions, read
    from the server's pg_wal with pg_waldump (this script must run on the database's machine,
    as a user who can read it)."""
    directory = Path(side.execute("SHOW data_directory").fetchone()[0]) / "pg_wal"
    version = side.execute("SHOW server_version_num").fetchone()[0][:2]
    program = shutil.which("pg_waldump") or f"/usr/lib/postgresql/{version}/bin/pg_waldump"
    completed = subprocess.run(
        [program, "--path", str(directory), "--start", start, "--end", end],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        print(f"  (pg_waldump: {completed.stderr.strip()[:200]})", file=sys.stderr)
    records = []
    for line in completed.stdout.splitlines():
        found = WAL_RECORD.search(line)
        if found:
            records.append((int(found.group(3)), int(found.group(2)), found.group(4)))
    return records


def transaction_wal(side: psycopg.Connection, start: str, xids: set[int]) -> dict[str, float]:
    """WAL written by the transactions `xids` since `start`: records, full page images and
    bytes (their commit records included), from the WAL itself: no other session's WAL is in
    these figures, however busy the server."""
    end = side.execute("SELECT pg_current_wal_flush_lsn()::text").fetchone()[0]
    mine = [(nbytes, desc) for xid, nbytes, desc in wal_dump(side, start, end) if xid in xids]
    return {
        "records": len(mine),
        "fpi": sum("FPW" in desc for _b, desc in mine),
        "bytes": sum(nbytes for nbytes, _d in mine),
        "kinds": dict(Counter(desc.split()[0] for _b, desc in mine)),
    }


def wal_position(side: psycopg.Connection) -> tuple[str, int, int, int]:
    lsn = side.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    records, fpi, total = side.execute(
        "SELECT wal_records, wal_fpi, wal_bytes::bigint FROM pg_stat_wal"
    ).fetchone()
    return lsn, records, fpi, total


WAL_BATCH = 50


def insert_position(side: psycopg.Connection) -> str:
    return side.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()[0]


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
    mine: dict,
    one: dict,
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
    totals = {"hit": 0, "read": 0, "dirtied": 0}
    for number, statement in enumerate(explained.statements, 1):
        begin = " [BEGIN before it]" if statement.begin_before else ""
        print(f"  {number}. {shorten(statement.sql)}{begin}")
        if statement.explained:
            e = statement.explained
            print(
                f"     writes {', '.join(e['writes_to']) or 'nothing'}; buffers hit {e['hit']} "
                f"read {e['read']} dirtied {e['dirtied']}; execution {e['execution_ms']:.2f} ms, "
                f"planning {e['planning_ms']:.2f} ms"
            )
            for key in totals:
                totals[key] += e[key]
    print(f"  transactions: {explained.commits} COMMIT, {explained.rollbacks} ROLLBACK")
    print(
        f"  sum over the statements: buffers hit {totals['hit']} read {totals['read']} "
        f"dirtied {totals['dirtied']}"
    )
    print(
        f"  its transaction's WAL (pg_waldump): {one['records']} records, {one['fpi']} full "
        f"page images, {one['bytes']} bytes: {one['kinds']}"
    )
    print(
        f"WAL per request, the requests' own transactions (pg_waldump, commit records "
        f"included): {mine['bytes'] / requests:.0f} bytes, {mine['records'] / requests:.1f} "
        f"records, {mine['fpi'] / requests:.2f} full page images"
    )
    print(
        f"WAL per request, the whole server over the {requests} requests: "
        f"{wal['lsn_bytes'] / requests:.0f} bytes by pg_current_wal_lsn(), "
        f"{wal['stat_records'] / requests:.1f} records and {wal['stat_fpi'] / requests:.2f} full "
        f"page images by pg_stat_wal (the whole server: other sessions' WAL included)"
    )
    return {
        "statements_median": statistics.median(counts),
        "round_trips_median": statistics.median(trips),
        "redis_round_trips_median": statistics.median(redis),
        "statements": [shorten(s.sql) for s in explained.statements],
        "buffers_one_request": totals,
        "wal_one_request": one,
        "wal_bytes_per_request": round(mine["bytes"] / requests),
        "wal_records_per_request": round(mine["records"] / requests, 2),
        "wal_fpi_per_request": round(mine["fpi"] / requests, 3),
        "wal_bytes_per_request_lsn": round(wal["lsn_bytes"] / requests),
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
    from groundswell.coalitions.models import Partner
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
    ally = Organization.objects.create(name="Ally", slug="ally")
    Partner.objects.create(campaign=campaign, organization=ally, slug="ally")
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

    def signer(prefix: str, extra: dict[str, str]) -> Callable[[int], None]:
        def sign(number: int) -> None:
            data = {
                "name": "Profile Signer",
                "email": f"{prefix}{number}@profile.example",
                "country": "US",
                "postal_code": "10001",
                "issued": issued,
                **extra,
            }
            address = f"198.51.{number // 250}.{number % 250 + 1}"
            response = client.post(sign_path, data, REMOTE_ADDR=address)
            if response.status_code != 302:
                raise SystemExit(f"signing answered {response.status_code}")

        return sign

    def xids(prefix: str, numbers: range) -> set[int]:
        """The transactions that last wrote these signatures (signing, then confirming)."""
        emails = [f"{prefix}{number}@profile.example" for number in numbers]
        rows = side.execute(
            "SELECT xmin::text::bigint FROM signatures_signature WHERE email = ANY(%s)", (emails,)
        )
        return {row[0] for row in rows}

    def run(label: str, prefix: str, do: Callable[[int], None], first: int) -> dict:
        do(first - 1)  # warm: the campaign copy, prepared statements, connections
        side.execute("SELECT pg_stat_reset()")
        traces = []
        numbers = range(first, first + args.requests)
        mine: dict = {"records": 0, "fpi": 0, "bytes": 0}
        with connection.execute_wrapper(tracer):
            before = wal_position(side)
            # The WAL is read back every WAL_BATCH requests: a checkpoint (timed, or forced by
            # other sessions' WAL on a shared server) may recycle the segments soon after.
            for batch_start in range(numbers.start, numbers.stop, WAL_BATCH):
                batch = range(batch_start, min(batch_start + WAL_BATCH, numbers.stop))
                start = insert_position(side)
                for number in batch:
                    tracer.trace = RequestTrace()
                    do(number)
                    traces.append(tracer.trace)
                found = transaction_wal(side, start, xids(prefix, batch))
                for key in mine:
                    mine[key] += found[key]
            wal = wal_since(side, before)
            tracer.trace, tracer.explain = RequestTrace(), True
            start = insert_position(side)
            do(numbers.stop)
            one = transaction_wal(side, start, xids(prefix, range(numbers.stop, numbers.stop + 1)))
            explained, tracer.trace, tracer.explain = tracer.trace, None, False
        return report(label, traces, explained, wal, mine, one, args.requests)

    print(
        f"PostgreSQL: {side.execute('SHOW server_version').fetchone()[0]}; {args.seed} "
        f"signatures seeded; signing rate limit {settings.SIGNING_RATE_LIMIT_PER_MINUTE}/min; "
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    through_partner = {"partner": "ally", "contact_host": "on", "contact_partner": "on"}
    figures = {
        "signing": run("signing", "p", signer("p", {}), 1),
        "signing_partner_consents": run(
            "signing through a partner's link, both consents ticked",
            "q",
            signer("q", through_partner),
            1,
        ),
    }
    links = {}
    for signature in Signature.objects.filter(email__endswith="@profile.example").only(
        "public_id", "email"
    ):
        token = confirmation_token_make(public_id=signature.public_id)
        links[signature.email.split("@")[0]] = f"/p/{SLUG}/confirm/{token}/"

    def confirmer(prefix: str) -> Callable[[int], None]:
        def confirm(number: int) -> None:
            response = client.post(links[f"{prefix}{number}"])
            if response.status_code != 200:
                raise SystemExit(f"confirming answered {response.status_code}")

        return confirm

    figures["confirming"] = run("confirming", "p", confirmer("p"), 1)
    figures["confirming_partner_consents"] = run(
        "confirming a signature with a partner and two consents", "q", confirmer("q"), 1
    )
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
