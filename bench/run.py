"""`make bench`: the web paths under load, against PostgreSQL and Redis, with same-run baselines.

Starts `groundswell serve` with its defaults (granian, workers and threads sized by serve itself;
--workers/--threads override) on a fresh PostgreSQL database, then drives it with wrk
(`bench/wrk.py`; Debian's, C), each run for the same time and number of connections, and prints
every throughput figure as a ratio to the raw INSERT ceiling and to /healthz of the same run:
  - baselines: a trivial Django view (GET /healthz; before signing and again after confirming,
    the ratios use the mean) and a raw single-row INSERT ceiling (psycopg, 4 connections,
    autocommit, durable commits; measured in the same run, after the server stopped);
  - signing: signatures/s and p50/p99, then checks that the database holds exactly the
    acknowledged signatures;
  - confirming: the confirmation POST, each client through its own share of the acknowledged
    signatures' links (topped up with pending signatures seeded by SQL, 2,500 per second of the
    run, so that no client runs out of new links); the published count is sampled twice a
    second during the run and for 3 s after (how far behind it falls; it must be equal by then),
    then the confirmed rows and the stored count are checked;
  - the background catching up: every e-mail sent and every confirmation in the log;
  - the petition page and its JSON with 0 and with 1,000,000 signatures (seeded, then appended
    to their log by the worker before the pages are read);
  - the organizer dashboard of the 1,000,000-signature campaign (single requests);
  - two app instances on different ports sharing PostgreSQL and Redis: a rate limit shared
    across them, and the same count read from both.
Figures are written to bench/results/suite.json as well.
"""

import argparse
import http.client as http_client
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Self
from urllib.parse import quote

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import LoadResult, post_form_request, run_load
from wrk import (
    WrkResult,
    confirming_script,
    get_script,
    run_wrk,
    signing_script,
)

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
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        EMAIL_URL="dummy://",
        SIGNING_RATE_LIMIT_PER_MINUTE="0",
        LOG_LEVEL="WARNING",
        GROUNDSWELL_DATA_DIR=str(ROOT / "var" / "bench"),
    )
    return env


def flush_broker() -> None:
    """Messages left in the broker by an earlier run name rows of another database."""
    subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=False,
                   capture_output=True)  # fmt: skip


def groundswell(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "groundswell", *args], env=env, check=True, cwd=ROOT)


BENCH_USER, BENCH_PASSWORD = "bench-organizer", "bench-password-1"
SECRET_KEY = "bench-" + "x" * 50
# groundswell.core.bot_friction's salt for the petition form; copied so this script needs no
# Django setup.
SIGNING_FORM_SALT = "groundswell.core.bot_friction.petition"


def form_opened(seconds_ago: float = 600) -> str:
    """The signing form's `issued` field as the petition page rendered it `seconds_ago`: what
    people who took that long to fill it in send back. In a spike every visitor gets the same
    page from the shared cache, so one value for every request of a run is what happens too."""
    from django.core import signing

    signer = signing.Signer(key=SECRET_KEY, salt=SIGNING_FORM_SALT, fallback_keys=[])
    return "issued=" + quote(signer.sign(f"{time.time() - seconds_ago:.3f}"))


FORM_OPENED = form_opened()
CAMPAIGNS = (SLUG, "empty-petition", "big-petition", "twin-petition")


def prepare(env: dict[str, str]) -> None:
    groundswell(env, "migrate", "--verbosity", "0")
    code = (
        "from groundswell.accounts.models import Organization, Membership, Role, User\n"
        "from groundswell.campaigns.services import campaign_create, campaign_transition\n"
        "org = Organization.objects.create(name='Bench', slug='bench')\n"
        f"for slug in {CAMPAIGNS!r}:\n"
        "    c = campaign_create(organization=org, data=dict(slug=slug, title='Bench petition',"
        " ask='Go faster.', background='Some **background**.', target_name='Target',"
        " goal=1000000))\n"
        "    campaign_transition(campaign=c, action='publish')\n"
        f"u = User.objects.create_user({BENCH_USER!r}, password={BENCH_PASSWORD!r})\n"
        "Membership.objects.create(user=u, organization=org, role=Role.OWNER)\n"
    )
    groundswell(env, "shell", "-c", code)


LOG_DIR = ROOT / "var" / "bench"


SERVER_START_SECONDS = 180


def start_server(
    env: dict[str, str],
    port: int,
    workers: int | None = None,
    *,
    threads: int | None = None,
    server: str | None = None,
    command: list[str] | None = None,
) -> subprocess.Popen:
    """`groundswell serve` with its own defaults unless told otherwise (or any `command`)."""
    # The server's log goes to a file: an unread pipe fills up and blocks the workers.
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"server-{port}.log"
    if command is None:
        command = [sys.executable, "-m", "groundswell", "serve", "--bind", f"{HOST}:{port}"]
        if workers is not None:
            command += ["--workers", str(workers)]
        if threads is not None:
            command += ["--threads", str(threads)]
        if server is not None:
            command += ["--server", server]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log_path.open("ab"), stderr=subprocess.STDOUT
    )
    # Each worker imports Django and the project: on a loaded 2-core machine, well over 30 s.
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start; see {log_path}")


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def resident_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Sampler:
    """Runs `_sample` in a thread while in use (a `with` block); `_sample` loops until
    `self._stop` is set."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        raise NotImplementedError


class PeakMemory(Sampler):
    """The largest resident memory of a process tree (the whole web tier), sampled every
    0.5 s while in use."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb = pid, 0.0
        super().__init__()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, resident_mb(process_tree(self.pid)))
            self._stop.wait(0.5)


COUNTS_WAIT_SECONDS = 4  # the scheduler publishes counts every 2 s


def start_background(env: dict[str, str]) -> list[subprocess.Popen]:
    """The worker and the scheduler, as deploy/systemd runs them on a one-machine installation
    (the worker at Nice=10, so requests come first)."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [*nice, sys.executable, "-m", "groundswell", role, *extra],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(LOG_DIR / f"{role}.log").open("ab"),
        )
        for role, extra, nice in (
            ("worker", ["--concurrency", "1"], ["nice", "-n", "10"]),
            ("beat", [], []),
        )
    ]


def stop_background(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


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
    body = (
        f"name=Bench+Signer&email={email}&country=US&postal_code=10001&source=bench&{FORM_OPENED}"
    )
    return post_form_request(HOST, f"/p/{SLUG}/sign/", body), email


def stored_emails(database_url: str, prefix: str = "") -> set[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT s.email FROM signatures_signature s JOIN campaigns_campaign c "
            "ON c.id = s.campaign_id WHERE c.slug = %s AND s.email LIKE %s",
            (SLUG, prefix + "%"),
        ).fetchall()
    return {row[0] for row in rows}


# groundswell.signatures.links.CONFIRMATION_SALT; copied so this script needs no Django setup.
CONFIRMATION_SALT = "groundswell.signatures.confirm"
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # 32 characters: Django accepts the bare secret


def seed_big(database_url: str, count: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as db:
        campaign = db.execute(
            "SELECT id FROM campaigns_campaign WHERE slug = 'big-petition'"
        ).fetchone()[0]
        db.execute(
            "INSERT INTO signatures_signature (campaign_id, public_id, name, email, email_key, "
            "country, postal_code, comment, show_name, source, created_at, confirmed_at) "
            "SELECT %s, 'big' || n, 'Signer ' || n, 'big' || n || '@example.org', "
            "'big' || n || '@example.org', 'US', '10001', '', n %% 3 = 0, '', "
            "now() - (n || ' seconds')::interval, now() - (n || ' seconds')::interval "
            "FROM generate_series(1, %s) n",
            (campaign, count),
        )
        db.execute("ANALYZE")


CONFIRMING_LINKS_PER_SECOND = 2500


def seed_pending(database_url: str, count: int) -> set[str]:
    """`count` more pending signatures on the signing campaign, as if signed; their e-mails."""
    count = max(0, int(count))
    with psycopg.connect(database_url, autocommit=True) as db:
        campaign = db.execute("SELECT id FROM campaigns_campaign WHERE slug = %s", (SLUG,))
        db.execute(
            "INSERT INTO signatures_signature (campaign_id, public_id, name, email, email_key, "
            "country, postal_code, comment, show_name, source, created_at, notified_at) "
            "SELECT %s, 'pending' || n, 'Pending ' || n, 'pending' || n || '@bench.example', "
            "'pending' || n || '@bench.example', 'US', '10001', '', false, 'bench', now(), now() "
            "FROM generate_series(1, %s) n",
            (campaign.fetchone()[0], count),
        )
        # As autovacuum would after such an insert (this machine runs without it): planned with
        # the statistics of a table a third of its size, confirming fell to 80/s.
        db.execute("ANALYZE signatures_signature")
    return {f"pending{n}@bench.example" for n in range(1, count + 1)}


def confirmation_requests(database_url: str, secret: str, emails: set[str]) -> list[bytes]:
    return [
        post_form_request(HOST, path, body, f"Cookie: {cookie}\r\n")
        for path, body, cookie in confirmation_requests_for(database_url, secret, SLUG, emails)
    ]


def confirmed_state(database_url: str, slug: str) -> tuple[int, int]:
    with psycopg.connect(database_url) as db:
        return db.execute(
            "SELECT (SELECT count(*) FROM signatures_signature s WHERE s.campaign_id = c.id "
            "AND s.confirmed_at IS NOT NULL), c.signature_count FROM campaigns_campaign c "
            "WHERE c.slug = %s",
            (slug,),
        ).fetchone()


class CountWatcher:
    """Samples the published count against the confirmed rows twice a second while a load runs:
    how far behind the public count falls (the issue allows a few seconds)."""

    def __init__(self, database_url: str, slug: str) -> None:
        self.database_url, self.slug = database_url, slug
        self.samples: list[tuple[float, int, int]] = []  # (time, published, confirmed rows)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def __enter__(self) -> "CountWatcher":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        time.sleep(3)  # and three seconds after the load
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            rows, published = confirmed_state(self.database_url, self.slug)
            self.samples.append((time.perf_counter(), published, rows))
            time.sleep(0.5)

    def lag(self) -> dict[str, float]:
        """The most rows the count was behind, and for how long at most: since the confirmed
        rows first reached the count shown."""
        seconds_behind = max(
            moment - next(t for t, _p, rows in self.samples if rows >= published or t == moment)
            for moment, published, _rows in self.samples
        )
        rows_behind = max(rows - published for _t, published, rows in self.samples)
        _t, published, rows = self.samples[-1]
        return {"rows": rows_behind, "seconds": round(seconds_behind, 1),
                "behind_3_s_after": rows - published}  # fmt: skip


CHECKPOINT_CODE = (
    "from groundswell.transparency.tasks import signed_checkpoints_create_task\n"
    "signed_checkpoints_create_task()\n"
)


def background_caught_up(database_url: str, slug: str, timeout: float = 900) -> dict[str, int]:
    """Wait until the worker has sent every e-mail and appended every confirmation to the log,
    as it does once a spike is over; the page figures are measured after that."""
    deadline = time.perf_counter() + timeout
    while True:
        with psycopg.connect(database_url) as db:
            state = db.execute(
                "SELECT (SELECT count(*) FROM core_outboundemail WHERE sent_at IS NULL), "
                "(SELECT count(*) FROM core_outboundemail WHERE sent_at IS NOT NULL), "
                "(SELECT count(*) FROM signatures_signature s WHERE s.campaign_id = c.id "
                "AND s.confirmed_at IS NOT NULL), "
                "COALESCE((SELECT live_count FROM delivery_loghead h "
                "WHERE h.campaign_id = c.id), 0) FROM campaigns_campaign c WHERE c.slug = %s",
                (slug,),
            ).fetchone()
        unsent, sent, confirmed, logged = state
        if (unsent == 0 and confirmed == logged) or time.perf_counter() > deadline:
            return {"unsent": unsent, "sent": sent, "confirmed": confirmed, "logged": logged}
        time.sleep(2)


def http(port: int, method: str, path: str, body: str = "", cookie: str = "") -> tuple:
    connection = http_client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - started
    result = (response.status, response.getheader("Set-Cookie") or "", content, elapsed)
    connection.close()
    return result


def organizer_cookie(port: int) -> str:
    """The Cookie header of the bench organizer, logged in."""
    status, set_cookie, _body, _t = http(
        port, "POST", "/accounts/login/",
        f"username={BENCH_USER}&password={BENCH_PASSWORD}&csrfmiddlewaretoken={CSRF}",
        cookie=f"csrftoken={CSRF}",
    )  # fmt: skip
    found = re.search(r"sessionid=[^;,\s]+", set_cookie)
    session = found.group(0) if found else ""
    if status != 302 or not session:
        raise SystemExit(f"could not log in to the dashboard (status {status})")
    return f"{session}; csrftoken={CSRF}"


def dashboard_latencies(port: int, repeat: int = 30) -> list[float]:
    session = organizer_cookie(port)
    samples = []
    for _ in range(repeat):
        status, _c, _b, elapsed = http(port, "GET", "/organizer/campaigns/big-petition/",
                                       cookie=session)  # fmt: skip
        if status != 200:
            raise SystemExit(f"dashboard answered {status}")
        samples.append(elapsed)
    return samples


def percentile_ms(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def two_instances(env: dict[str, str], database_url: str, first_port: int) -> dict[str, object]:
    """Rate limits and counts must hold across processes that share only PostgreSQL and Redis."""
    limit = 40
    limited_env = dict(env, SIGNING_RATE_LIMIT_PER_MINUTE=str(limit))
    second_port, third_port = free_port(), free_port()
    servers = [
        start_server(env, second_port, workers=1),
        start_server(limited_env, third_port, workers=1),
    ]
    fourth_port = free_port()
    servers.append(start_server(limited_env, fourth_port, workers=1))
    try:
        # Counts: sign and confirm through both instances, then read the count from both.
        emails = {f"twin{n}@bench.example" for n in range(60)}
        ports = [first_port, second_port]
        for number, email in enumerate(sorted(emails)):
            body = f"name=Twin&email={email}&country=US&{FORM_OPENED}"
            http(ports[number % 2], "POST", "/p/twin-petition/sign/", body)
        for number, request in enumerate(
            confirmation_requests_for(database_url, env["SECRET_KEY"], "twin-petition", emails)
        ):
            path, body, cookie = request
            http(ports[number % 2], "POST", path, body, cookie=cookie)
        time.sleep(int(env.get("PUBLIC_PAGE_CACHE_SECONDS", "5")) + COUNTS_WAIT_SECONDS)
        seen = [
            json.loads(http(port, "GET", "/p/twin-petition.json")[2])["signature_count"]
            for port in ports
        ]
        rows, stored_count = confirmed_state(database_url, "twin-petition")
        # Rate limit: one client address, alternating between two limited instances.
        if time.time() % 60 > 45:
            time.sleep(61 - time.time() % 60)
        statuses: dict[int, int] = {}
        for number in range(limit * 2):
            body = f"name=Limit&email=limit{number}@bench.example&country=US&{FORM_OPENED}"
            port = (third_port, fourth_port)[number % 2]
            status = http(port, "POST", "/p/twin-petition/sign/", body)[0]
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    return {
        "counts_seen_by_each_instance": seen,
        "confirmed_rows": rows,
        "stored_count": stored_count,
        "rate_limit": limit,
        "rate_limited_statuses": statuses,
    }


def confirmation_requests_for(
    database_url: str, secret: str, slug: str, emails: set[str]
) -> list[tuple[str, str, str]]:
    from django.core import signing

    signer = signing.TimestampSigner(key=secret, salt=CONFIRMATION_SALT, fallback_keys=[])
    with psycopg.connect(database_url) as db:
        rows = db.execute(
            "SELECT s.email, s.public_id FROM signatures_signature s JOIN campaigns_campaign c "
            "ON c.id = s.campaign_id WHERE c.slug = %s",
            (slug,),
        ).fetchall()
    return [
        (f"/p/{slug}/confirm/{signer.sign(public_id)}/", f"csrfmiddlewaretoken={CSRF}",
         f"csrftoken={CSRF}")
        for email, public_id in rows
        if email in emails
    ]  # fmt: skip


def load(port: int, clients: int, seconds: float, request: bytes, ok: set[int]) -> LoadResult:
    return run_load(host=HOST, port=port, clients=clients, seconds=seconds, ok_statuses=ok,
                    make_request=lambda c, n: (request, ""))  # fmt: skip


# Every throughput figure comes from wrk. Signing and confirming give each wrk thread one
# connection (bench/wrk.py: that is how a response is matched to its request); the GETs use
# 2 threads, as the independent test did.
WRK_GET_THREADS = 2


def base_url(port: int) -> str:
    return f"http://{HOST}:{port}"


def wrk_get(port: int, path: str, seconds: float, connections: int,
            cookie: str = "") -> WrkResult:  # fmt: skip
    headers = {"Cookie": cookie} if cookie else None
    return run_wrk(base_url(port), get_script(path, headers), seconds=seconds,
                   connections=connections, threads=min(WRK_GET_THREADS, connections))  # fmt: skip


def wrk_signing(port: int, connections: int, seconds: float, tag: str) -> WrkResult:
    """New addresses `<tag>t<thread>n<number>@bench.example`; the result's `acknowledged` is
    the set of addresses answered 302."""
    with tempfile.TemporaryDirectory() as directory:
        script = signing_script(
            path=f"/p/{SLUG}/sign/",
            body_before_email="name=Bench+Signer&email=",
            body_after_email=f"&country=US&postal_code=10001&source=bench&{FORM_OPENED}",
            tag=tag,
            acknowledged_dir=Path(directory),
        )
        return run_wrk(base_url(port), script, seconds=seconds, connections=connections,
                       threads=connections, acknowledged_dir=Path(directory))  # fmt: skip


def confirmation_paths(database_url: str, secret: str, emails: set[str], slug: str = SLUG
                       ) -> list[str]:  # fmt: skip
    return [path for path, _b, _c in confirmation_requests_for(database_url, secret, slug, emails)]


def wrk_confirming(port: int, connections: int, seconds: float, paths: list[str]) -> WrkResult:
    """Each thread POSTs its own share of the links (no two threads confirm the same one)."""
    with tempfile.TemporaryDirectory() as directory:
        for thread in range(connections):
            share = paths[thread::connections] or paths[:1]
            (Path(directory) / str(thread + 1)).write_text("\n".join(share) + "\n")
        script = confirming_script(links_dir=Path(directory))
        return run_wrk(base_url(port), script, seconds=seconds, connections=connections,
                       threads=connections)  # fmt: skip


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ratios(rate: float, ceiling: float, healthz: float) -> str:
    return f"{rate / ceiling:.2f} of the INSERT ceiling, {rate / healthz:.2f} of /healthz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=64, help="wrk connections")
    parser.add_argument("--workers", type=int, default=None, help="default: serve's own sizing")
    parser.add_argument("--threads", type=int, default=None, help="default: serve's own sizing")
    parser.add_argument("--server", choices=("granian", "gunicorn"), default=None)
    parser.add_argument("--big", type=int, default=1_000_000, help="signatures in the big campaign")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    seconds, clients = args.seconds, args.clients
    short = max(5.0, seconds / 3)

    database_url = create_database()
    env = server_env(database_url)
    server = None
    background: list[subprocess.Popen] = []
    figures: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
        "connections": clients,
        "seconds": seconds,
        "load_generator": "wrk",
    }
    try:
        prepare(env)
        flush_broker()
        port = free_port()
        server = start_server(env, port, args.workers, threads=args.threads, server=args.server)
        started_line = (LOG_DIR / f"server-{port}.log").read_text().strip().splitlines()
        figures["server"] = next((ln for ln in started_line if ln.startswith("Serving")), "")
        # As in production: a worker drains the outbox and the scheduler publishes the counts.
        background = start_background(env)
        time.sleep(6)  # let them start before measuring anything
        wrk_get(port, "/healthz", 2, 8)  # warm-up
        progress(figures["server"])

        with PeakMemory(server.pid) as memory:
            trivial = wrk_get(port, "/healthz", seconds, clients)
            tag = f"w{int(time.time()) % 1_000_000}"
            progress("signing")
            signing = wrk_signing(port, clients, seconds, tag)
            acknowledged = signing.acknowledged
            stored = stored_emails(database_url, tag)

            # Enough pending signatures that no client runs out of new links: those signed
            # above, and the rest seeded with SQL. Each is confirmed through the same POST.
            seeded = seed_pending(database_url, CONFIRMING_LINKS_PER_SECOND * seconds - len(stored))
            paths = confirmation_paths(database_url, env["SECRET_KEY"], acknowledged | seeded)
            progress(f"confirming ({len(paths)} links)")
            with CountWatcher(database_url, SLUG) as watcher:
                confirming = wrk_confirming(port, clients, seconds, paths)
            count_lag = watcher.lag()
        for _attempt in range(20):
            time.sleep(1)
            confirmed_rows, stored_count = confirmed_state(database_url, SLUG)
            if confirmed_rows == stored_count:
                break
        progress("waiting for the background to catch up")
        background_started = time.perf_counter()
        caught_up = background_caught_up(database_url, SLUG)
        background_seconds = time.perf_counter() - background_started
        # The baseline again, once the background is idle: the machine's speed drifts over
        # minutes, and the ratios use the mean of the two runs around signing and confirming.
        trivial_after = wrk_get(port, "/healthz", seconds, clients)

        pages: dict[str, WrkResult] = {}
        for label, slug in (("0", "empty-petition"), ("big", "big-petition")):
            progress(f"pages ({label})")
            if label == "big":
                seed_big(database_url, args.big)
                groundswell(env, "recount_signatures", "big-petition")
                # As in a real campaign, its signatures are in its log before pages are read.
                seeded_at = time.perf_counter()
                big_log = background_caught_up(database_url, "big-petition", timeout=1800)
                big_log["seconds"] = round(time.perf_counter() - seeded_at)
                # And its signed checkpoint and tiles, which the scheduler makes every
                # TRANSPARENCY_CHECKPOINT_SECONDS (300): a real campaign's tiles are written as
                # it grows, not for a million entries at once in the middle of its page views.
                tiled_at = time.perf_counter()
                groundswell(env, "shell", "-c", CHECKPOINT_CODE)
                big_log["checkpoint_seconds"] = round(time.perf_counter() - tiled_at)
            for kind, path in (("page", f"/p/{slug}/"), ("json", f"/p/{slug}.json")):
                wrk_get(port, path, 1, 8)  # warm the page cache
                pages[f"{kind}_{label}"] = wrk_get(port, path, short, clients)
        organizer = wrk_get(port, "/organizer/campaigns/big-petition/", short, clients,
                            cookie=organizer_cookie(port))  # fmt: skip
        progress("dashboard, two instances, raw INSERT ceiling")
        dashboard = dashboard_latencies(port)
        twins = two_instances(env, database_url, port)
        server.terminate()
        server.wait(timeout=30)
        server = None
        raw = raw_insert_ceiling(database_url, seconds)
    finally:
        if server is not None:
            server.kill()
        stop_background(background)
        if not args.keep_database:
            drop_database(database_url)

    trivial_rps = (trivial.per_second() + trivial_after.per_second()) / 2
    lost = len(acknowledged - stored)
    extra = len(stored - acknowledged)
    signing_per_s = len(acknowledged) / signing.seconds
    confirming_per_s = confirmed_rows / confirming.seconds
    lines = [
        f"machine {figures['machine']}; wrk, {clients} connections; {seconds:.0f} s per load "
        f"run; {figures['server']}",
        f"baseline.trivial_view_rps {trivial_rps:.0f} (mean of {trivial.per_second():.0f} "
        f"before signing and {trivial_after.per_second():.0f} after confirming; p99 "
        f"{trivial.latency_ms['p99']:.1f} / {trivial_after.latency_ms['p99']:.1f} ms; "
        f"{raw and trivial_rps / raw:.2f} of the INSERT ceiling)",
        f"baseline.raw_insert_rows_per_s {raw:.0f} (psycopg, 4 connections, autocommit, "
        "single-row durable INSERT)",
        f"signing.per_s {signing_per_s:.0f} ({ratios(signing_per_s, raw, trivial_rps)}; "
        "target >= 0.25 of the ceiling)",
        f"signing.p50_ms {signing.latency_ms['p50']:.1f}",
        f"signing.p99_ms {signing.latency_ms['p99']:.1f} (target < 250)",
        f"signing.check acknowledged {len(acknowledged)} stored {len(stored)} lost {lost} "
        f"extra {extra} (requests in flight when wrk stopped) statuses {signing.statuses} "
        f"wrk errors {signing.errors}",
        f"confirming.per_s {confirming_per_s:.0f} new confirmations "
        f"({ratios(confirming_per_s, raw, trivial_rps)}; target >= 0.25 of the ceiling; "
        f"{confirming.per_second({200}):.0f} answers/s, counting links a thread used again "
        f"once its share of the {len(paths)} links ran out)",
        f"confirming.p99_ms {confirming.latency_ms['p99']:.1f}",
        f"confirming.count_lag published count at most {count_lag['rows']} rows and "
        f"{count_lag['seconds']} s behind the confirmed rows during the load (sampled every "
        f"0.5 s; pages add their {env.get('PUBLIC_PAGE_CACHE_SECONDS', '5')} s cache), "
        f"{count_lag['behind_3_s_after']} behind 3 s after it",
        f"confirming.check confirmed rows {confirmed_rows} stored count {stored_count} "
        f"statuses {confirming.statuses}",
        f"memory.web_tier_peak_mb {memory.peak_mb:.0f} (every process of the server, resident, "
        "during /healthz, signing and confirming)",
        f"background.caught_up_s {background_seconds:.0f} after the load (e-mails sent "
        f"{caught_up['sent']}, unsent {caught_up['unsent']}; log leaves {caught_up['logged']} "
        f"of {caught_up['confirmed']} confirmed)",
    ]
    for kind in ("page", "json"):
        empty, big = pages[f"{kind}_0"], pages[f"{kind}_big"]
        lines.append(
            f"petition.{kind}_rps_0 {empty.per_second():.0f} "
            f"(p99 {empty.latency_ms['p99']:.1f} ms; "
            f"{ratios(empty.per_second(), raw, trivial_rps)})"
        )
        lines.append(
            f"petition.{kind}_rps_{args.big} {big.per_second():.0f} "
            f"(p99 {big.latency_ms['p99']:.1f} ms; {ratios(big.per_second(), raw, trivial_rps)}; "
            f"ratio to 0 signatures {big.per_second() / empty.per_second():.2f}; targets "
            f">= 3000/s, p99 < 100 ms)"
        )
    lines.append(
        f"organizer.dashboard_rps_{args.big} {organizer.per_second():.0f} (p99 "
        f"{organizer.latency_ms['p99']:.1f} ms; {ratios(organizer.per_second(), raw, trivial_rps)}"
        f"; statuses {organizer.statuses})"
    )
    lines.append(
        f"background.seeded_log_s {big_log['seconds']} to append the {big_log['logged']} seeded "
        f"signatures to their log through the worker (and send {big_log['sent']} e-mails in all); "
        f"then {big_log.get('checkpoint_seconds', 0)} s to sign its checkpoint and write its tiles"
    )
    lines.append(
        f"dashboard.{args.big}_p50_ms {percentile_ms(dashboard, 0.5):.1f} "
        f"p99 {percentile_ms(dashboard, 0.99):.1f} (single requests; target < 300)"
    )
    lines.append(
        f"two_instances.counts seen {twins['counts_seen_by_each_instance']} rows "
        f"{twins['confirmed_rows']} stored {twins['stored_count']}; rate limit "
        f"{twins['rate_limit']}/min across both: {twins['rate_limited_statuses']}"
    )
    for line in lines:
        print(line)
    figures.update(
        trivial_view_rps=round(trivial_rps),
        trivial_view_rps_before_after=[
            round(trivial.per_second()),
            round(trivial_after.per_second()),
        ],
        raw_insert_rows_per_s=round(raw),
        signing_per_s=round(signing_per_s),
        signing_ratio_to_ceiling=round(signing_per_s / raw, 3),
        signing_ratio_to_healthz=round(signing_per_s / trivial_rps, 3),
        signing_p99_ms=round(signing.latency_ms["p99"], 1),
        signing_lost=lost,
        signing_extra=extra,
        confirming_per_s=round(confirming_per_s),
        confirming_ratio_to_ceiling=round(confirming_per_s / raw, 3),
        confirming_answers_per_s=round(confirming.per_second({200})),
        confirming_p99_ms=round(confirming.latency_ms["p99"], 1),
        count_lag=count_lag,
        web_tier_peak_mb=round(memory.peak_mb),
        background_caught_up_s=round(background_seconds),
        background=caught_up,
        seeded_log=big_log,
        confirmed_rows=confirmed_rows,
        stored_count=stored_count,
        pages={k: round(v.per_second()) for k, v in pages.items()},
        pages_p99_ms={k: round(v.latency_ms["p99"], 1) for k, v in pages.items()},
        organizer_rps=round(organizer.per_second()),
        dashboard_p99_ms=round(percentile_ms(dashboard, 0.99), 1),
        two_instances=twins,
    )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "suite.json").write_text(json.dumps(figures, indent=2, default=str))
    statuses = twins["rate_limited_statuses"]
    twins_ok = (
        set(twins["counts_seen_by_each_instance"]) == {twins["confirmed_rows"]}
        and twins["stored_count"] == twins["confirmed_rows"]
        and statuses.get(302) == twins["rate_limit"]
    )
    counts_ok = confirmed_rows == stored_count and count_lag["behind_3_s_after"] == 0
    background_ok = all(
        state["unsent"] == 0 and state["logged"] == state["confirmed"]
        for state in (caught_up, big_log)
    )
    # Extra rows (stored, never answered) can only be requests wrk cut off at the end: at most
    # one per connection.
    signing_ok = lost == 0 and extra <= clients
    return 0 if signing_ok and counts_ok and twins_ok and background_ok else 1


if __name__ == "__main__":
    sys.exit(main())
