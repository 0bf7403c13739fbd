"""Benchmark: many people RSVP to one event at the same moment, through `groundswell serve`.

    .venv/bin/python bench/bench_rsvp.py                      # 500 RSVPs, capacity 300, PostgreSQL
    .venv/bin/python bench/bench_rsvp.py --rsvps 20 --capacity 12 --sqlite   # a quick check

A fresh database (PostgreSQL through BENCH_PG_URL, or a temporary SQLite file) gets one published
event; `groundswell serve` runs on it. Then, all at once (one connection each, released together):
  1. every person POSTs the RSVP form (302 expected): the submissions' rate;
  2. every person POSTs their e-mailed confirmation link (302 expected), which is where a place or
     a waitlist position is decided under the event's row lock: the confirmations' rate.
It then checks that exactly `capacity` places are confirmed, that everyone else is on the
waitlist at positions 1..n, and that the waitlist is in the order the confirmations arrived
(`confirmed_at`). Prints one line per figure; exits non-zero if a check fails.
"""

import argparse
import asyncio
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (
    HOST,
    SECRET_KEY,
    drop_database,
    free_port,
    groundswell,
    server_env,
    start_server,
)

SLUG = "bench-rally"
# Salts copied from groundswell.core.bot_friction and groundswell.events.links, so that the load
# needs no Django setup in this process beyond django.core.signing.
FORM_SALT = "groundswell.core.bot_friction.event"
CONFIRM_SALT = "groundswell.events.rsvp-confirm"


def signer(salt: str, timestamped: bool = False):
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from django.core import signing

    kind = signing.TimestampSigner if timestamped else signing.Signer
    return kind(key=SECRET_KEY, salt=salt, fallback_keys=[])


def prepare(env: dict[str, str], capacity: int) -> None:
    groundswell(env, "migrate", "--verbosity", "0")
    code = (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from groundswell.accounts.models import Organization\n"
        "from groundswell.events.models import Event\n"
        "from groundswell.events.services.events import event_create\n"
        "org = Organization.objects.create(name='Bench', slug='bench')\n"
        "start = timezone.now() + timedelta(days=3)\n"
        f"event = event_create(organization=org, co_hosts=[], data=dict(slug={SLUG!r},"
        " kind='rally', title='Bench rally', description_markdown='Come.', starts_at=start,"
        " ends_at=start + timedelta(hours=2), time_zone='Europe/Madrid', place_name='Plaza',"
        f" place_address='Plaza 1', online_url='', capacity={capacity}, campaign=None))\n"
        "Event.objects.filter(pk=event.pk).update(status='published')\n"
    )
    groundswell(env, "shell", "-c", code)


async def exchange(port: int, request: bytes, start: asyncio.Event) -> tuple[int, bytes, float]:
    reader, writer = await asyncio.open_connection(HOST, port)
    await start.wait()
    began = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    body = await reader.readexactly(int(length.group(1))) if length else b""
    writer.close()
    return status, head + body, time.perf_counter() - began


async def all_at_once(port: int, requests: list[bytes]) -> tuple[list[int], float]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(exchange(port, request, start)) for request in requests]
    await asyncio.sleep(0.5)  # every connection open before anyone sends
    began = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    return [status for status, _raw, _seconds in results], time.perf_counter() - began


def post(path: str, fields: dict[str, str], cookie: str) -> bytes:
    body = urlencode(fields).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        f"Cookie: csrftoken={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def csrf(port: int) -> tuple[str, str]:
    """One CSRF cookie and form token, shared by every simulated person (all are valid)."""
    request = f"GET /e/{SLUG}/ HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
    _status, raw, _seconds = asyncio.run(_one(port, request))
    cookie = re.search(rb"csrftoken=([A-Za-z0-9]+)", raw)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', raw)
    if not cookie or not token:
        raise SystemExit("no CSRF cookie or token on the event page")
    return cookie.group(1).decode(), token.group(1).decode()


async def _one(port: int, request: bytes) -> tuple[int, bytes, float]:
    start = asyncio.Event()
    start.set()
    return await exchange(port, request, start)


def query(database_url: str, sql: str) -> list[tuple]:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql.replace("%s", "?")).fetchall()
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute(sql).fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rsvps", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="bench-rsvp-"))
    if args.sqlite:
        database_url = f"sqlite:///{directory / 'bench.sqlite3'}"
    else:
        from run import create_database

        database_url = create_database()
    env = server_env(database_url)
    env.update(RSVP_RATE_LIMIT_PER_MINUTE="0", CELERY_BROKER_URL="", REDIS_URL="",
               GROUNDSWELL_DATA_DIR=str(directory))  # fmt: skip
    env.pop("CELERY_BROKER_URL")
    env.pop("REDIS_URL")
    server = None
    try:
        prepare(env, args.capacity)
        port = free_port()
        server = start_server(env, port, args.workers)
        cookie, token = csrf(port)
        issued = signer(FORM_SALT).sign(f"{time.time() - 600:.3f}")
        rsvps = [
            post(
                f"/e/{SLUG}/",
                {
                    "csrfmiddlewaretoken": token,
                    "issued": issued,
                    "name": f"Person {n}",
                    "email": f"person{n}@example.org",
                    "guests": "0",
                },
                cookie,
            )
            for n in range(args.rsvps)
        ]
        statuses, seconds = asyncio.run(all_at_once(port, rsvps))
        submitted = statuses.count(302)
        print(f"rsvp submissions: {submitted}/{args.rsvps} answered 302 in {seconds:.2f} s, "
              f"{submitted / seconds:.0f}/s")  # fmt: skip

        public_ids = [row[0] for row in query(database_url, "SELECT public_id FROM events_rsvp")]
        confirm = signer(CONFIRM_SALT, timestamped=True)
        confirmations = [
            post(
                f"/e/{SLUG}/confirm/{quote(confirm.sign(public_id))}/",
                {"csrfmiddlewaretoken": token},
                cookie,
            )
            for public_id in public_ids
        ]
        statuses, seconds = asyncio.run(all_at_once(port, confirmations))
        confirmed_ok = statuses.count(302)
        print(f"rsvp confirmations: {confirmed_ok}/{len(confirmations)} answered 302 in "
              f"{seconds:.2f} s, {confirmed_ok / seconds:.0f}/s")  # fmt: skip

        rows = query(
            database_url,
            "SELECT status, waitlist_position, guests FROM events_rsvp ORDER BY confirmed_at, id",
        )
        places = sum(1 + guests for status, _position, guests in rows if status == "confirmed")
        waiting = [position for status, position, _guests in rows if status == "waitlisted"]
        (taken,) = query(database_url, "SELECT places_taken FROM events_event")[0]
        expected_places = min(args.capacity, args.rsvps)
        checks = {
            f"exactly {expected_places} places confirmed": places == taken == expected_places,
            "everyone else waitlisted": len(waiting) == args.rsvps - expected_places,
            "waitlist in arrival order": waiting == list(range(1, len(waiting) + 1)),
            "every request answered": submitted == confirmed_ok == args.rsvps,
        }
        for name, passed in checks.items():
            print(f"check: {name}: {'ok' if passed else 'FAILED'}")
        print(f"confirmed places: {places} (counter {taken}); waitlisted: {len(waiting)}")
        return 0 if all(checks.values()) else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.sqlite:
            drop_database(database_url)


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.exit(main())
