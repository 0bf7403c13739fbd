"""Which HTTP server should `groundswell serve` run? The same application under each, with wrk.

For each server, in turn, on one fresh PostgreSQL database (Redis as cache, no worker or
scheduler: what is compared is the web tier alone):
  - GET /healthz (the server's own cost with a trivial view);
  - signing (a new address each time; acknowledged addresses checked against the rows);
  - confirming (real confirmation links of pending signatures seeded with SQL);
  - the petition page (anonymous, from the page cache as in a spike);
  - an organizer page (the campaign dashboard, logged in: the full middleware chain, sessions);
and the peak resident memory of the server's whole process tree and the peak number of
PostgreSQL connections open on the bench database. Every figure is printed beside granian's
(the first server) and as a ratio to the same server's /healthz.

    python bench/compare_servers.py --seconds 30            # the comparison in docs/deployment.md
    python bench/compare_servers.py --seconds 3 --clients 8 # checks that it runs end to end
    python bench/compare_servers.py --seconds 10 --only uvicorn  # one server (name prefix)

The servers, in their best measured shapes on 2 cores (--only NAME runs one of them):
  granian   WSGI, `groundswell serve` defaults (workers x blocking threads)
  gunicorn  8 sync workers (the previous default), and gthread with granian's shape
  uvicorn   Django's ASGI application (groundswell.config.asgi), one worker per core plus one,
            with DATABASE_CONN_MAX_AGE=0 (see below)
  granian, DATABASE_CONN_MAX_AGE=0: the control for uvicorn's connection per request

Under ASGI, Django runs each request's synchronous code in a thread of its own (asgiref's
ThreadSensitiveContext: a new one-thread executor per request), so a persistent connection,
which belongs to its thread, is never reused, and no request closes it when its thread ends
(that is left to the garbage collector): with the default DATABASE_CONN_MAX_AGE=600 the
connections pile up until PostgreSQL refuses more ("too many clients"). Django's advice for
ASGI is no persistent connections (or a pool, which the settings do not offer). With
DATABASE_CONN_MAX_AGE=0 each request opens and closes its connection, so the connections open
at once are the requests in a view at once: at most --clients, to be kept within
DATABASE_MAX_CONNECTIONS less DATABASE_RESERVED_CONNECTIONS (90 by default; the bench warns
when it is not). That connection per request (and no prepared statements, see
groundswell.core.databases) is a cost granian and gunicorn do not pay; the granian control row
pays it too, so that the server's own share of the difference can be read off.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (
    HOST,
    PG_ADMIN_URL,
    SLUG,
    PeakMemory,
    Sampler,
    confirmation_paths,
    create_database,
    drop_database,
    flush_broker,
    free_port,
    organizer_cookie,
    prepare,
    seed_pending,
    server_env,
    start_server,
    stop_background,
    stored_emails,
    wrk_confirming,
    wrk_get,
    wrk_signing,
)
from wrk import WrkResult


@dataclass
class Contender:
    name: str
    # None: `groundswell serve` with these options; else the command itself ({port} filled in).
    serve_options: dict[str, object] | None = None
    command: list[str] | None = None
    # Environment for this server only, over the bench's.
    env: dict[str, str] = field(default_factory=dict)


# Django's advice for ASGI: no persistent connections (see the docstring).
NO_PERSISTENT_CONNECTIONS = {"DATABASE_CONN_MAX_AGE": "0"}


def contenders(cpus: int) -> list[Contender]:
    workers = cpus + 1
    return [
        Contender("granian (serve defaults)", serve_options={}),
        Contender(
            "granian, DATABASE_CONN_MAX_AGE=0", serve_options={}, env=NO_PERSISTENT_CONNECTIONS
        ),
        Contender(
            "gunicorn 8 sync", serve_options={"server": "gunicorn", "workers": 8, "threads": 1}
        ),
        Contender(
            f"gunicorn gthread {workers}x8",
            serve_options={"server": "gunicorn", "workers": workers, "threads": 8},
        ),
        Contender(
            f"uvicorn ASGI {workers} workers",
            command=[
                sys.executable,
                "-m",
                "uvicorn",
                "groundswell.config.asgi:application",
                "--host",
                HOST,
                "--port",
                "{port}",
                "--workers",
                str(workers),
                "--no-access-log",
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            env=NO_PERSISTENT_CONNECTIONS,
        ),
    ]


def connection_budget() -> int:
    """The connections `groundswell serve` lets the web tier hold (groundswell.core.serving)."""
    maximum = int(os.environ.get("DATABASE_MAX_CONNECTIONS", "100"))
    return maximum - int(os.environ.get("DATABASE_RESERVED_CONNECTIONS", "10"))


class PeakConnections(Sampler):
    """The most PostgreSQL connections open at once on the bench database (the web tier's,
    and the bench's own brief ones between phases), sampled every 0.1 s while in use."""

    def __init__(self, database_url: str) -> None:
        self.name, self.peak = database_url.rsplit("/", 1)[1], 0
        super().__init__()

    def _sample(self) -> None:
        # Connected to the administration database, so not counted itself.
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as db:
            while not self._stop.is_set():
                row = db.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (self.name,)
                ).fetchone()
                self.peak = max(self.peak, row[0])
                self._stop.wait(0.1)


@dataclass
class Figures:
    healthz: WrkResult
    signing: WrkResult
    signing_lost: int
    confirming: WrkResult
    confirmed: int
    page: WrkResult
    organizer: WrkResult
    peak_mb: float
    peak_connections: int


def confirmed_count(database_url: str) -> int:
    with psycopg.connect(database_url) as db:
        return db.execute(
            "SELECT count(*) FROM signatures_signature WHERE confirmed_at IS NOT NULL"
        ).fetchone()[0]


def measure(contender: Contender, env: dict[str, str], database_url: str, seconds: float,
            clients: int, links: list[str]) -> Figures:  # fmt: skip
    port = free_port()
    env = {**env, **contender.env}
    if contender.command is not None:
        command = [part.replace("{port}", str(port)) for part in contender.command]
        server = start_server(env, port, command=command)
    else:
        server = start_server(env, port, **contender.serve_options)  # type: ignore[arg-type]
    try:
        wrk_get(port, "/healthz", 2, 8)  # warm-up: every worker imports and connects
        with PeakMemory(server.pid) as memory, PeakConnections(database_url) as connections:
            healthz = wrk_get(port, "/healthz", seconds, clients)
            tag = f"cmp{int(time.time()) % 1_000_000}"
            signing = wrk_signing(port, clients, seconds, tag)
            lost = len(signing.acknowledged - stored_emails(database_url, tag))
            before = confirmed_count(database_url)
            confirming = wrk_confirming(port, clients, seconds, links)
            confirmed = confirmed_count(database_url) - before
            wrk_get(port, f"/p/{SLUG}/", 1, 8)
            page = wrk_get(port, f"/p/{SLUG}/", seconds, clients)
            organizer = wrk_get(port, f"/organizer/campaigns/{SLUG}/", seconds, clients,
                                cookie=organizer_cookie(port))  # fmt: skip
    finally:
        stop_background([server])
    return Figures(healthz, signing, lost, confirming, confirmed, page, organizer, memory.peak_mb,
                   connections.peak)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=64, help="wrk connections")
    parser.add_argument("--only", action="append", default=[],
                        help="run only the contenders whose name starts with this")  # fmt: skip
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0))
    chosen = [
        c for c in contenders(cpus) if not args.only or any(c.name.startswith(o) for o in args.only)
    ]
    if not chosen:
        parser.error(f"no server's name starts with {' or '.join(args.only)}")
    budget = connection_budget()
    if any(c.env.get("DATABASE_CONN_MAX_AGE") == "0" for c in chosen) and args.clients > budget:
        # A connection per request in a view: up to --clients at once.
        print(f"warning: --clients {args.clients} may open more than the {budget} connections "
              "DATABASE_MAX_CONNECTIONS allows the web tier", flush=True)  # fmt: skip
    database_url = create_database()
    env = server_env(database_url)
    results: dict[str, Figures] = {}
    failed: dict[str, str] = {}
    try:
        prepare(env)
        flush_broker()
        # Each server confirms its own links: a link confirms once.
        per_server = int(3000 * args.seconds)
        seeded = sorted(seed_pending(database_url, per_server * len(chosen)))
        for index, contender in enumerate(chosen):
            mine = set(seeded[index * per_server : (index + 1) * per_server])
            links = confirmation_paths(database_url, env["SECRET_KEY"], mine)
            print(f"== {contender.name}", flush=True)
            try:
                results[contender.name] = measure(
                    contender, env, database_url, args.seconds, args.clients, links
                )
            except Exception as error:  # one contender's failure is a result too
                # Keep the others' figures: say why this one has none.
                failed[contender.name] = f"{type(error).__name__}: {error}".strip()
                print(f"   {contender.name} failed: {failed[contender.name]}", flush=True)
    finally:
        drop_database(database_url)

    first = next(iter(results.values()), None)
    first_name = next(iter(results), "").split(" ")[0].rstrip(",")  # "granian"
    header = (
        "server | signing /s | confirming /s | petition page /s | organizer page /s | "
        "/healthz /s | peak RSS MB | peak DB connections | signing p99 ms | lost"
    )
    print(header)
    for name, f in results.items():
        signing = len(f.signing.acknowledged) / f.signing.seconds
        confirming = f.confirmed / f.confirming.seconds
        healthz = f.healthz.per_second()
        cells = [
            (signing, len(first.signing.acknowledged) / first.signing.seconds),
            (confirming, first.confirmed / first.confirming.seconds),
            (f.page.per_second({200}), first.page.per_second({200})),
            (f.organizer.per_second({200}), first.organizer.per_second({200})),
            (healthz, first.healthz.per_second()),
        ]
        text = " | ".join(
            f"{value:,.0f} ({value / reference:.2f} of {first_name}, {value / healthz:.2f} of "
            "/healthz)"
            if reference
            else f"{value:,.0f}"
            for value, reference in cells
        )
        print(f"{name} | {text} | {f.peak_mb:.0f} | {f.peak_connections} | "
              f"{f.signing.latency_ms['p99']:.1f} | {f.signing_lost}")  # fmt: skip
        errors = {
            kind: result.error_count
            for kind, result in (
                ("healthz", f.healthz),
                ("signing", f.signing),
                ("confirming", f.confirming),
                ("page", f.page),
                ("organizer", f.organizer),
            )
            if result.error_count
        }
        non_ok = {
            kind: {s: n for s, n in result.statuses.items() if s not in ok}
            for kind, result, ok in (
                ("signing", f.signing, {302}),
                ("confirming", f.confirming, {200}),
                ("page", f.page, {200}),
                ("organizer", f.organizer, {200}),
            )
        }
        non_ok = {kind: statuses for kind, statuses in non_ok.items() if statuses}
        if errors or non_ok:
            print(f"  {name}: wrk errors {errors}, other statuses {non_ok}")
    for name, reason in failed.items():
        print(f"{name} | no figures: {reason}")
    return 0 if not failed and all(f.signing_lost == 0 for f in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
