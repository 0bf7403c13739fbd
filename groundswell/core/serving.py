"""How many web processes and threads `groundswell serve` runs, from the machine and the
database's connection budget.

Each thread of a web process holds one persistent PostgreSQL connection (DATABASE_CONN_MAX_AGE),
so processes x threads is the web tier's share of PostgreSQL's `max_connections`. The defaults
are the figures measured on 2 cores (docs/deployment.md, "Why granian"): one process per core
plus one, eight blocking threads each; they shrink to fit the budget left once the background
processes (worker, scheduler, migrations, an operator's psql) have their reserve.
"""

import os
from dataclasses import dataclass

from groundswell.core.env import env_int

THREADS_PER_WORKER = 8
# PostgreSQL's own default max_connections, and what the background roles and a few operator
# sessions need (a worker of concurrency 2 holds 3, beat 1).
DEFAULT_DATABASE_MAX_CONNECTIONS = 100
DEFAULT_DATABASE_RESERVED_CONNECTIONS = 10


@dataclass(frozen=True)
class WebConcurrency:
    workers: int
    threads: int
    # The connections the web tier may hold: DATABASE_MAX_CONNECTIONS less the reserve.
    connection_budget: int

    @property
    def connections(self) -> int:
        return self.workers * self.threads


def web_concurrency_sized(
    *, cpus: int, connection_budget: int, workers: int | None = None, threads: int | None = None
) -> WebConcurrency:
    """Processes and threads: what was asked for, else the defaults cut to the budget.

    Explicit figures are kept as asked (the operator knows their PostgreSQL); only the defaults
    are cut, threads first, since a process more costs memory and a thread less costs
    throughput only when the database is not the limit.
    """
    budget = max(1, connection_budget)
    chosen_workers = workers if workers is not None else max(1, cpus) + 1
    chosen_threads = threads if threads is not None else THREADS_PER_WORKER
    if workers is None:
        chosen_workers = min(chosen_workers, budget)
    if threads is None:
        chosen_threads = max(1, min(chosen_threads, budget // chosen_workers))
    return WebConcurrency(workers=chosen_workers, threads=chosen_threads, connection_budget=budget)


def available_cpus() -> int:
    """The CPUs this process may run on (a container's or a `taskset`'s share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def web_concurrency_from_environment(
    *, workers: int | None = None, threads: int | None = None
) -> WebConcurrency:
    """`web_concurrency_sized` with this machine's CPU count and the environment's variables
    (WEB_CONCURRENCY, WEB_THREADS, DATABASE_MAX_CONNECTIONS, DATABASE_RESERVED_CONNECTIONS);
    arguments given win over the variables."""
    if workers is None and os.environ.get("WEB_CONCURRENCY", "").strip():
        workers = env_int("WEB_CONCURRENCY", 1, minimum=1)
    if threads is None and os.environ.get("WEB_THREADS", "").strip():
        threads = env_int("WEB_THREADS", 1, minimum=1)
    maximum = env_int("DATABASE_MAX_CONNECTIONS", DEFAULT_DATABASE_MAX_CONNECTIONS, minimum=2)
    reserved = env_int(
        "DATABASE_RESERVED_CONNECTIONS", DEFAULT_DATABASE_RESERVED_CONNECTIONS, minimum=0
    )
    return web_concurrency_sized(
        cpus=available_cpus(),
        connection_budget=maximum - reserved,
        workers=workers,
        threads=threads,
    )
