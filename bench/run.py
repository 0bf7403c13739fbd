"""`make bench`: the signing path under load, against PostgreSQL, with same-run baselines.

Starts `groundswell serve` (gunicorn) on a fresh PostgreSQL database and Redis, then measures, each
for the same time and number of clients:
  1. a trivial Django view (GET /healthz): the ceiling of the web stack itself;
  2. the signing POST: signatures/s and p50/p99 latency, then checks that the database holds
     exactly the acknowledged signatures (no more, no fewer);
  3. a raw single-row INSERT ceiling with psycopg at 4 connections.
Figures are printed one per line with ratios, and written to bench/results/signing.json.
"""

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import get_request, post_form_request, run_load

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
HOST = "127.0.0.1"
SLUG = "bench-petition"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def create_database() -> str:
    name = f"groundswell_bench_{int(time.time())}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        SECRET_KEY="bench-" + "x" * 50,
        DEBUG="0",
        EMAIL_URL="dummy://",
        SIGNING_RATE_LIMIT_PER_MINUTE="0",
        LOG_LEVEL="WARNING",
        GROUNDSWELL_DATA_DIR=str(ROOT / "var" / "bench"),
    )
    return env


def groundswell(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "groundswell", *args], env=env, check=True, cwd=ROOT)


def prepare(env: dict[str, str]) -> None:
    groundswell(env, "migrate", "--verbosity", "0")
    code = (
        "from groundswell.accounts.models import Organization\n"
        "from groundswell.campaigns.models import Campaign\n"
        "from groundswell.campaigns.services import campaign_create, campaign_transition\n"
        "org = Organization.objects.create(name='Bench', slug='bench')\n"
        f"c = campaign_create(organization=org, data=dict(slug='{SLUG}', title='Bench',"
        " ask='Go faster.', target_name='Target', goal=1000000))\n"
        "campaign_transition(campaign=c, action='publish')\n"
    )
    groundswell(env, "shell", "-c", code)


LOG_DIR = ROOT / "var" / "bench"


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    # The server's log goes to a file: an unread pipe fills up and blocks the workers.
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"server-{port}.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "groundswell", "serve", "--bind", f"{HOST}:{port}",
         "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_path.open("ab"),
    )  # fmt: skip
    for _attempt in range(100):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start; see {log_path}")


def raw_insert_ceiling(database_url: str, seconds: float, connections: int = 4) -> float:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE bench_raw (id bigserial primary key, email text not null, "
            "name text not null, created_at timestamptz not null default now())"
        )
    counts = [0] * connections
    deadline = time.perf_counter() + seconds

    def insert(slot: int) -> None:
        with psycopg.connect(database_url, autocommit=True) as connection:
            while time.perf_counter() < deadline:
                connection.execute(
                    "INSERT INTO bench_raw (email, name) VALUES (%s, %s)",
                    (f"raw{slot}-{counts[slot]}@bench.example", "Raw Insert"),
                )
                counts[slot] += 1

    threads = [threading.Thread(target=insert, args=(slot,)) for slot in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def signing_request(client: int, number: int) -> tuple[bytes, str]:
    email = f"c{client}n{number}@bench.example"
    body = f"name=Bench+Signer&email={email}&country=US&postal_code=10001&source=bench"
    return post_form_request(HOST, f"/p/{SLUG}/sign/", body), email


def stored_emails(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT s.email FROM signatures_signature s JOIN campaigns_campaign c "
            "ON c.id = s.campaign_id WHERE c.slug = %s",
            (SLUG,),
        ).fetchall()
    return {row[0] for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    database_url = create_database()
    env = server_env(database_url)
    server = None
    try:
        prepare(env)
        port = free_port()
        server = start_server(env, port, args.workers)
        healthz = get_request(HOST, "/healthz")
        run_load(
            host=HOST,
            port=port,
            clients=8,
            seconds=2,
            ok_statuses={200},
            make_request=lambda c, n: (healthz, ""),
        )  # fmt: skip  (warm-up)

        trivial = run_load(host=HOST, port=port, clients=args.clients, seconds=args.seconds,
                           ok_statuses={200}, make_request=lambda c, n: (healthz, ""))  # fmt: skip
        signing = run_load(host=HOST, port=port, clients=args.clients, seconds=args.seconds,
                           ok_statuses={302}, make_request=signing_request)  # fmt: skip
        server.terminate()
        server.wait(timeout=30)
        server = None

        acknowledged = set(signing.acknowledged)
        stored = stored_emails(database_url)
        lost = len(acknowledged - stored)
        unacknowledged_but_stored = len(stored - acknowledged)
        raw = raw_insert_ceiling(database_url, args.seconds)
    finally:
        if server is not None:
            server.kill()
        if not args.keep_database:
            drop_database(database_url)

    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
        "clients": args.clients,
        "seconds": args.seconds,
        "gunicorn_workers": args.workers,
        "trivial_view_rps": round(trivial.responses_per_second),
        "trivial_view_p99_ms": round(trivial.percentile_ms(0.99), 1),
        "raw_insert_rows_per_s": round(raw),
        "signing_per_s": round(signing.ok_per_second),
        "signing_p50_ms": round(signing.percentile_ms(0.50), 1),
        "signing_p99_ms": round(signing.percentile_ms(0.99), 1),
        "signing_statuses": signing.statuses,
        "signing_errors": signing.errors,
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "lost": lost,
        "stored_but_not_acknowledged": unacknowledged_but_stored,
    }
    ratio_trivial = figures["signing_per_s"] / max(figures["trivial_view_rps"], 1)
    ratio_raw = figures["signing_per_s"] / max(figures["raw_insert_rows_per_s"], 1)
    print(f"machine {figures['machine']}; {args.clients} clients; {args.seconds:.0f} s per run")
    print(f"baseline.trivial_view_rps {figures['trivial_view_rps']} "
          f"(p99 {figures['trivial_view_p99_ms']} ms)")  # fmt: skip
    print(f"baseline.raw_insert_rows_per_s {figures['raw_insert_rows_per_s']} "
          "(psycopg, 4 connections, autocommit single-row INSERT)")  # fmt: skip
    print(
        f"signing.signatures_per_s {figures['signing_per_s']} "
        f"(ratio to trivial view {ratio_trivial:.2f}, to raw INSERT {ratio_raw:.2f})"
    )
    print(f"signing.p50_ms {figures['signing_p50_ms']}")
    print(f"signing.p99_ms {figures['signing_p99_ms']}")
    print(f"signing.statuses {signing.statuses} errors {signing.errors}")
    print(f"signing.acknowledged {len(acknowledged)} stored {len(stored)} lost {lost} "
          f"stored_but_not_acknowledged {unacknowledged_but_stored}")  # fmt: skip
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "signing.json").write_text(json.dumps(figures, indent=2))
    return 0 if lost == 0 and unacknowledged_but_stored == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
