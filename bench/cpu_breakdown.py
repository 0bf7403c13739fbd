"""Where the CPU goes under load: ms of CPU per request for each kind of process.

Starts the same production profile as `bench/run.py` (`groundswell serve`'s defaults, the Celery
worker at nice 10, the scheduler, PostgreSQL and Redis on this machine), runs the trivial view,
signing and confirming for `--seconds` each at 64 clients, and reads every process's CPU time
from /proc before and after each run. Linux only.

    python bench/cpu_breakdown.py --seconds 20
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run
from wrk import WrkResult

TICKS = os.sysconf("SC_CLK_TCK")


def kind_of(name: str, command: str) -> str:
    if "postgres" in name or command.startswith("postgres"):
        return "PostgreSQL"
    if "redis" in name:
        return "Redis"
    if "celery" in command and " worker" in command:
        return "Celery worker"
    if "celery" in command and " beat" in command:
        return "scheduler"
    if "gunicorn" in command or "granian" in command:
        return "web server"
    return "other"


def cpu_seconds() -> dict[tuple[str, str], float]:
    """CPU seconds (user + system) of every process, by (pid, kind)."""
    seen = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        kind = "load generator" if int(pid) == os.getpid() else kind_of(name, command)
        seen[(pid, kind)] = (int(fields[11]) + int(fields[12])) / TICKS
    return seen


def measured(label: str, load: Callable[[], WrkResult]) -> WrkResult:
    before, started = cpu_seconds(), time.perf_counter()
    result = load()
    elapsed, after = time.perf_counter() - started, cpu_seconds()
    by_kind: dict[str, float] = {}
    for key, seconds in after.items():
        by_kind[key[1]] = by_kind.get(key[1], 0.0) + seconds - before.get(key, 0.0)
    answered = max(1, result.requests)
    print(
        f"{label}: {result.per_second():.0f} responses/s (wrk), "
        f"p99 {result.latency_ms['p99']:.0f} ms, {sum(by_kind.values()) / elapsed:.2f} cores busy"
    )
    for kind, seconds in sorted(by_kind.items(), key=lambda item: -item[1]):
        if seconds / elapsed >= 0.01:
            print(
                f"  {kind:15s} {seconds / elapsed:.2f} cores, "
                f"{seconds / answered * 1000:.3f} ms per request"
            )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=None, help="default: serve's own sizing")
    args = parser.parse_args()
    seconds, clients = args.seconds, args.clients

    database_url = run.create_database()
    env = run.server_env(database_url)
    server, background = None, []
    try:
        run.prepare(env)
        run.flush_broker()
        port = run.free_port()
        server = run.start_server(env, port, args.workers)
        background = run.start_background(env)
        time.sleep(6)
        run.wrk_get(port, "/healthz", 2, 8)  # warm-up

        measured("trivial view", lambda: run.wrk_get(port, "/healthz", seconds, clients))
        signing = measured("signing", lambda: run.wrk_signing(port, clients, seconds, "cpu"))
        paths = run.confirmation_paths(database_url, env["SECRET_KEY"], signing.acknowledged)
        measured("confirming", lambda: run.wrk_confirming(port, clients, seconds, paths))
    finally:
        run.stop_background([server] if server is not None else [])
        run.stop_background(background)
        run.drop_database(database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
