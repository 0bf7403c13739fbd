"""Benchmark: paper import, streamed export, and the API's signature recording rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_bench .venv/bin/python bench/bench_api.py
    .venv/bin/python bench/bench_api.py --import-rows 200 --export-rows 1000 --api-seconds 0
    .venv/bin/python bench/bench_api.py --import-rows 0 --export-rows 0 --api-seconds 10

1. `paper_import` of --import-rows paper signatures from one CSV file (target: 100,000 < 60 s);
   0 skips it.
2. The host's CSV export of --export-rows confirmed signatures through the export view,
   consumed as a client would (target: 1,000,000 rows < 30 s, < 200 MB peak RSS: the export
   runs in a process of its own, as a web worker serves it, and its peak is that process's
   VmHWM, Django and all); 0 skips it.
   Both use a throwaway test database (test_<name> of DATABASE_URL on
   PostgreSQL, a temporary file for SQLite).
3. The API's signature recording rate, end to end, for --api-seconds (0 skips it), always on
   PostgreSQL and Redis as `bench/run.py` (whose functions it uses): a fresh database
   (BENCH_PG_URL), migrated, with run.py's organization and campaigns and a write API key of the
   host made by `api_key_create` (`groundswell api-key create`'s service); `groundswell serve`
   with its defaults, the worker and the scheduler; API_RATE_LIMIT=0 (the setting as the server
   reads it is printed: 0 turns the per-key limit off). Then wrk, --api-connections connections:
   /healthz, POST /api/v1/petitions/<slug>/signatures with a new address and its own
   Idempotency-Key on every request, /healthz again (the ratios use the mean), and, once the
   server stopped, run.py's raw INSERT ceiling. Acknowledged (2xx) addresses are compared with
   the rows stored: lost = acknowledged and not stored, must be 0. By default every wrk thread
   has one connection (--api-threads = connections), which is how bench/wrk.py knows which
   address a response acknowledged; with fewer threads (e.g. --api-threads 2, the issue's
   `wrk -t2 -c64`) only counts can be compared. Then, for --same-key-seconds, every connection
   POSTs one same request with one same Idempotency-Key: exactly one signature, and one stored
   answer, must result. Exits non-zero when a check fails.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.config.settings")
os.environ.setdefault("API_RATE_LIMIT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import psycopg
from django.utils.crypto import salted_hmac
from run import (
    ROOT,
    SECRET_KEY,
    SLUG,
    base_url,
    create_database,
    drop_database,
    flush_broker,
    free_port,
    prepare,
    progress,
    ratios,
    raw_insert_ceiling,
    server_env,
    start_background,
    start_server,
    stop_background,
    stored_emails,
    wrk_get,
)
from wrk import WrkResult, post_script, run_wrk, signing_script

API_PATH = f"/api/v1/petitions/{SLUG}/signatures"
ACKNOWLEDGED = (200, 201, 202)
SAME_KEY_EMAIL = "same-key@bench.example"
# groundswell.api.idempotency.KEY_HASH_SALT.
IDEMPOTENCY_KEY_HASH_SALT = "groundswell.api.idempotency-key"
# The OSDI body; the address goes between the two halves.
BODY_BEFORE_EMAIL = (
    '{"person": {"given_name": "Api", "family_name": "Signer", "email_addresses": [{"address": "'
)
BODY_AFTER_EMAIL = (
    '"}], "postal_addresses": [{"country": "US", "postal_code": "10001"}]}, "source": "bench"}'
)
# Run in `groundswell shell` on the bench database: the setting as the server reads it, then a
# write key of the host (run.py's "bench" organization), made by the API's own service.
KEY_CODE = (
    "from django.conf import settings\n"
    "from groundswell.accounts.models import Organization\n"
    "from groundswell.api.keys import api_key_create\n"
    "print(settings.API_RATE_LIMIT)\n"
    "print(api_key_create(organization=Organization.objects.get(slug='bench'), name='wrk',"
    " scope='write').secret)\n"
)


def peak_rss_mb(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed_key(env: dict[str, str]) -> tuple[str, str]:
    """(API_RATE_LIMIT as the server will read it, a write key of the host)."""
    completed = subprocess.run(
        [sys.executable, "-m", "groundswell", "shell", "-c", KEY_CODE],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    rate_limit, secret = completed.stdout.split()[-2:]
    return rate_limit, secret


def wrk_api_signing(port: int, key: str, connections: int, threads: int, seconds: float,
                    tag: str) -> WrkResult:  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        script = signing_script(
            path=API_PATH,
            body_before_email=BODY_BEFORE_EMAIL,
            body_after_email=BODY_AFTER_EMAIL,
            tag=tag,
            acknowledged_dir=Path(directory),
            ok_statuses=ACKNOWLEDGED,
            content_type="application/json",
            url_encode_email=False,
            headers={"Authorization": f"Bearer {key}"},
            idempotency_keys=True,
        )
        return run_wrk(base_url(port), script, seconds=seconds, connections=connections,
                       threads=threads, acknowledged_dir=Path(directory))  # fmt: skip


def wrk_same_key(port: int, key: str, connections: int, threads: int, seconds: float,
                 idempotency_key: str) -> WrkResult:  # fmt: skip
    body = BODY_BEFORE_EMAIL + SAME_KEY_EMAIL + BODY_AFTER_EMAIL
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Idempotency-Key": idempotency_key,
    }
    return run_wrk(base_url(port), post_script(API_PATH, body, headers), seconds=seconds,
                   connections=connections, threads=threads)  # fmt: skip


def same_key_state(database_url: str, idempotency_key: str) -> tuple[int, int]:
    """(signatures of the same-key address, stored answers for the key). Only the key's hash is
    stored: made here as groundswell.api.idempotency.idempotency_key_hash makes it, with the
    server's secret (that module needs Django set up on the server's settings)."""
    key_hash = salted_hmac(
        IDEMPOTENCY_KEY_HASH_SALT, idempotency_key, secret=SECRET_KEY, algorithm="sha256"
    ).hexdigest()
    with psycopg.connect(database_url) as db:
        return db.execute(
            "SELECT (SELECT count(*) FROM signatures_signature WHERE email = %s), "
            "(SELECT count(*) FROM api_idempotentrequest WHERE key_hash = %s)",
            (SAME_KEY_EMAIL, key_hash),
        ).fetchone()


def statuses_text(result: WrkResult) -> str:
    return f"statuses {dict(sorted(result.statuses.items()))} wrk errors {result.errors}"


def api_bench(seconds: float, connections: int, threads: int, same_key_seconds: float,
              keep_database: bool) -> bool:  # fmt: skip
    """The API's recording rate against /healthz and the INSERT ceiling; True if every check
    passed."""
    exact = threads == connections
    database_url = create_database()
    env = server_env(database_url)
    env["API_RATE_LIMIT"] = "0"
    server = None
    background: list[subprocess.Popen] = []
    same_key = None
    try:
        prepare(env)
        rate_limit, key = seed_key(env)
        flush_broker()
        port = free_port()
        server = start_server(env, port)
        log = (ROOT / "var" / "bench" / f"server-{port}.log").read_text().splitlines()
        serving = next((line for line in log if line.startswith("Serving")), "")
        # As run.py: the worker sends the confirmation e-mails, the scheduler publishes counts.
        background = start_background(env)
        time.sleep(6)  # let them start before measuring anything
        wrk_get(port, "/healthz", 2, 8)  # warm-up
        progress(serving)
        trivial = wrk_get(port, "/healthz", seconds, connections)
        progress("API signing")
        tag = f"a{int(time.time()) % 1_000_000}"
        api = wrk_api_signing(port, key, connections, threads, seconds, tag)
        time.sleep(2)  # the requests wrk cut off at its end finish on the server
        stored = stored_emails(database_url, tag)
        if same_key_seconds > 0:
            progress("one Idempotency-Key from every connection")
            idempotency_key = f"same-{tag}"
            same_key = wrk_same_key(port, key, connections, min(threads, connections),
                                    same_key_seconds, idempotency_key)  # fmt: skip
            same_key_rows, same_key_answers = same_key_state(database_url, idempotency_key)
        trivial_after = wrk_get(port, "/healthz", seconds, connections)
        server.terminate()
        server.wait(timeout=30)
        server = None
        stop_background(background)
        background = []
        progress("raw INSERT ceiling")
        raw = raw_insert_ceiling(database_url, seconds)
    finally:
        if server is not None:
            server.kill()
        stop_background(background)
        if not keep_database:
            drop_database(database_url)

    healthz = (trivial.per_second() + trivial_after.per_second()) / 2
    answered = sum(n for status, n in api.statuses.items() if status in ACKNOWLEDGED)
    rate = answered / api.seconds
    server_errors = sum(n for status, n in api.statuses.items() if status >= 500)
    limited = api.statuses.get(429, 0)
    if exact:
        lost, extra = len(api.acknowledged - stored), len(stored - api.acknowledged)
        accounting = (
            f"acknowledged {len(api.acknowledged)} stored {len(stored)} lost {lost} extra "
            f"{extra} (stored, never answered: requests in flight when wrk stopped)"
        )
        ok = lost == 0 and extra <= connections and len(api.acknowledged) == answered
    else:
        lost, extra = max(answered - len(stored), 0), max(len(stored) - answered, 0)
        accounting = (
            f"acknowledged {answered} stored {len(stored)} lost >= {lost} extra {extra} "
            f"(counts only: {threads} wrk threads for {connections} connections cannot say "
            "which address a response acknowledged)"
        )
        ok = lost == 0 and extra <= connections
    ok = ok and server_errors == 0 and limited == 0 and rate_limit == "0"
    lines = [
        f"# API: wrk, {connections} connections, {threads} threads, {seconds:.0f} s per run; "
        f"{serving}; API_RATE_LIMIT={rate_limit} as the server reads it (0: no per-key limit)",
        f"baseline.trivial_view_rps {healthz:.0f} (mean of {trivial.per_second():.0f} before "
        f"and {trivial_after.per_second():.0f} after the API; p99 "
        f"{trivial.latency_ms['p99']:.1f} / {trivial_after.latency_ms['p99']:.1f} ms)",
        f"baseline.raw_insert_rows_per_s {raw:.0f} (psycopg, 4 connections, autocommit, "
        "single-row durable INSERT)",
        f"api.signatures_per_s {rate:.0f} ({ratios(rate, raw, healthz)}); each POST with a new "
        "address and its own Idempotency-Key, answered 202 pending confirmation",
        f"api.p50_ms {api.latency_ms['p50']:.1f} p90 {api.latency_ms['p90']:.1f} p99 "
        f"{api.latency_ms['p99']:.1f} max {api.latency_ms['max']:.1f}",
        f"api.check {accounting}; {statuses_text(api)}",
    ]
    if same_key is not None:
        lines.append(
            f"api.same_key {same_key.requests} POSTs with one Idempotency-Key in "
            f"{same_key.seconds:.1f} s ({same_key.per_second():.0f}/s, p99 "
            f"{same_key.latency_ms['p99']:.1f} ms): signatures stored {same_key_rows} "
            f"(must be 1), stored answers {same_key_answers} (must be 1); {statuses_text(same_key)}"
        )
        ok = ok and same_key_rows == 1 and same_key_answers == 1
        ok = ok and not any(status >= 500 for status in same_key.statuses)
    for line in lines:
        print(line, flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--import-rows", type=int, default=100_000, help="0 skips the import")
    parser.add_argument("--export-rows", type=int, default=1_000_000, help="0 skips the export")
    parser.add_argument("--api-seconds", type=float, default=30, help="0 skips the API")
    parser.add_argument("--api-connections", type=int, default=64)
    parser.add_argument(
        "--api-threads", type=int, default=None, help="wrk threads; default: one per connection"
    )
    parser.add_argument("--same-key-seconds", type=float, default=5, help="0 skips it")
    parser.add_argument("--keep-database", action="store_true", help="the API's database")
    parser.add_argument("--export-child", nargs=2, metavar=("SLUG", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_in_this_process(*args.export_child)
        return 0
    ok = True
    if args.import_rows > 0 or args.export_rows > 0:
        paper_and_export(args.import_rows, args.export_rows)
    if args.api_seconds > 0:
        threads = args.api_threads or args.api_connections
        ok = api_bench(args.api_seconds, args.api_connections, threads, args.same_key_seconds,
                       args.keep_database)  # fmt: skip
    return 0 if ok else 1


def paper_and_export(import_rows: int, export_rows: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from groundswell.accounts.models import Membership, Organization, Role, User
    from groundswell.campaigns.models import Campaign, CampaignStatus
    from groundswell.campaigns.services import campaign_create
    from groundswell.core.email_keys import email_key
    from groundswell.signatures.models import Signature, new_public_id
    from groundswell.signatures.services import paper as paper_module

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the log and mail are the worker's, not timed here
    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        temporary = Path(tempfile.mkdtemp()) / "bench_api.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(temporary)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        host = Organization.objects.create(name="Bench host", slug="bench-host")
        owner = User.objects.create_user("bench-owner", password="x")
        Membership.objects.create(user=owner, organization=host, role=Role.OWNER)
        data = {"slug": "bench", "title": "Bench", "ask": "Bench.", "target_name": "T", "goal": 1}
        campaign = campaign_create(organization=host, data=data)
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
        campaign.refresh_from_db()
        print(f"# {connection.vendor}, import {import_rows} rows, export {export_rows}")

        # 1. Paper import.
        imported = 0
        if import_rows > 0:
            lines = ["name,email,country,postal_code"]
            lines += [
                f"Paper Signer {n},paper{n}@example.org,GB,N1 9GU" for n in range(import_rows)
            ]
            started = time.perf_counter()
            report = paper_module.paper_import(
                campaign=campaign, data="\n".join(lines).encode(), label="bench"
            )
            elapsed = time.perf_counter() - started
            imported = report.created
            print(
                f"paper import       {imported:9d} rows in {elapsed:7.2f} s "
                f"({imported / max(elapsed, 1e-9):8.0f} rows/s; errors {len(report.errors)})"
            )
        if export_rows <= 0:
            return

        # 2. Streamed export (seeded in bulk: what is timed is the export only).
        now = timezone.now()
        remaining = max(export_rows - imported, 0)
        batch = 10_000
        for start in range(0, remaining, batch):
            rows = [
                Signature(
                    campaign=campaign,
                    public_id=new_public_id(),
                    name=f"Online Signer {n}",
                    email=f"online{n}@example.org",
                    email_key=email_key(f"online{n}@example.org"),
                    country="FR",
                    postal_code="75011",
                    created_at=now,
                    confirmed_at=now,
                )
                for n in range(start, min(start + batch, remaining))
            ]
            Signature.objects.bulk_create(rows, batch_size=batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # In a process of its own, as a web worker would serve it: this one holds what seeding
        # a million rows left behind.
        url = (
            f"sqlite:///{connection.settings_dict['NAME']}"
            if connection.vendor == "sqlite"
            else os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            + "/"
            + connection.settings_dict["NAME"]
        )
        subprocess.run(
            [sys.executable, __file__, "--export-child", campaign.slug, owner.username],
            env={**os.environ, "DATABASE_URL": url},
            check=True,
        )

    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temporary}{suffix}").unlink(missing_ok=True)
            temporary.parent.rmdir()


def export_in_this_process(slug: str, username: str) -> None:
    """The host's CSV export of `slug` through the export view, consumed as a client would;
    prints its time and this process's peak RSS (the whole process: Django and all)."""
    import django

    django.setup()
    from django.test import Client

    from groundswell.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    started = time.perf_counter()
    response = client.get(f"/organizer/campaigns/{slug}/export.csv")
    lines_out = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    print(
        f"streamed export    {lines_out - 1:9d} rows in {elapsed:7.2f} s, "
        f"{peak_rss_mb():6.0f} MB peak RSS of the process serving it"
    )


if __name__ == "__main__":
    sys.exit(main())
