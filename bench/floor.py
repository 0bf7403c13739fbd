"""What any Python web tier could reach here, measured beside Groundswell in the same run.

Issue 19 asks for signing at 0.25 of the raw INSERT ceiling. This runs, one after the other on
one fresh PostgreSQL database, each with wrk at the same connections and for the same time:
  1. the raw INSERT ceiling (`bench/run.py`'s: psycopg, 4 connections, autocommit);
  2. `bench/bare_signing.py` under granian with `groundswell serve`'s own flags and sizing:
     /healthz, then signing (parse the body, one durable INSERT, a redirect);
  3. Groundswell under `groundswell serve`'s defaults, with its worker and scheduler, as
     `make bench` runs it: /healthz, then signing;
and prints each as responses/s, its ratio to the ceiling, and the CPU per request of each kind
of process (`bench/cpu_breakdown.py`). The bare application's ratio is the most any signing
path written in Python and served this way could show on this machine; Groundswell's ratio to
it is what its guarantees cost.

    python bench/floor.py --seconds 60
"""

import argparse
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run
from bare_signing import TABLE_SQL
from cpu_breakdown import measured
from wrk import WrkResult

from groundswell.core.management.commands.serve import APPLICATION, granian_command
from groundswell.core.serving import web_concurrency_from_environment

BENCH = Path(__file__).resolve().parent


def bare_command(port: int) -> list[str]:
    sized = web_concurrency_from_environment()
    command = granian_command(bind=f"{run.HOST}:{port}", workers=sized.workers,
                              threads=sized.threads)  # fmt: skip
    where = command.index(APPLICATION)
    return [*command[:where], "--working-dir", str(BENCH), "bare_signing:application"]


def line(label: str, result: WrkResult, ceiling: float) -> str:
    rate = result.per_second()
    p99 = result.latency_ms["p99"]
    return (
        f"{label}: {rate:,.0f}/s, {rate / ceiling:.3f} of the ceiling, p99 {p99:.0f} ms, "
        f"{result.error_count} errors"
    )


def healthz_then_signing(
    name: str, port: int, seconds: float, clients: int
) -> dict[str, WrkResult]:
    """/healthz (after a short warm-up), then signing, each with its CPU per request."""
    run.wrk_get(port, "/healthz", 2, 8)
    healthz = measured(f"{name} /healthz", lambda: run.wrk_get(port, "/healthz", seconds, clients))
    tag = name.lower()
    signing = measured(f"{name} signing", lambda: run.wrk_signing(port, clients, seconds, tag))
    return {f"{name} /healthz": healthz, f"{name} signing": signing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args()
    seconds, clients = args.seconds, args.clients

    database_url = run.create_database()
    env = run.server_env(database_url)
    results: dict[str, WrkResult] = {}
    try:
        ceiling = run.raw_insert_ceiling(database_url, min(seconds, 20.0))
        print(f"raw INSERT ceiling: {ceiling:,.0f} rows/s")

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(TABLE_SQL)
        port = run.free_port()
        bare = run.start_server(env, port, command=bare_command(port))
        try:
            results |= healthz_then_signing("bare", port, seconds, clients)
        finally:
            run.stop_background([bare])
        with psycopg.connect(database_url) as connection:
            stored = connection.execute("SELECT count(*) FROM bare_signature").fetchone()[0]
        print(f"  bare rows stored: {stored:,}, acknowledged: "
              f"{len(results['bare signing'].acknowledged):,}")  # fmt: skip

        run.prepare(env)
        run.flush_broker()
        port = run.free_port()
        server = run.start_server(env, port)
        background = run.start_background(env)
        try:
            time.sleep(6)
            results |= healthz_then_signing("Groundswell", port, seconds, clients)
        finally:
            run.stop_background([server])
            run.stop_background(background)
        lost = results["Groundswell signing"].acknowledged - run.stored_emails(database_url)
        print(f"  Groundswell acknowledged but not stored: {len(lost)}")

        print(f"\nratios to the raw INSERT ceiling ({ceiling:,.0f} rows/s), same run:")
        for label, result in results.items():
            print("  " + line(label, result, ceiling))
        bare_rate = results["bare signing"].per_second()
        ours = results["Groundswell signing"].per_second()
        print(f"  Groundswell signing / bare signing: {ours / bare_rate:.2f}")
    finally:
        run.drop_database(database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
